"""受付期間 (valid_from / valid_until) through the resident's pages, with the clock held on chosen days.

The 子育て応援給付金 of 令和8年度 is accepted from 1 April 2026 to 31 March 2027; 令和9年度's is
published ahead, in February 2027, and takes over on 1 April 2027 without anyone doing anything.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from formsvc import clock
from formsvc.db import database
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.forms.catalog import all_in_force, in_force_on, reception_on
from formsvc.forms.loading import publish_loaded
from formsvc.forms.models import Form
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token

FORM = "kosodate-ouen"
DEFINITION = """\
id: kosodate-ouen
title: 子育て応援給付金（{nendo}）の申請
description: 18歳までのお子さんを育てている世帯に給付金を支給します。
department: {{name: こども家庭課}}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、指定の口座に振り込みます。
retention: {{years: 5}}
{period}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {{type: text, id: applicant_name, label: 申請者の氏名, max_length: 20}}
"""
R8 = DEFINITION.format(nendo="令和8年度", period="valid_from: 2026-04-01\nvalid_until: 2027-03-31")
R9 = DEFINITION.format(nendo="令和9年度", period="valid_from: 2027-04-01\nvalid_until: 2028-03-31")


@pytest.fixture
def calendar(monkeypatch):
    """The app's clock (formsvc.clock) on a day the test chooses: ``calendar.day = date(…)``."""

    class Calendar:
        day = date(2027, 2, 1)

    held = Calendar()
    monkeypatch.setattr(clock, "_read_system_clock",
                        lambda: datetime.combine(held.day, time(10, 0), clock.JST))
    return held


def publish(app, source: str) -> None:
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(source, "kosodate-ouen.yaml"), actor="test")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def count(app, model) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def token(client) -> str:
    """The session's CSRF token, from a procedure that is open (a closed one's start page has no form)."""
    return csrf_token(client.get("/forms/sample-permit/").text)


def start(client, form_id: str = FORM, **extra):
    return client.post(f"/forms/{form_id}/start", data={"csrf_token": token(client), **extra})


def answer_and_check(client, first_page: str):
    page = client.get(first_page)
    sent = client.post(first_page, data={"csrf_token": csrf_token(page.text), "applicant_name": "山田 花子"})
    assert sent.status_code == 302, text_of(sent.text)[:500]
    return client.get(urlparse(sent.location).path)


# --- the definition ------------------------------------------------------------------------------

def test_the_period_is_copied_to_the_published_version(app, calendar):
    publish(app, R8)
    publish(app, R9)
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        assert [(v.number, v.valid_from, v.valid_until) for v in form.versions] == [
            (1, date(2026, 4, 1), date(2027, 3, 31)), (2, date(2027, 4, 1), date(2028, 3, 31))]
        assert form.published_version == 2  # the newest version, whatever its period


def test_an_end_before_the_start_is_refused_at_its_line():
    source = DEFINITION.format(nendo="令和9年度", period="valid_from: 2027-04-01\nvalid_until: 2027-03-31")
    with pytest.raises(DefinitionInvalid) as refused:
        load_text(source, "kosodate-ouen.yaml")
    error = refused.value.errors[0]
    assert (error.line, error.path) == (9, "valid_until")
    assert "受付終了日は受付開始日以降にしてください" in error.message


@pytest.mark.parametrize("bad", ["2027-02-30", "令和9年4月1日", "2027-04-01T10:00:00", "99999-01-01",
                                 "2027-04-01\\u0000", "-1"])
def test_a_period_that_is_not_a_date_is_refused(bad):
    source = DEFINITION.format(nendo="令和9年度", period=f'valid_from: "{bad}"')
    with pytest.raises(DefinitionInvalid) as refused:
        load_text(source, "kosodate-ouen.yaml")
    assert (refused.value.errors[0].path, refused.value.errors[0].line) == ("valid_from", 8)


@pytest.mark.parametrize("number", ["0", "1798761600", "20270401", "1e309"])
def test_a_number_is_not_read_as_seconds_since_1970(number):
    source = DEFINITION.format(nendo="令和9年度", period=f"valid_until: {number}")
    with pytest.raises(DefinitionInvalid) as refused:
        load_text(source, "kosodate-ouen.yaml")
    assert refused.value.errors[0].message == "日付を YYYY-MM-DD の形で書いてください"


def test_a_raw_control_character_is_refused_by_the_yaml_reader():
    source = DEFINITION.format(nendo="令和9年度", period="valid_from: 2027-04-01\x00")
    with pytest.raises(DefinitionInvalid):
        load_text(source, "kosodate-ouen.yaml")


# --- before, on and after the first day ------------------------------------------------------------

def test_before_valid_from_the_start_page_says_when_it_opens_and_nothing_starts(app, client, calendar, sample_form):
    publish(app, R9)
    calendar.day = date(2027, 3, 31)
    page = client.get(f"/forms/{FORM}/")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "この手続きは2027年4月1日から受け付けます" in shown
    assert "受付期間 2027年4月1日から2028年3月31日まで" in shown
    assert f'action="/forms/{FORM}/start"' not in page.text  # no 申請を始める button
    refused = start(client)
    assert refused.status_code == 302 and urlparse(refused.location).path == f"/forms/{FORM}/"
    forged = start(client, resume="1")  # a forged 続きから without any draft
    assert forged.status_code == 302 and urlparse(forged.location).path == f"/forms/{FORM}/"
    assert count(app, Draft) == 0
    assert client.get(f"/forms/{FORM}/pages/applicant").status_code in (200, 302)
    assert count(app, Draft) == 0

    calendar.day = date(2027, 4, 1)  # the first day: nobody had to do anything
    begun = start(client)
    assert begun.status_code == 302 and urlparse(begun.location).path == f"/forms/{FORM}/pages/applicant"
    assert count(app, Draft) == 1


def test_english_notice(app, client, calendar, sample_form):
    publish(app, R9)
    calendar.day = date(2027, 3, 1)
    client.get("/language/en")
    assert "Applications for this procedure open on 1 April 2027." in text_of(client.get(f"/forms/{FORM}/").text)


def test_next_years_version_published_ahead_takes_over_on_its_day(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 2, 1)
    publish(app, R9)  # published ahead: 令和8年度 stays in force
    page = text_of(client.get(f"/forms/{FORM}/").text)
    assert "子育て応援給付金（令和8年度）" in page and "2026年4月1日から2027年3月31日まで" in page
    assert "受け付けます" not in page
    with app.app_context(), database().transaction() as session:
        first = in_force_on(session, FORM, date(2027, 3, 31))
        second = in_force_on(session, FORM, date(2027, 4, 1))
        assert first is not None and first.version_number == 1
        assert second is not None and second.version_number == 2

    calendar.day = date(2027, 4, 1)
    assert "子育て応援給付金（令和9年度）" in text_of(client.get(f"/forms/{FORM}/").text)
    start(client)
    with app.app_context(), database().transaction() as session:
        draft = session.scalars(select(Draft)).one()
        assert draft.version_id == second.version_id


def test_after_the_last_version_ends_the_start_page_says_it_closed(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 4, 1)
    page = client.get(f"/forms/{FORM}/")
    assert page.status_code == 200
    assert "受付期間は2027年3月31日で終了しました" in text_of(page.text)
    assert f'action="/forms/{FORM}/start"' not in page.text
    assert start(client).status_code == 302 and count(app, Draft) == 0


def test_an_archived_or_unknown_procedure_is_still_not_found(app, client, calendar, sample_form):
    publish(app, R8)
    with app.app_context(), database().transaction() as session:
        session.get_one(Form, FORM).state = "archived"
    assert client.get(f"/forms/{FORM}/").status_code == 404
    assert client.get("/forms/no-such-form/").status_code == 404
    assert client.get("/forms/kosodate%00ouen/").status_code in (400, 404)


# --- the portal ------------------------------------------------------------------------------------

def test_the_portal_lists_upcoming_procedures_with_the_day_they_open(app, client, calendar, sample_form):
    publish(app, R9)
    calendar.day = date(2027, 3, 1)
    portal = text_of(client.get("/").text)
    assert "子育て応援給付金（令和9年度）の申請" in portal
    assert "この手続きは2027年4月1日から受け付けます" in portal
    calendar.day = date(2027, 4, 1)
    portal = text_of(client.get("/").text)
    assert "子育て応援給付金（令和9年度）の申請" in portal and "受け付けます" not in portal


def test_closed_procedures_are_left_out_of_the_lists_but_found_by_a_search(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 4, 2)
    assert "子育て応援給付金" not in text_of(client.get("/").text)
    found = text_of(client.get("/?q=子育て").text)
    assert "子育て応援給付金（令和8年度）の申請" in found
    assert "受付期間は2027年3月31日で終了しました" in found


# --- a draft keeps its version, and its period ------------------------------------------------------

def test_a_draft_is_sent_on_the_last_day_of_its_period(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 3, 31)
    check = answer_and_check(client, urlparse(start(client).location).path)
    assert "申請内容の確認" in check.text
    sent = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and "/done/" in sent.location
    assert count(app, Submission) == 1


def test_a_draft_whose_version_ended_cannot_be_sent_and_says_so(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 2, 1)
    publish(app, R9)
    calendar.day = date(2027, 3, 31)
    first_page = urlparse(start(client).location).path
    check = answer_and_check(client, first_page)
    assert "同意して申請する" in check.text

    calendar.day = date(2027, 4, 1)  # 令和8年度's period is over; the draft is on 令和8年度
    check = client.get(f"/forms/{FORM}/check")
    shown = text_of(check.text)
    assert "この申請の受付期間は2027年3月31日で終了したため、送信できません。" in shown
    assert 'role="alert"' in check.text and "同意して申請する" not in check.text
    refused = client.post(f"/forms/{FORM}/check", data={"csrf_token": token(client)})  # a stale or forged send
    assert refused.status_code == 400 and "送信できません" in text_of(refused.text)
    assert count(app, Submission) == 0

    start_page = client.get(f"/forms/{FORM}/")
    shown = text_of(start_page.text)
    assert "子育て応援給付金（令和9年度）" in shown
    assert "途中まで入力した申請があります。この申請の受付期間は2027年3月31日で終了したため" in shown
    assert "続きから入力する" not in shown and "新しく申請を始める" in shown
    again = client.post(f"/forms/{FORM}/start", data={"csrf_token": csrf_token(start_page.text), "restart": "1"})
    assert urlparse(again.location).path == f"/forms/{FORM}/pages/applicant"
    check = answer_and_check(client, f"/forms/{FORM}/pages/applicant")
    sent = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and count(app, Submission) == 1
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission)).one()
        assert in_force_on(session, FORM, date(2027, 4, 1)).version_id == submission.version_id


def test_a_draft_on_a_closed_procedure_is_told_and_not_offered_a_new_start(app, client, calendar, sample_form):
    publish(app, R8)
    calendar.day = date(2027, 3, 31)
    answer_and_check(client, urlparse(start(client).location).path)
    calendar.day = date(2027, 4, 1)
    shown = text_of(client.get(f"/forms/{FORM}/").text)
    assert "受付期間は2027年3月31日で終了しました" in shown and "送信できません" in shown
    assert "新しく申請を始める" not in shown and "最初から入力する" not in shown


# --- the catalog ---------------------------------------------------------------------------------

def test_the_catalog_answers_for_any_day(app, calendar):
    publish(app, R8)
    publish(app, R9)
    with app.app_context(), database().transaction() as session:
        assert [c.version_number for c in all_in_force(session, date(2026, 12, 1))] == [1]
        assert all_in_force(session, date(2026, 3, 31)) == []
        found = reception_on(session, FORM, date(2028, 4, 1))
        assert found is not None and found.state == "closed" and found.closed_on == date(2028, 3, 31)
        assert reception_on(session, "no-such-form", date(2027, 1, 1)) is None
