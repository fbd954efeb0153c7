"""Saving is visible: a signed-in resident's question and check pages say until when their answers
are kept (the draft's expiry, in Japan), and 申請履歴 shows it; nobody else is told so."""

from __future__ import annotations

from datetime import date

from formsvc import clock
from formsvc.clock import JST
from formsvc.resident.draft_notes import short_date
from tests.applicant import Applicant
from tests.authentication.support import definition_yaml, publish
from tests.conftest import hold_clock
from tests.resident.my_support import applicant, drafts, publish_card_form

NOTE = "入力内容は自動で保存されます"


def japanese_day(moment) -> str:
    """「1月6日」; with the year when the day falls in another year than today (in Japan)."""
    day = moment.astimezone(JST).date()
    year = f"{day.year}年" if day.year != clock.today().year else ""
    return f"{year}{day.month}月{day.day}日"


def test_a_signed_in_resident_is_told_their_answers_are_saved_until_when(app, client):
    form_id = publish_card_form(app)
    person = applicant(client, app, form_id)
    first = person.apply(until="request")
    assert first.status_code == 200
    draft = drafts(app)[0]
    expected = f"{NOTE}（{japanese_day(draft.expires_at)}まで）"
    assert expected in first.text

    check = person.apply()
    assert "申請内容の確認" in check.text
    # Saving the page moved the expiry on: the note shows the draft's current one.
    assert f"{NOTE}（{japanese_day(drafts(app)[0].expires_at)}まで）" in check.text

    listing = client.get("/my/")
    assert "保存期限：" in listing.text
    day = drafts(app)[0].expires_at.astimezone(JST).date()
    assert f"{day.year}年{day.month}月{day.day}日" in listing.text


def test_an_anonymous_resident_is_not_told_about_saving(app, client):
    form_id = publish(app, definition_yaml("plain-request", "none", "カード不要の届出", prefill=False))
    person = Applicant(client, app, form_id, answers={"nickname": "たろう", "copies": 1, "purpose": "確認"})
    first = person.apply(until="request")
    assert first.status_code == 200 and NOTE not in first.text
    check = person.apply()
    assert "申請内容の確認" in check.text and NOTE not in check.text


def test_the_year_is_named_only_when_the_draft_is_kept_into_the_next_one(app, monkeypatch):
    with app.test_request_context("/"):
        hold_clock(monkeypatch, date(2026, 12, 20))
        assert short_date(date(2027, 1, 6)) == "2027年1月6日"
        hold_clock(monkeypatch, date(2027, 1, 2))
        assert short_date(date(2027, 1, 6)) == "1月6日"


def test_the_english_pages_say_it_too(app, client):
    form_id = publish_card_form(app)
    person = applicant(client, app, form_id)
    person.apply(until="request")
    client.get("/language/en")
    page = client.get(f"/forms/{form_id}/pages/request")
    assert page.status_code == 200 and "Your answers are saved automatically (until " in page.text
