"""Money that arrives late, twice, or for nothing: a コンビニ payment made after the application was
withdrawn, a fee paid twice, payments refused before any application exists (refunded by the
system, retried by `formsvc payments refund-orphans`), a refund left half done, and the races of
a double click and of the return page with the notification."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import select

from formsvc.cli import main as formsvc_cli
from formsvc.db import database
from formsvc.db import session as db_session
from formsvc.mock_payments import delivery
from formsvc.mock_payments import service as mock
from formsvc.mock_payments.client import MockPaymentProvider
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import models, service, status
from formsvc.payments import views as payment_views
from formsvc.payments.models import Payment
from formsvc.review import payments as review_payments
from formsvc.submissions import status as submission_status
from formsvc.submissions.models import Submission
from tests.payments.conftest import new_draft, payments_of_draft, set_copies, signed
from tests.payments.test_notifications import URL, paid_event
from tests.payments.test_service import _staff, at_mock, events_of, refreshed_and_completed, start

CARD = "4111111111111111"


def deliver(app) -> None:
    """The mock provider sends what it queued (as it does at the end of its own requests)."""
    with app.app_context():
        delivery.deliver_pending(app)


def awaiting_konbini(app) -> tuple[Payment, int]:
    """An application sent with a コンビニ number, the money not yet paid: (payment, submission id)."""
    payment = start(app, new_draft(app))
    at_mock(app, payment, lambda s, p: mock.choose_konbini(s, p, "konbini"))
    pending, submission = refreshed_and_completed(app, payment.id)
    assert pending.status == models.PENDING and submission is not None
    return pending, submission.id


def withdraw(app, submission_id: int) -> None:
    """The resident withdraws (as formsvc.resident and the staff workflow do): refund due after it."""
    with app.app_context(), database().session_factory() as session:
        submission = session.get_one(Submission, submission_id)
        submission.status = submission_status.WITHDRAWN
        review_payments.refund_due_after(session, submission, submission_status.WITHDRAWN, "resident")
        session.commit()


def summary(app, submission_id: int) -> status.PaymentSummary:
    with app.app_context(), database().session_factory() as session:
        return status.summary_of(session, session.get_one(Submission, submission_id))


def mock_state(app, payment: Payment) -> MockPayment:
    with app.app_context(), database().session_factory() as session:
        found = session.get_one(MockPayment, payment.provider_payment_id)
        session.expunge(found)
        return found


# --- a コンビニ payment arriving later ----------------------------------------------------------------

def test_a_konbini_payment_arriving_later_is_received_in_the_history(pay_app):
    pending, submission_id = awaiting_konbini(pay_app)
    at_mock(pay_app, pending, mock.confirm_pending)
    deliver(pay_app)
    assert events_of(pay_app, submission_id) == ["submitted", "payment_awaiting", "payment_received"]
    assert summary(pay_app, submission_id).code == status.PAID


def test_withdrawing_cancels_the_konbini_number_at_the_provider(pay_app):
    pending, submission_id = awaiting_konbini(pay_app)
    withdraw(pay_app, submission_id)
    [payment] = payments_of_draft(pay_app, pending.draft_id)
    assert payment.status == models.CANCELLED and payment.failure_reason == "withdrawn"
    assert mock_state(pay_app, pending).state == "cancelled"  # the number can no longer be paid
    with pytest.raises(mock.NotPayable):
        at_mock(pay_app, pending, mock.confirm_pending)


def test_a_konbini_payment_made_after_withdrawal_is_to_be_refunded(pay_app):
    """The provider could not be told (down): the money comes all the same, and goes back."""
    pending, submission_id = awaiting_konbini(pay_app)
    pay_app.config["MOCK_PAYMENTS_DOWN"] = True
    withdraw(pay_app, submission_id)
    pay_app.config["MOCK_PAYMENTS_DOWN"] = False
    assert mock_state(pay_app, pending).state == "pending"
    at_mock(pay_app, pending, mock.confirm_pending)
    deliver(pay_app)
    [payment] = payments_of_draft(pay_app, pending.draft_id)
    assert payment.status == models.SUCCESS and payment.refund_status == models.REFUND_DUE
    found = summary(pay_app, submission_id)
    assert found.code == status.REFUND_DUE and found.label == "返金予定"
    kinds = events_of(pay_app, submission_id)
    assert kinds[-1] == "refund_due" and "payment_received" not in kinds


# --- paid twice ----------------------------------------------------------------------------------

def test_a_fee_paid_twice_stays_paid_and_the_duplicate_is_to_be_refunded(pay_app):
    payment = start(pay_app, new_draft(pay_app))
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, CARD))
    _, submission = refreshed_and_completed(pay_app, payment.id)
    assert submission is not None
    with pay_app.app_context(), database().session_factory() as session:
        # A second payment of the same fee (another tab's attempt) arrives afterwards.
        duplicate = Payment(reference=service.new_reference(), idempotency_key="dup-key", provider="mock",
                            channel=models.ONLINE, method=models.CARD, form_id=submission.form_id,
                            draft_id=payment.draft_id, amount=payment.amount, status=models.SUCCESS)
        session.add(duplicate)
        session.flush()
        stored = session.get_one(Submission, submission.id)
        stored.payment_required = True
        service.complete_paid_draft(session, duplicate)
        session.commit()
        assert duplicate.refund_status == models.REFUND_DUE and "二重" in (duplicate.refund_reason or "")
        found = status.summary_of(session, stored)
        assert found.code == status.PAID and found.payment is not None and found.payment.id == payment.id
        assert review_payments.unpaid_refusal(session, stored, submission_status.APPROVED) is None


# --- refused before any application exists ----------------------------------------------------------

def test_a_payment_without_an_application_is_refunded_by_the_system_and_retried_from_the_cli(pay_app):
    draft_id = new_draft(pay_app, copies=2)
    payment = start(pay_app, draft_id)
    set_copies(pay_app, draft_id, 5)  # the fee changed after paying started
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, CARD))
    pay_app.config["MOCK_PAYMENTS_DOWN"] = True  # the refund right after cannot reach the provider
    deliver(pay_app)
    [refused] = payments_of_draft(pay_app, draft_id)
    assert refused.submission_id is None and refused.refund_status == models.REFUND_FAILED
    pay_app.config["MOCK_PAYMENTS_DOWN"] = False
    result = pay_app.test_cli_runner().invoke(formsvc_cli, ["payments", "refund-orphans"])
    assert result.exit_code == 0, result.output
    assert "refunded 1, failed 0" in result.output
    [refunded] = payments_of_draft(pay_app, draft_id)
    assert refunded.refund_status == models.REFUNDED and refunded.refunded_by_id is None
    assert mock_state(pay_app, payment).refunded_amount == 600
    again = pay_app.test_cli_runner().invoke(formsvc_cli, ["payments", "refund-orphans"])
    assert "refunded 0, failed 0" in again.output


# --- a refund left half done ------------------------------------------------------------------------

def _paid_and_due(app) -> tuple[Payment, int]:
    payment = start(app, new_draft(app))
    at_mock(app, payment, lambda s, p: mock.pay_by_card(s, p, CARD))
    _, submission = refreshed_and_completed(app, payment.id)
    assert submission is not None
    with app.app_context(), database().session_factory() as session:
        service.mark_refund_due(session, session.get_one(Submission, submission.id), "取下げ")
        session.commit()
    return payment, submission.id


def test_a_refund_stuck_as_submitted_can_be_made_again(pay_app):
    """The process stopped between asking the provider and recording its answer."""
    payment, _ = _paid_and_due(pay_app)
    with pay_app.app_context(), database().session_factory() as session:
        stored = session.get_one(Payment, payment.id)
        stored.refund_status = models.REFUND_SUBMITTED
        session.commit()
        assert models.REFUND_SUBMITTED in review_payments.REFUNDABLE  # the staff page offers 返金する
        refunded = service.refund(session, stored, _staff(session))
        assert refunded.refund_status == models.REFUNDED
    assert mock_state(pay_app, payment).refunded_amount == 600  # given back once


def test_an_unexpected_error_during_a_refund_leaves_it_failed_to_retry(pay_app, monkeypatch):
    payment, _ = _paid_and_due(pay_app)

    def broken(self, payment_id, amount, idempotency_key):
        raise RuntimeError("connection reset")

    monkeypatch.setattr(MockPaymentProvider, "refund", broken)
    with pay_app.app_context(), database().session_factory() as session:
        staff = _staff(session)
        stored = session.get_one(Payment, payment.id)
        with pytest.raises(service.PaymentUnavailable):
            service.refund(session, stored, staff)
        session.expire_all()
        assert session.get_one(Payment, payment.id).refund_status == models.REFUND_FAILED
        monkeypatch.undo()
        assert service.refund(session, session.get_one(Payment, payment.id), staff).refund_status == models.REFUNDED


# --- races ---------------------------------------------------------------------------------------------

def test_a_double_click_losing_the_race_for_the_attempt_uses_the_winners(pay_app, monkeypatch):
    draft_id = new_draft(pay_app)
    pay_app.config["MOCK_PAYMENTS_DOWN"] = True
    with pytest.raises(service.PaymentUnavailable):
        start(pay_app, draft_id)  # left CREATED: both clicks will reuse it
    pay_app.config["MOCK_PAYMENTS_DOWN"] = False
    real_create = MockPaymentProvider.create
    winner: list[Payment] = []
    calls: list[bool] = []

    def racing(self, **values):
        calls.append(True)
        if len(calls) == 1:  # while the first click asks the provider, the second one completes
            winner.append(start(pay_app, draft_id))
        return real_create(self, **values)

    monkeypatch.setattr(MockPaymentProvider, "create", racing)
    loser = start(pay_app, draft_id)
    assert loser.id == winner[0].id and loser.status == models.STARTED and loser.next_url == winner[0].next_url
    assert len(payments_of_draft(pay_app, draft_id)) == 1
    with pay_app.app_context(), database().session_factory() as session:
        assert len(list(session.scalars(select(MockPayment)))) == 1


def test_two_creates_with_one_key_at_the_same_moment_make_one_mock_payment(pay_app, monkeypatch):
    """On PostgreSQL both may pass the lookup; the second insert meets the unique key."""
    import secrets

    competitor = "mp_" + "0" * 32
    real_token_hex = secrets.token_hex

    def insert_competitor_first(size):
        monkeypatch.setattr(mock, "secrets", secrets)
        with database().transaction() as other:
            other.add(MockPayment(id=competitor, idempotency_key="same-key", amount=300, reference="FPRACE",
                                  description="見本", return_url="/r", state="created"))
        return real_token_hex(size)

    monkeypatch.setattr(mock, "secrets", SimpleNamespace(token_hex=insert_competitor_first,
                                                         choice=secrets.choice, compare_digest=secrets.compare_digest))
    with pay_app.app_context():
        made = MockPaymentProvider().create(amount=300, reference="FPRACE", description="見本", return_url="/r",
                                            idempotency_key="same-key")
    assert made.payment_id == competitor
    with pay_app.app_context(), database().session_factory() as session:
        assert len(list(session.scalars(select(MockPayment)))) == 1


def test_the_webhook_retries_once_after_a_concurrent_change(pay_app, pay_client, monkeypatch):
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    for error in (StaleDataError("changed meanwhile"), IntegrityError("insert", {}, Exception("unique"))):
        draft_id = new_draft(pay_app)
        payment = start(pay_app, draft_id)
        real = service.apply_notification
        raised: list[bool] = []

        def first_fails(*args, error=error, raised=raised, real=real):
            if not raised:
                raised.append(True)
                raise error
            return real(*args)

        monkeypatch.setattr(payment_views, "apply_notification", first_fails)
        body, headers = signed(paid_event(payment, event_id=f"ev_retry_{draft_id}"))
        response = pay_client.post(URL, data=body, headers=headers)
        assert response.status_code == 200 and response.json == {"outcome": "applied"}, response.json
        [now] = payments_of_draft(pay_app, draft_id)
        assert now.status == models.SUCCESS and now.submission_id is not None
        assert events_of(pay_app, now.submission_id).count("payment_received") == 1


def test_the_mocks_notification_is_a_request_of_its_own(pay_app, monkeypatch):
    """Delivered in-process, it must not share the calling request's ``g`` or database session."""
    seen: dict = {}
    real = payment_views.apply_notification

    def spy(session, *args):
        seen["session"], seen["marker"] = session, g.get("marker")
        return real(session, *args)

    monkeypatch.setattr(payment_views, "apply_notification", spy)
    payment = start(pay_app, new_draft(pay_app))
    at_mock(pay_app, payment, lambda s, p: mock.pay_by_card(s, p, CARD))
    with pay_app.test_request_context("/"):
        g.marker = "the caller's"
        caller = db_session()
        assert delivery.deliver_pending(pay_app) == (1, 0)
    assert seen["session"] is not caller and seen["marker"] is None


@pytest.mark.parametrize("stamp", ["²", "1²", "³³³", "١٢٣", "１２３", "", "-1", "+1", " 1"])
def test_odd_digits_in_the_signature_timestamp_are_refused(pay_app, pay_client, stamp):
    payment = start(pay_app, new_draft(pay_app))
    body, headers = signed(paid_event(payment))
    headers[next(iter(headers))] = f"t={stamp},v1=" + "0" * 64
    response = pay_client.post(URL, data=body, headers=headers)
    assert response.status_code == 401 and response.json == {"error": "invalid_notification"}
