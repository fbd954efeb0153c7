"""A correction (補正) the staff ask for after the 受付期間 has ended is still sent: it answers an
application received in time. A new application is refused (tests/resident/test_application_periods.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit

import pytest

from formsvc import clock
from tests.applicant import csrf_token
from tests.authentication.support import definition_yaml, publish, sign_in_with_card
from tests.authentication.test_my_applications import request_correction, submission, submit


@pytest.fixture
def calendar(monkeypatch):
    class Calendar:
        day = date(2027, 3, 31)

    held = Calendar()
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(held.day, time(10, 0), clock.JST))
    return held


def test_a_correction_after_the_period_is_sent(client, app, db_session, calendar):
    source = definition_yaml("card-certificate", "required", "カードで申請する証明書")
    keep = "retention: {years: 5}\n"
    form_id = publish(app, source.replace(keep, keep + "valid_until: 2027-03-31\n"))
    sign_in_with_card(client)
    number = submit(client, app, form_id, copies=1)
    request_correction(db_session, number, "通数は2通でお願いします。")

    calendar.day = date(2027, 4, 10)
    assert "受付期間は2027年3月31日で終了しました" in client.get(f"/forms/{form_id}/").text
    page = client.get(f"/my/applications/{number}")
    response = client.post(f"/my/applications/{number}/correct", data={"csrf_token": csrf_token(page.text)})
    assert urlsplit(response.location).path == f"/forms/{form_id}/check"
    check = client.get(f"/forms/{form_id}/check")
    assert "送信できません" not in check.text
    sent = client.post(f"/forms/{form_id}/check", data={"csrf_token": csrf_token(check.text)})
    assert urlsplit(sent.location).path == f"/forms/{form_id}/done/{number}"
    assert submission(db_session, number).status == "received"
