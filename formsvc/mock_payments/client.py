"""The mock as the payments service sees it: a PaymentProvider (formsvc.payments.providers).

Each call runs in a transaction of its own and commits, as a remote provider's API call would:
the service's transaction neither contains nor waits for it. Notifications it queues are
delivered at the end of the current request (formsvc.mock_payments.delivery).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from formsvc.db import database
from formsvc.mock_payments import delivery, service
from formsvc.mock_payments.models import MockPayment
from formsvc.payments import providers
from formsvc.payments.providers import PaymentProvider, ProviderPayment, ProviderRefund

PAY_PATH = "/mock-pay/pay/"


class MockPaymentProvider(PaymentProvider):
    name = "mock"

    def create(self, *, amount: int, reference: str, description: str, return_url: str,
               idempotency_key: str) -> ProviderPayment:
        for attempt in range(2):
            try:
                with database().transaction() as session:
                    payment = service.create(session, amount=amount, reference=reference, description=description,
                                             return_url=return_url, idempotency_key=idempotency_key)
                    return _described(payment)
            except IntegrityError:
                # A concurrent call with the same key (a double click) stored it first: looked up
                # again, it is that payment, as the key promises.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, payment_id: str) -> ProviderPayment:
        service.check_up()
        with database().transaction() as session:
            payment = service.find(session, payment_id)
            if payment is None:
                raise providers.UnknownProviderPayment(payment_id)
            return _described(payment)

    def cancel(self, payment_id: str) -> None:
        service.check_up()
        with database().transaction() as session:
            payment = service.find(session, payment_id)
            if payment is not None:
                service.cancel_by_service(session, payment)
        delivery.schedule()

    def refund(self, payment_id: str, amount: int, idempotency_key: str) -> ProviderRefund:
        with database().transaction() as session:
            payment = service.find(session, payment_id)
            if payment is None:
                raise providers.UnknownProviderPayment(payment_id)
            refund_id, state = service.refund(session, payment, amount)
        delivery.schedule()
        return ProviderRefund(refund_id=refund_id, status=state, amount=amount)


def _described(payment: MockPayment) -> ProviderPayment:
    finished = payment.state in providers.FINISHED_STATES
    return ProviderPayment(
        payment_id=payment.id, status=payment.state, finished=finished, amount=payment.amount,
        reference=payment.reference, code=payment.failure_code,
        next_url=None if finished else PAY_PATH + payment.id, method=payment.method,
        payment_number=payment.payment_number, pay_by=payment.pay_by)
