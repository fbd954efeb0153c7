"""The payments service with the mock provider: starting (double click, retry, another amount),
asking the provider, sending the paid draft (also when only the notification comes), the counter's
収納, refunds, and the provider being down or refusing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.mock_payments import delivery
from formsvc.mock_payments import service as mock
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import models, service, status
from formsvc.payments.models import Payment
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Draft, Submission, SubmissionEvent
from formsvc.submissions.service import submit
from tests.payments.conftest import FORM, new_draft, payments_of_draft, set_copies

RETURN_URL = "/forms/pay-sample/payment/return"


def start(app, draft_id: int, amount: int = 600) -> Payment:
    with app.app_context(), database().session_factory() as session:
        payment = service.start_online(session, session.get_one(Draft, draft_id), amount, "見本の証明書", RETURN_URL)
        session.expunge(payment)
        return payment


def at_mock(app, payment: Payment, change) -> None:
    """Do something on the provider's side (as its pages would), committed."""
    with app.app_context(), database().transaction() as session:
        change(session, session.get_one(MockPayment, payment.provider_payment_id))


def refreshed_and_completed(app, payment_id: int) -> tuple[Payment, Submission | None]:
    with app.app_context(), database().session_factory() as session:
        payment = session.get_one(Payment, payment_id)
        service.refresh(session, payment)
        submission = service.complete_paid_draft(session, payment)
        session.commit()
        session.expunge_all()
        return payment, submission


def events_of(app, submission_id: int) -> list[str]:
    with app.app_context(), database().transaction() as session:
        return list(session.scalars(select(SubmissionEvent.kind).where(SubmissionEvent.submission_id == submission_id)
                                    .order_by(SubmissionEvent.id)))


def test_start_makes_a_payment_at_the_provider_with_the_fee(pay_app):
    draft_id = new_draft(pay_app, copies=2)
    payment = start(pay_app, draft_id)
    assert payment.status == models.STARTED and payment.amount == 600
    assert payment.next_url == f"/mock-pay/pay/{payment.provider_payment_id}"
    assert payment.reference.startswith("FP") and payment.provider == "mock"
    with pay_app.app_context(), database().transaction() as session:
        at_provider = session.get_one(MockPayment, payment.provider_payment_id)
        assert (at_provider.amount, at_provider.reference, at_provider.return_url) == (600, payment.reference,
                                                                                       RETURN_URL)


def test_a_double_click_reuses_the_started_payment(pay_app):
    draft_id = new_draft(pay_app)
    first, second = start(pay_app, draft_id), start(pay_app, draft_id)
    assert second.id == first.id and second.next_url == first.next_url
    assert len(payments_of_draft(pay_app, draft_id)) == 1


def test_a_failed_payment_is_retried_as_a_new_attempt(pay_app):
    draft_id = new_draft(pay_app)
    first = start(pay_app, draft_id)
    at_mock(pay_app, first, lambda s, p: mock.pay_by_card(s, p, "4000000000000002"))
    payment, submission = refreshed_and_completed(pay_app, first.id)
    assert payment.status == models.FAILED and payment.failure_reason == "declined" and submission is None
    second = start(pay_app, draft_id)
    assert second.id != first.id and second.idempotency_key != first.idempotency_key
    assert second.provider_payment_id != first.provider_payment_id


def test_another_amount_cancels_the_older_attempt(pay_app):
    draft_id = new_draft(pay_app, copies=2)
    first = start(pay_app, draft_id, 600)
    set_copies(pay_app, draft_id, 3)
    second = start(pay_app, draft_id, 900)
    first_now, second_now = payments_of_draft(pay_app, draft_id)
    assert first_now.status == models.CANCELLED and first_now.failure_reason == "replaced"
    assert second_now.id == second.id and second_now.status == models.STARTED
    with pay_app.app_context(), database().transaction() as session:
        assert session.get_one(MockPayment, first.provider_payment_id).state == "cancelled"


def test_the_paid_draft_is_sent_once_with_the_fee_computed_again(pay_app):
    draft_id = new_draft(pay_app, copies=2)
    payment = start(pay_app, draft_id)
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    paid, submission = refreshed_and_completed(pay_app, payment.id)
    assert paid.status == models.SUCCESS and paid.paid_at is not None and paid.method == "card"
    assert submission is not None and submission.fee == 600 and paid.submission_id == submission.id
    assert events_of(pay_app, submission.id) == ["submitted", "payment_received"]
    _again, same = refreshed_and_completed(pay_app, payment.id)
    assert same is not None and same.id == submission.id
    assert events_of(pay_app, submission.id) == ["submitted", "payment_received"]
    with pytest.raises(service.AlreadyPaid):
        start(pay_app, draft_id)


def test_a_paid_draft_is_recovered_from_the_notification_alone(pay_app):
    """The browser closed on the provider's page: the notification sends the application."""
    draft_id = new_draft(pay_app)
    payment = start(pay_app, draft_id)
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    with pay_app.app_context():
        assert delivery.deliver_pending(pay_app) == (1, 0)
    [stored] = payments_of_draft(pay_app, draft_id)
    assert stored.status == models.SUCCESS and stored.submission_id is not None
    with pay_app.app_context(), database().transaction() as session:
        submission = session.get_one(Submission, stored.submission_id)
        assert submission.form_id == FORM and submission.fee == 600
        summary = status.summary_of(session, submission)
        assert (summary.code, summary.label, summary.method_label) == (status.PAID, "支払い済み", "クレジットカード")


def test_a_fee_changed_after_paying_is_not_sent_and_is_to_be_refunded(pay_app):
    draft_id = new_draft(pay_app, copies=2)
    payment = start(pay_app, draft_id)
    set_copies(pay_app, draft_id, 5)  # another tab changed the answers meanwhile
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    paid, submission = refreshed_and_completed(pay_app, payment.id)
    assert submission is None
    # Paid for answers that are no longer the draft's: no application shows it, so the system
    # gives the money back at the provider as soon as it has recorded why.
    assert paid.status == models.SUCCESS and paid.refund_status == models.REFUNDED
    assert "変わった" in (paid.refund_reason or "")
    with pay_app.app_context(), database().transaction() as session:
        assert session.get_one(MockPayment, payment.provider_payment_id).refunded_amount == 600


def test_a_konbini_number_sends_the_application_awaiting_payment(pay_app):
    draft_id = new_draft(pay_app)
    payment = start(pay_app, draft_id)
    at_mock(pay_app, payment, lambda s, p: mock.choose_konbini(s, p, "konbini"))
    pending, submission = refreshed_and_completed(pay_app, payment.id)
    assert pending.status == models.PENDING and pending.payment_number and pending.pay_by is not None
    assert submission is not None
    with pay_app.app_context(), database().transaction() as session:
        summary = status.summaries_of(session, [session.get_one(Submission, submission.id)])[submission.id]
        assert summary.code == status.AWAITING and summary.payment_number == pending.payment_number
    assert events_of(pay_app, submission.id) == ["submitted", "payment_awaiting"]


def test_the_provider_down_gives_a_message_and_a_retry_uses_the_same_key(pay_app):
    draft_id = new_draft(pay_app)
    pay_app.config["MOCK_PAYMENTS_DOWN"] = True
    with pytest.raises(service.PaymentUnavailable) as down:
        start(pay_app, draft_id)
    assert "しばらくしてから" in str(down.value)
    [waiting] = payments_of_draft(pay_app, draft_id)
    assert waiting.status == models.CREATED and waiting.provider_payment_id is None
    pay_app.config["MOCK_PAYMENTS_DOWN"] = False
    started = start(pay_app, draft_id)
    assert started.id == waiting.id and started.idempotency_key == waiting.idempotency_key
    assert started.status == models.STARTED


def test_an_amount_over_the_providers_limit_is_refused_clearly(pay_app):
    draft_id = new_draft(pay_app, copies=40000)
    with pytest.raises(service.PaymentUnavailable) as refused:
        start(pay_app, draft_id, 12_000_000)
    assert "9,999,999円" in str(refused.value) and "窓口" in str(refused.value)
    with pay_app.app_context(), database().transaction() as session:
        assert session.scalar(select(MockPayment.id)) is None


def test_nothing_to_pay_is_not_started(pay_app):
    with pytest.raises(ValueError):
        start(pay_app, new_draft(pay_app), 0)


def _staff(session) -> StaffUser:
    staff = StaffUser(username="cashier", display_name="収納 太郎", password_hash="x", roles=["counter"],
                      session_nonce="n")
    session.add(staff)
    session.flush()
    return staff


def test_the_counter_records_the_fee_once(pay_app):
    draft_id = new_draft(pay_app, copies=1)
    with pay_app.app_context(), database().session_factory() as session:
        staff = _staff(session)
        draft = session.get_one(Draft, draft_id)
        from formsvc.applications.answers import Answers
        submission = submit(session, draft, Answers.from_json(draft.answers), 300, channel="counter",
                            actor="staff:cashier", payment_required=True)
        session.commit()
        assert status.needs_payment(submission)
        assert status.summary_of(session, submission).code == status.UNPAID
        payment = service.record_counter(session, submission, models.CASH, staff, None)
        session.commit()
        assert (payment.amount, payment.channel, payment.status, payment.staff_id) == (300, "counter", "success",
                                                                                        staff.id)
        with pytest.raises(service.AlreadyPaid):
            service.record_counter(session, submission, models.CASHLESS, staff, None)
        summary = status.summary_of(session, submission)
        assert (summary.code, summary.method_label) == (status.PAID, "現金")
        # Rejected afterwards: the cash is handed back at the counter.
        due = service.mark_refund_due(session, submission, "却下")
        assert due is not None and due.id == payment.id
        assert status.summary_of(session, submission).code == status.REFUND_DUE
        service.refund(session, payment, staff)
        assert payment.refund_status == models.REFUNDED and payment.refunded_by_id == staff.id
        assert status.summary_of(session, submission).code == status.REFUNDED
        submission_id = submission.id
    assert events_of(pay_app, submission_id) == ["submitted", "payment_received", "payment_refunded"]


def test_an_online_refund_is_executed_by_the_provider(pay_app):
    draft_id = new_draft(pay_app)
    payment = start(pay_app, draft_id)
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    _, submission = refreshed_and_completed(pay_app, payment.id)
    assert submission is not None
    with pay_app.app_context(), database().session_factory() as session:
        staff = _staff(session)
        stored = session.get_one(Submission, submission.id)
        with pytest.raises(service.NotRefundable):
            service.refund(session, session.get_one(Payment, payment.id), staff)
        due = service.mark_refund_due(session, stored, "取下げ")
        session.commit()
        assert due is not None
        refunded = service.refund(session, due, staff)
        assert refunded.refund_status == models.REFUNDED and refunded.refunded_at is not None
        assert session.get_one(MockPayment, payment.provider_payment_id).refunded_amount == 600
        # The provider's refund notification comes later and changes nothing.
        assert delivery.deliver_pending(pay_app)[1] == 0
        session.expire_all()
        assert session.get_one(Payment, payment.id).refund_status == models.REFUNDED
    assert events_of(pay_app, submission.id).count("payment_refunded") == 1


def test_a_refund_while_the_provider_is_down_fails_and_can_be_retried(pay_app):
    draft_id = new_draft(pay_app)
    payment = start(pay_app, draft_id)
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    _, submission = refreshed_and_completed(pay_app, payment.id)
    with pay_app.app_context(), database().session_factory() as session:
        staff = _staff(session)
        due = service.mark_refund_due(session, session.get_one(Submission, submission.id), "却下")
        session.commit()
        pay_app.config["MOCK_PAYMENTS_DOWN"] = True
        with pytest.raises(service.PaymentUnavailable):
            service.refund(session, due, staff)
        assert due.refund_status == models.REFUND_FAILED
        pay_app.config["MOCK_PAYMENTS_DOWN"] = False
        assert service.refund(session, due, staff).refund_status == models.REFUNDED


def test_a_correction_closed_at_the_last_moment_leaves_the_draft_unsent(pay_app, monkeypatch):
    """Staff decide the application between the service's look at it and resubmit's: the paid
    correction is not sent, the draft stays unsent (nothing may show it as sent) and the money
    goes back."""
    from formsvc.submissions import status as submission_status

    first_draft = new_draft(pay_app, copies=1)
    first = start(pay_app, first_draft, 300)
    at_mock(pay_app, first, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    _paid, submission = refreshed_and_completed(pay_app, first.id)
    assert submission is not None
    correction = new_draft(pay_app, copies=2)
    with pay_app.app_context(), database().transaction() as session:
        session.get_one(Draft, correction).correction_of = submission.id
        session.get_one(Submission, submission.id).status = submission_status.CORRECTION_REQUESTED
    payment = start(pay_app, correction)
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    with pay_app.app_context(), database().transaction() as session:
        session.get_one(Submission, submission.id).status = submission_status.REJECTED
    monkeypatch.setattr(service, "not_sent_because", lambda *args: None)  # the look came just before
    paid, sent = refreshed_and_completed(pay_app, payment.id)
    assert sent is None and paid.refund_status == models.REFUNDED
    with pay_app.app_context(), database().transaction() as session:
        assert session.get_one(Draft, correction).submitted_at is None
        assert session.get_one(Submission, submission.id).status == submission_status.REJECTED


def test_answers_changed_to_the_same_fee_are_not_sent_on_the_payment(pay_app):
    """The payment carries the answers confirmed when it was started."""
    draft_id = new_draft(pay_app, copies=2)
    payment = start(pay_app, draft_id)
    with pay_app.app_context(), database().transaction() as session:
        draft = session.get_one(Draft, draft_id)
        assert payment.answers_digest == service.answers_digest(draft.answers)
        draft.answers = {**draft.answers, "note": "changed in another tab"}
    assert start(pay_app, draft_id).id != payment.id  # not reused for other answers
    set_copies(pay_app, draft_id, 2)
    with pay_app.app_context(), database().transaction() as session:
        draft = session.get_one(Draft, draft_id)
        draft.answers = {**draft.answers, "note": "again"}
    newest = payments_of_draft(pay_app, draft_id)[-1]
    at_mock(pay_app, newest, lambda s, p: mock.pay_by_card(s, p, "4111111111111111"))
    paid, sent = refreshed_and_completed(pay_app, newest.id)
    assert sent is None and paid.refund_status == models.REFUNDED
