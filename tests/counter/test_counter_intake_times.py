"""Counter mode follows the procedure's opening and closing date-times as online does: nothing
is offered or started outside them, and an entry finished after the closing moment is not received."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formsvc import clock
from formsvc.db import database
from formsvc.forms.models import Form
from formsvc.submissions.models import Draft, Submission
from tests.conftest import hold_moment
from tests.counter.support import Procedure, counter_clerk, errors_on, form_index, open_visit_by_typing, post_form
from tests.counter.test_counter_periods import RESIDENT, _token, count, text_of
from tests.resident.test_application_periods import DEFINITION, FORM, publish

JST = clock.JST
OPENS = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
CLOSES = datetime(2027, 4, 30, 17, 0, tzinfo=JST)


@pytest.fixture
def moment(monkeypatch):
    return hold_moment(monkeypatch, datetime(2027, 4, 1, 8, 30, tzinfo=JST))


@pytest.fixture
def procedure(app):
    publish(app, DEFINITION.format(nendo="令和9年度", period=""))
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, FORM)
        form.opens_at, form.closes_at = OPENS.astimezone(UTC), CLOSES.astimezone(UTC)


def test_nothing_is_offered_or_started_before_the_opening_moment(app, moment, procedure):
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, RESIDENT)
    visit = clerk.get(f"/counter/visits/{visit_id}")
    assert "子育て応援給付金" not in text_of(visit.text)
    forged = clerk.post(f"/counter/visits/{visit_id}/procedures",
                        data={"csrf_token": _token(visit.text), "form_id": FORM})
    assert forged.status_code == 404 and count(app, Draft) == 0

    moment.at = OPENS
    visit = clerk.get(f"/counter/visits/{visit_id}")
    assert "子育て応援給付金（令和9年度）の申請" in text_of(visit.text)
    started = post_form(clerk, f"/counter/visits/{visit_id}/procedures", visit.text, {"form_id": FORM},
                        index=form_index(visit.text, "/procedures"))
    assert started.status_code == 302 and count(app, Draft) == 1


def test_an_entry_signed_after_the_closing_moment_is_not_received(app, moment, procedure):
    moment.at = datetime(2027, 4, 30, 16, 45, tzinfo=JST)
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, RESIDENT)
    signature_path = Procedure(clerk, app, visit_id, FORM, answers={"applicant_name": "佐藤 健"}).enter()
    page = clerk.get(signature_path)
    moment.at = CLOSES
    signed = post_form(clerk, signature_path, page.text, {"confirm": "yes"}, index=form_index(page.text, ""))
    assert signed.status_code == 400
    assert errors_on(signed.text) == ["この申請の受付は2027年4月30日 17時00分で終了したため、送信できません。"
                                      "この入力は取りやめてください（今は受け付けていません）"]
    assert count(app, Submission) == 0
