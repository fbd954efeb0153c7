"""A payment provider for the staff payment tests: refunds it is asked for, or is down."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from formsvc.db import database
from formsvc.payments import providers
from formsvc.payments.models import Payment
from formsvc.submissions.models import Submission


class FakeProvider(providers.PaymentProvider):
    """Registered as "test" (the provider of tests.review.support.paid_payment's payments)."""

    name = "test"

    def __init__(self) -> None:
        self.down = False
        self.refunds: list[tuple[str, int]] = []

    def get(self, payment_id: str) -> providers.ProviderPayment:
        if self.down:
            raise providers.ProviderUnavailable("the test provider is down")
        with database().transaction() as session:
            amount = session.scalar(select(Payment.amount).where(Payment.provider_payment_id == payment_id))
        if amount is None:
            raise providers.UnknownProviderPayment(payment_id)
        return providers.ProviderPayment(payment_id=payment_id, status=providers.SUCCESS, finished=True,
                                         amount=amount, method="card")

    def refund(self, payment_id: str, amount: int, idempotency_key: str) -> providers.ProviderRefund:
        if self.down:
            raise providers.ProviderUnavailable("the test provider is down")
        self.refunds.append((payment_id, amount))
        return providers.ProviderRefund(refund_id="rf_" + secrets.token_hex(6), status=providers.REFUND_SUCCESS,
                                        amount=amount)


def payments_of(app, number: str) -> list[Payment]:
    with app.app_context(), database().transaction() as session:
        submission_id = session.scalar(select(Submission.id).where(Submission.reception_number == number))
        found = list(session.scalars(select(Payment).where(Payment.submission_id == submission_id)
                                     .order_by(Payment.id)))
        for payment in found:
            session.expunge(payment)
        return found
