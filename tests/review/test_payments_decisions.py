"""Fees in the reviewer's hands: the detail's 「手数料・支払い」, 承認 refused while unpaid, a refund
due after a rejection or withdrawal, and 「返金する」 (provider refund, provider down, roles)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from formsvc.db import database, utcnow
from formsvc.payments import models as payment_models
from formsvc.review import workflow
from formsvc.staff.models import StaffUser
from formsvc.submissions import status
from formsvc.submissions.models import Submission
from tests.identity import ISSUER, sign_in
from tests.review.payment_support import payments_of
from tests.review.support import (
    BASE_TIME,
    csrf_of,
    lock_version_of,
    make_submissions,
    paid_payment,
    staff_user,
    submission_row,
)
from tests.review.test_workflow import events_of, post_move
from tests.staff.support import staff_client

REFUSED = "手数料の支払いが確認できていないため、承認できません"


def detail(client, number: str) -> str:
    page = client.get(f"/staff/submissions/{number}")
    assert page.status_code == 200, page.text[:500]
    return page.text


def panel(html: str) -> str:
    """The text of the 「手数料・支払い」 section, tags removed."""
    found = re.search(r'<section class="payment-panel".*?</section>', html, re.S)
    assert found, "no payment panel"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group()))


def pay(app, number: str, **values) -> None:
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.add(paid_payment(submission, int(submission.fee), utcnow(), **values))


def test_the_detail_shows_the_fee_and_how_it_was_paid(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, overrides={"copies": 2})[0]
    [payment] = payments_of(app, number)
    text = panel(detail(reviewer, number))
    assert "手数料・支払い" in text and "600円" in text and "支払い済み" in text
    assert "クレジットカード" in text and payment.reference in text and "支払日時" in text
    assert "返金" not in text  # nothing to give back


def test_a_konbini_number_and_its_deadline_are_shown_while_awaiting(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, paid=False)[0]
    pay(app, number, status=payment_models.PENDING, method=payment_models.KONBINI, paid_at=None,
        payment_number="123456789012", pay_by=BASE_TIME + timedelta(days=7))
    text = panel(detail(reviewer, number))
    assert "支払い待ち" in text and "コンビニ払い" in text
    assert "コンビニ払込番号 123456789012" in text and "支払期限" in text


def test_approval_is_refused_while_unpaid_and_allowed_once_paid(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", paid=False)[0]
    html = detail(reviewer, number)
    assert "未払い" in panel(html)
    assert REFUSED in html  # said beside 承認 before anyone presses it

    response = post_move(reviewer, number, "approve", comment="承認します")
    assert response.status_code == 409
    assert f"＊{REFUSED}" in response.text and "エラー：" in response.text
    assert submission_row(app, number).status == status.IN_REVIEW
    assert "approved" not in [event.kind for event in events_of(db_session, number)]

    # The workflow refuses it whatever the path (the API, counter same-day issue, a script).
    submission = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    user = db_session.scalar(select(StaffUser).where(StaffUser.username == "shinsa"))
    with pytest.raises(workflow.PaymentRequired, match=REFUSED):
        workflow.perform(db_session, submission, "approve", user, lock_version=submission.lock_version)
    db_session.rollback()

    pay(app, number)  # e.g. 収納 at the counter
    assert REFUSED not in detail(reviewer, number)
    assert post_move(reviewer, number, "approve").status_code == 302
    assert submission_row(app, number).status == status.APPROVED


def test_approval_waits_while_less_than_the_fee_is_paid(app, review_form):
    """A correction raised the fee (300円 → 600円) after the first fee was paid: the difference
    must be paid before 承認."""
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", paid=False,
                              overrides={"copies": 2})[0]
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert submission.fee == 600
        session.add(paid_payment(submission, 300, utcnow()))
    html = detail(reviewer, number)
    assert REFUSED in html and "支払い済み 300円／手数料 600円" in html
    response = post_move(reviewer, number, "approve")
    assert response.status_code == 409 and f"＊{REFUSED}" in response.text
    assert submission_row(app, number).status == status.IN_REVIEW
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        session.add(paid_payment(submission, 300, utcnow()))  # the difference, paid another way
    assert post_move(reviewer, number, "approve").status_code == 302


def test_completion_of_an_unpaid_application_is_refused(app, review_form):
    clerk = staff_client(app, "madoguchi", "counter")
    number = make_submissions(app, review_form, 1, status=status.APPROVED, channel="counter", paid=False)[0]
    response = post_move(clerk, number, "complete")
    assert response.status_code == 409
    assert "＊手数料の支払いが確認できていないため、完了（交付）にできません" in response.text
    assert submission_row(app, number).status == status.APPROVED
    pay(app, number)
    assert post_move(clerk, number, "complete").status_code == 302
    assert submission_row(app, number).status == status.COMPLETED


def test_a_procedure_paid_later_is_approved_without_a_payment(app, review_form):
    """fee.online_payment: false (納付書): sent without a payment step, nothing to wait for online."""
    from tests.review.conftest import REVIEW_SAMPLE, publish

    publish(app, REVIEW_SAMPLE.replace("fee:\n", "fee:\n  online_payment: false\n"), "postpay.yaml")
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", paid=False,
                              payment_required=False)[0]
    assert "支払い不要" in panel(detail(reviewer, number))
    assert post_move(reviewer, number, "approve").status_code == 302


def test_an_application_made_before_payments_is_decided_as_then(app, review_form, provider):
    """Whether the fee must be paid first was decided when the application was made: a provider
    configured since (``provider``) does not turn an older application with a fee into 未払い."""
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", paid=False,
                              payment_required=False)[0]
    assert submission_row(app, number).fee
    html = detail(reviewer, number)
    assert "支払い不要" in panel(html) and REFUSED not in html
    assert number not in reviewer.get("/staff/queue?payment=unpaid").text
    assert post_move(reviewer, number, "approve").status_code == 302
    assert submission_row(app, number).status == status.APPROVED


def test_rejection_after_payment_marks_a_refund_that_a_reviewer_makes(app, review_form, db_session, provider):
    reviewer = staff_client(app, "shinsa", "reviewer")
    with app.app_context(), database().transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.username == "shinsa").values(display_name="審査 花子"))
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    [payment] = payments_of(app, number)
    assert payment.refund_status == payment_models.REFUND_DUE and payment.refund_reason == "却下"
    kinds = [event.kind for event in events_of(db_session, number)]
    assert kinds[-2:] == ["rejected", "refund_due"]  # one transaction, in order

    html = detail(reviewer, number)
    text = panel(html)
    assert "返金予定" in text and "理由： 却下" in text.replace("理由：", "理由： ")
    refund_url = f"/staff/submissions/{number}/refund"
    assert f'href="{refund_url}"' in html and ">返金する</a>" in html
    assert "返金予定（手数料）" in html  # in the history

    confirm = reviewer.get(refund_url)
    assert confirm.status_code == 200
    assert "手数料を返金する" in confirm.text and "返金する金額" in confirm.text and payment.reference in confirm.text
    response = reviewer.post(refund_url, data={"csrf_token": csrf_of(confirm.text), "payment": str(payment.id),
                                               "lock_version": lock_version_of(confirm.text)})
    assert response.status_code == 302 and response.location.endswith(f"/staff/submissions/{number}")
    assert provider.refunds == [(payment.provider_payment_id, payment.amount)]
    [refunded] = payments_of(app, number)
    assert refunded.refund_status == payment_models.REFUNDED
    assert refunded.refunded_by_id == staff_user(app, "shinsa").id and refunded.refunded_at is not None
    event = events_of(db_session, number)[-1]
    assert event.kind == "payment_refunded" and event.actor == "staff:shinsa"

    after = reviewer.get(response.location).text
    assert f"手数料 {payment.amount:,}円 を返金しました" in after
    text = panel(after)
    assert "返金済み" in text and "返金した職員： 審査 花子" in text.replace("返金した職員：", "返金した職員： ")
    assert f'href="{refund_url}"' not in after
    assert "手数料を返金" in after  # the history
    # Pressing again (a second tab, the back button) refunds nothing twice.
    again = reviewer.post(refund_url, data={"csrf_token": csrf_of(confirm.text), "payment": str(payment.id),
                                            "lock_version": lock_version_of(confirm.text)})
    assert again.status_code == 302 and len(provider.refunds) == 1
    assert "すでに返金済み" in reviewer.get(again.location).text


def test_a_provider_that_is_down_refunds_nothing_and_says_so(app, review_form, provider):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    [payment] = payments_of(app, number)
    provider.down = True
    confirm = reviewer.get(f"/staff/submissions/{number}/refund")
    response = reviewer.post(f"/staff/submissions/{number}/refund",
                             data={"csrf_token": csrf_of(confirm.text), "payment": str(payment.id),
                                   "lock_version": lock_version_of(confirm.text)})
    assert response.status_code == 503
    assert "＊返金できませんでした。" in response.text and "返金はまだ行われていません" in response.text
    assert 'class="error-summary' in response.text or "error-summary" in response.text
    [failed] = payments_of(app, number)
    assert failed.refund_status == payment_models.REFUND_FAILED and failed.refunded_at is None
    assert provider.refunds == []
    assert "返金失敗" in panel(detail(reviewer, number))

    provider.down = False  # tried again later, from the page shown with the message
    response = reviewer.post(f"/staff/submissions/{number}/refund",
                             data={"csrf_token": csrf_of(response.text), "payment": str(payment.id),
                                   "lock_version": lock_version_of(response.text)})
    assert response.status_code == 302
    assert payments_of(app, number)[0].refund_status == payment_models.REFUNDED and len(provider.refunds) == 1


def test_a_counter_payment_is_refunded_by_handing_the_money_back(app, review_form):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", channel="counter")[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    [payment] = payments_of(app, number)
    confirm = reviewer.get(f"/staff/submissions/{number}/refund")
    assert "現金" in confirm.text and "お返ししてから" in confirm.text
    response = reviewer.post(f"/staff/submissions/{number}/refund",
                             data={"csrf_token": csrf_of(confirm.text), "payment": str(payment.id),
                                   "lock_version": lock_version_of(confirm.text)})
    assert response.status_code == 302
    assert payments_of(app, number)[0].refund_status == payment_models.REFUNDED


def test_withdrawal_by_the_resident_after_payment_marks_a_refund(app, review_form, db_session):
    number = make_submissions(app, review_form, 1)[0]
    db_session.execute(update(Submission).where(Submission.reception_number == number)
                       .values(resident_issuer=ISSUER, resident_subject="resident-1"))
    db_session.commit()
    resident = app.test_client()
    sign_in(resident, app)
    page = resident.get(f"/my/applications/{number}/withdraw")
    assert page.status_code == 200
    response = resident.post(f"/my/applications/{number}/withdraw",
                             data={"csrf_token": csrf_of(page.text), "confirm": "yes", "reason": "不要になりました"})
    assert response.status_code == 302
    assert submission_row(app, number).status == status.WITHDRAWN
    [payment] = payments_of(app, number)
    assert payment.refund_status == payment_models.REFUND_DUE and payment.refund_reason == "取下げ"
    assert [event.kind for event in events_of(db_session, number)][-2:] == ["withdrawn", "refund_due"]
    # Staff see it to be refunded; the resident's history says nothing staff-only.
    reviewer = staff_client(app, "shinsa", "reviewer")
    assert "返金予定" in panel(detail(reviewer, number))
    assert "返金予定（手数料）" not in resident.get(f"/my/applications/{number}").text


def test_a_rejection_without_payment_leaves_nothing_to_refund(app, review_form, db_session):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa", paid=False)[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    assert payments_of(app, number) == []
    assert "refund_due" not in [event.kind for event in events_of(db_session, number)]
    response = reviewer.get(f"/staff/submissions/{number}/refund")
    assert response.status_code == 302
    assert "返金が必要な支払いはありません" in reviewer.get(response.location).text


@pytest.mark.parametrize(("roles", "allowed"), [
    (("reviewer",), True), (("admin",), True), (("counter",), False),
])
def test_only_reviewers_and_administrators_refund(app, review_form, provider, roles, allowed):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    [payment] = payments_of(app, number)
    actor = staff_client(app, "actor", *roles)
    html = detail(actor, number)
    assert (f'href="/staff/submissions/{number}/refund"' in html) is allowed
    page = actor.get(f"/staff/submissions/{number}/refund")
    assert page.status_code == (200 if allowed else 403)
    response = actor.post(f"/staff/submissions/{number}/refund",
                          data={"csrf_token": csrf_of(html), "payment": str(payment.id),
                                "lock_version": payment.lock_version})
    assert response.status_code == (302 if allowed else 403)
    refunded = payments_of(app, number)[0].refund_status == payment_models.REFUNDED
    assert refunded is allowed


def test_a_refund_needs_the_csrf_token_and_the_payment_shown(app, review_form, provider):
    reviewer = staff_client(app, "shinsa", "reviewer")
    number = make_submissions(app, review_form, 1, status=status.IN_REVIEW, assignee="shinsa")[0]
    assert post_move(reviewer, number, "reject", comment="対象外です。").status_code == 302
    [payment] = payments_of(app, number)
    url = f"/staff/submissions/{number}/refund"
    confirm = reviewer.get(url)
    token = csrf_of(confirm.text)
    assert reviewer.post(url, data={"payment": str(payment.id), "lock_version": payment.lock_version}
                         ).status_code == 400
    for forged in ("999999999999999999999", "-1", "abc", "１", ""):
        response = reviewer.post(url, data={"csrf_token": token, "payment": forged,
                                            "lock_version": payment.lock_version})
        assert response.status_code == 302, forged
    stale = reviewer.post(url, data={"csrf_token": token, "payment": str(payment.id), "lock_version": "99999"})
    assert stale.status_code == 409 and "画面を表示した後に更新されました" in stale.text
    assert reviewer.post("/staff/submissions/ZZZZ2345/refund", data={"csrf_token": token}).status_code == 404
    assert provider.refunds == [] and payments_of(app, number)[0].refund_status == payment_models.REFUND_DUE
