"""住民票の写し at the counter: the counter's own definition (channels.counter) asks no pickup
questions, reads in the staff's words, and the copy is received the same day for issue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.counter.support import (
    Procedure,
    counter_clerk,
    errors_on,
    location,
    open_visit_with_card,
    sign,
    text_of,
)
from tests.records.support import page_texts
from tests.resident.library_support import TODAY, publish
from tests.staff.support import staff_client

JUMINHYO = "juminhyo-copy"
PICKUP_PAGES = {"receiving", "counter", "mail"}
# 山田太郎さん asks for his wife's certificate (same household): the 申請者 page is asked.
FOR_HIS_WIFE = {"requester": "household", "subject_name": {"family": "山田", "given": "花子"},
                "subject_kana": {"family": "ヤマダ", "given": "ハナコ"}, "requester_relationship": "夫",
                "scope": "whole_household", "copies": 2, "purpose": "employment"}


@pytest.fixture
def juminhyo(app):
    publish(app, JUMINHYO)


def received(app, number: str) -> Submission:
    with app.app_context(), database().transaction() as session:
        found = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.expunge(found)
        return found


def test_a_clerk_enters_a_juminhyo_for_today_without_pickup_questions_in_staff_wording(app, juminhyo):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    procedure = Procedure(clerk, app, visit_id, JUMINHYO, answers=FOR_HIS_WIFE)

    signature_path = procedure.enter()

    assert signature_path.endswith("/signature"), signature_path
    # 受け取り方法 / 受け取る窓口 / 受取希望日 are not asked: the copy is issued here and now.
    assert not PICKUP_PAGES & set(procedure.visited)
    assert procedure.visited[:3] == ["who", "subject", "requester_details"]
    who = clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/pages/who")
    assert "住民票が必要な方と申請者の関係" in text_of(who.text) and "あなた" not in text_of(who.text)
    details = text_of(clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/pages/requester_details").text)
    assert "申請者について" in details and "申請者の氏名" in details
    assert "あなた" not in details
    # The side list of pages has no pickup page either.
    check = text_of(clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/check").text)
    assert "受け取り方法" not in check and "受取希望日" not in check
    assert "申請者の氏名" in check
    assert "窓口で原本を確認します" in check  # the counter's documents

    signature = text_of(clerk.get(signature_path).text)
    assert "受取希望日" not in signature and "申請者の氏名" in signature

    response = sign(clerk, signature_path)
    assert location(response) == f"/counter/visits/{visit_id}"
    visit = text_of(clerk.get(f"/counter/visits/{visit_id}").text)
    assert "住民票の写し等の交付請求 受付済み" in visit
    number = next(row.reception_number for row in [_only_submission(app)])
    stored = received(app, number)
    assert stored.channel == "counter"
    assert stored.created_at is not None
    assert "collection_date" not in (stored.answers.get("fields") or stored.answers)
    assert int(stored.fee) == 600


def _only_submission(app) -> Submission:
    with app.app_context(), database().transaction() as session:
        [found] = session.scalars(select(Submission)).all()
        session.expunge(found)
        return found


def test_the_counter_definition_knows_it_is_issued_the_same_day_and_online_does_not(app, juminhyo):
    from formsvc.forms.catalog import published, version_by_id

    with app.app_context(), database().transaction() as session:
        online = published(session, JUMINHYO)
        counter = version_by_id(session, online.version_id, "counter")
        assert counter.version_id == online.version_id and counter.version_number == online.version_number
        assert counter.definition.same_day_issue is True
        assert online.definition.same_day_issue is False
        assert version_by_id(session, online.version_id, "preview").definition is online.definition
        assert [p.id for p in online.definition.pages if p.id in PICKUP_PAGES] == ["receiving", "counter", "mail"]
        assert not PICKUP_PAGES & {p.id for p in counter.definition.pages}


def test_online_still_asks_how_to_receive_and_refuses_today_as_a_collection_date(app, juminhyo):
    """The online application is unchanged: the pickup questions in the resident's words, and
    a collection day three 開庁日 ahead at the earliest."""
    from tests.applicant import Applicant

    resident = Applicant(app.test_client(), app, JUMINHYO, answers={
        "requester": "self", "scope": "whole_household", "copies": 1, "purpose": "employment",
        "receive_method": "counter"})
    page = resident.apply(until="counter")
    assert "receiving" in resident.visited
    who = text_of(resident.client.get(f"/forms/{JUMINHYO}/pages/who").text)
    assert "住民票が必要な方とあなたの関係" in who
    refused = resident.post(f"/forms/{JUMINHYO}/pages/counter", resident.inputs_for(
        resident.definition().page_by_id("counter"), {"counter_office": "main", "collection_date": TODAY}))
    assert page.status_code == 200 and refused.status_code == 200
    assert any("3開庁日後" in error for error in errors_on(refused.text))


def test_staff_read_a_counter_submission_with_the_counter_labels(app, juminhyo):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    signature_path = Procedure(clerk, app, visit_id, JUMINHYO, answers=FOR_HIS_WIFE).enter()
    sign(clerk, signature_path)
    number = _only_submission(app).reception_number
    reviewer = staff_client(app, "shinsa-ichiro", "reviewer")

    detail = text_of(reviewer.get(f"/staff/submissions/{number}").text)
    assert "申請者の氏名" in detail and "住民票が必要な方と申請者の関係" in detail
    assert "あなたの氏名" not in detail

    record = reviewer.get(f"/staff/submissions/{number}/record.pdf")
    assert record.status_code == 200
    record_text = "".join("".join(page_texts(record.data)).split())
    assert "申請者の氏名" in record_text and "あなたの氏名" not in record_text
    assert "受取希望日" not in record_text


def test_a_clerk_cannot_post_an_omitted_page(app, juminhyo):
    """A page the counter does not ask is not there at the counter (a forged URL)."""
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk)
    Procedure(clerk, app, visit_id, JUMINHYO).start()
    page = clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/pages/receiving")
    assert page.status_code == 404
    # With a valid CSRF token (taken from a page the clerk has open): refused because the page is
    # not there, not because of the token — and nothing is stored.
    token = csrf_token(clerk.get(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/pages/who").text)
    sent = clerk.post(f"/counter/visits/{visit_id}/forms/{JUMINHYO}/pages/receiving",
                      data={"csrf_token": token, "receive_method": "mail", "action": "continue"})
    assert sent.status_code == 404
    with app.app_context(), database().transaction() as session:
        draft = session.scalar(select(Draft).where(Draft.visit_id == visit_id, Draft.form_id == JUMINHYO))
        assert draft is not None
        assert "receive_method" not in (draft.answers.get("fields") or draft.answers)
        assert "receiving" not in (draft.completed_pages or [])
