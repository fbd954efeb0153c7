"""受付期間 as date-times through the resident's pages: the start page and the portal say
「受付開始前（…から）」 / 「受付終了（…まで）」, nothing starts outside, and a draft started in time
cannot be sent after the closing moment (as after a version's last day)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from formsvc import clock
from formsvc.db import database
from formsvc.forms.models import Form
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.conftest import hold_moment
from tests.resident.test_application_periods import (
    DEFINITION,
    FORM,
    answer_and_check,
    count,
    publish,
    start,
    text_of,
    token,
)

JST = clock.JST
OPEN_ENDED = DEFINITION.format(nendo="令和9年度", period="")
OPENS = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
CLOSES = datetime(2027, 4, 30, 17, 0, tzinfo=JST)


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 4, 1, 8, 30, tzinfo=JST))


def set_times(app, opens_at=OPENS, closes_at=CLOSES) -> None:
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        form.opens_at = opens_at.astimezone(UTC) if opens_at else None
        form.closes_at = closes_at.astimezone(UTC) if closes_at else None


def test_before_the_opening_moment_the_start_page_and_portal_say_when_and_nothing_starts(app, client, moment,
                                                                                         sample_form):
    publish(app, OPEN_ENDED)
    set_times(app)
    page = client.get(f"/forms/{FORM}/")
    shown = text_of(page.text)
    assert "受付開始前（2027年4月1日 9時00分から）" in shown
    assert "受付期間 2027年4月1日 9時00分から2027年4月30日 17時00分まで" in shown
    assert f'action="/forms/{FORM}/start"' not in page.text
    refused = start(client)
    assert refused.status_code == 302 and urlparse(refused.location).path == f"/forms/{FORM}/"
    assert count(app, Draft) == 0
    portal = text_of(client.get("/").text)
    assert "子育て応援給付金（令和9年度）の申請" in portal and "受付開始前（2027年4月1日 9時00分から）" in portal

    moment.at = OPENS  # 9:00 sharp: open, nobody had to do anything
    assert "受付開始前" not in text_of(client.get(f"/forms/{FORM}/").text)
    begun = start(client)
    assert urlparse(begun.location).path == f"/forms/{FORM}/pages/applicant" and count(app, Draft) == 1


def test_from_the_closing_moment_it_is_closed_and_a_draft_cannot_be_sent(app, client, moment, sample_form):
    publish(app, OPEN_ENDED)
    set_times(app)
    moment.at = datetime(2027, 4, 30, 16, 50, tzinfo=JST)
    check = answer_and_check(client, urlparse(start(client).location).path)
    assert "同意して申請する" in check.text

    moment.at = CLOSES
    shown = text_of(client.get(f"/forms/{FORM}/").text)
    assert "受付終了（2027年4月30日 17時00分まで）" in shown
    assert "この申請の受付は2027年4月30日 17時00分で終了したため、送信できません。" in shown
    check = client.get(f"/forms/{FORM}/check")
    assert "この申請の受付は2027年4月30日 17時00分で終了したため、送信できません。" in text_of(check.text)
    assert "同意して申請する" not in check.text
    refused = client.post(f"/forms/{FORM}/check", data={"csrf_token": token(client)})
    assert refused.status_code == 400 and count(app, Submission) == 0
    assert "子育て応援給付金" not in text_of(client.get("/").text)  # browsing leaves closed ones out
    assert "受付終了（2027年4月30日 17時00分まで）" in text_of(client.get("/?q=子育て").text)

    set_times(app, OPENS, datetime(2027, 5, 7, 17, 0, tzinfo=JST))  # extended: the draft can go
    check = client.get(f"/forms/{FORM}/check")
    sent = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and count(app, Submission) == 1


def test_a_draft_sent_one_minute_before_the_close_is_received(app, client, moment, sample_form):
    publish(app, OPEN_ENDED)
    set_times(app)
    moment.at = datetime(2027, 4, 30, 16, 59, tzinfo=JST)
    check = answer_and_check(client, urlparse(start(client).location).path)
    sent = client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert sent.status_code == 302 and count(app, Submission) == 1
    with app.app_context(), database().transaction() as session:
        assert session.scalars(select(Draft)).one().submitted_at is not None


def test_english_notices(app, client, moment, sample_form):
    publish(app, OPEN_ENDED)
    set_times(app)
    client.get("/language/en")
    assert "Not open yet (from 1 April 2027, 9:00)." in text_of(client.get(f"/forms/{FORM}/").text)
