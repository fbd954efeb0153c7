"""Counter mode follows the same 受付期間 as online: only procedures open today are offered, and
a procedure whose version's period ended while it was being entered is not received."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from formsvc import clock
from formsvc.db import database
from formsvc.submissions.models import Draft, Submission
from tests.counter.support import (
    Procedure,
    counter_clerk,
    errors_on,
    form_index,
    open_visit_by_typing,
    post_form,
    text_of,
)
from tests.resident.test_application_periods import FORM, R8, R9, publish

RESIDENT = {
    "name": {"family": "佐藤", "given": "健"}, "name_kana": {"family": "サトウ", "given": "ケン"},
    "birthdate": date(1980, 1, 2), "gender": "male", "postal_code": "060-0001",
    "address": {"prefecture": "北海道", "city": "札幌市中央区", "town": "北一条西", "block": "2丁目1番地",
                "building": ""},
    "phone": "090-3456-7890"}


@pytest.fixture
def calendar(monkeypatch):
    class Calendar:
        day = date(2027, 3, 1)

    held = Calendar()
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(held.day, time(10, 0), clock.JST))
    return held


def count(app, model) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_only_procedures_open_today_are_offered(app, calendar):
    publish(app, R9)
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, RESIDENT)
    visit = clerk.get(f"/counter/visits/{visit_id}")
    assert "子育て応援給付金" not in text_of(visit.text)
    forged = clerk.post(f"/counter/visits/{visit_id}/procedures",
                        data={"csrf_token": _token(visit.text), "form_id": FORM})
    assert forged.status_code == 404 and count(app, Draft) == 0

    calendar.day = date(2027, 4, 1)
    visit = clerk.get(f"/counter/visits/{visit_id}")
    assert "子育て応援給付金（令和9年度）の申請" in text_of(visit.text)
    started = post_form(clerk, f"/counter/visits/{visit_id}/procedures", visit.text, {"form_id": FORM},
                        index=form_index(visit.text, "/procedures"))
    assert started.status_code == 302 and count(app, Draft) == 1


def test_a_procedure_whose_period_ended_before_signing_is_not_received(app, calendar):
    publish(app, R8)
    calendar.day = date(2027, 3, 31)
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, RESIDENT)
    signature_path = Procedure(clerk, app, visit_id, FORM, answers={"applicant_name": "佐藤 健"}).enter()
    page = clerk.get(signature_path)
    assert "署名を確認し、申請を受け付ける" in page.text

    calendar.day = date(2027, 4, 1)
    signed = post_form(clerk, signature_path, page.text, {"confirm": "yes"}, index=form_index(page.text, ""))
    assert signed.status_code == 400
    assert errors_on(signed.text) == ["この申請の受付期間は2027年3月31日で終了したため、送信できません。"
                                      "この入力は取りやめてください（今は受け付けていません）"]
    assert count(app, Submission) == 0

    check = clerk.get(f"/counter/visits/{visit_id}/forms/{FORM}/check")
    assert "この申請の受付期間は2027年3月31日で終了したため、送信できません。" in text_of(check.text)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_an_entry_on_last_years_version_is_redone_on_the_version_in_force(app, calendar):
    publish(app, R8)
    publish(app, R9)  # next 年度's version, from 1 April
    calendar.day = date(2027, 3, 31)
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, RESIDENT)
    signature_path = Procedure(clerk, app, visit_id, FORM, answers={"applicant_name": "佐藤 健"}).enter()
    page = clerk.get(signature_path)

    calendar.day = date(2027, 4, 1)
    signed = post_form(clerk, signature_path, page.text, {"confirm": "yes"}, index=form_index(page.text, ""))
    assert signed.status_code == 400
    assert errors_on(signed.text) == ["この申請の受付期間は2027年3月31日で終了したため、送信できません。"
                                      "取りやめて、新しい様式で入力し直してください"]
    assert count(app, Submission) == 0
