"""The payment service provider (決済代行) interface, and the registry of the ones available.

The shape follows GOV.UK Pay's API, a public, small and well documented model of the calls a
payment service needs:
- create a payment: ``amount`` (yen), ``reference``, ``description``, ``return_url``, with an
  ``Idempotency-Key`` header → its ``payment_id``, ``state`` and ``next_url`` (the provider's
  page where the payer enters a card or picks コンビニ/Pay-easy);
- get a payment → its ``state`` {``status``, ``finished``, ``code``} (never trust the return
  redirect: it can be forged or replayed, so the service asks);
- refund a payment;
- notifications (webhooks): a signed JSON body that tells a payment's new state.

A provider implementation lives outside this package (the demo's mock in
formsvc.mock_payments, a real one in its own module) and is registered at app creation with
``register(app, name, provider)``; FORMSVC_PAYMENT_PROVIDER names the one used for new payments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

from formsvc.payments import notifications
from formsvc.payments.notifications import InvalidNotification

# The provider's payment states (GOV.UK Pay's, with "pending" for コンビニ/Pay-easy numbers).
CREATED, STARTED, SUBMITTED, PENDING = "created", "started", "submitted", "pending"
SUCCESS, FAILED, CANCELLED, ERROR = "success", "failed", "cancelled", "error"
PROVIDER_STATES = (CREATED, STARTED, SUBMITTED, PENDING, SUCCESS, FAILED, CANCELLED, ERROR)
FINISHED_STATES = frozenset({SUCCESS, FAILED, CANCELLED, ERROR})

# Refund states.
REFUND_SUBMITTED, REFUND_SUCCESS, REFUND_ERROR = "submitted", "success", "error"


class ProviderUnavailable(Exception):
    """The provider could not be reached, timed out or answered with a server error."""


class ProviderRefused(Exception):
    """The provider refused the request (e.g. an amount over its limit). ``str(e)`` is a
    Japanese message that may be shown to the payer."""


class UnknownProviderPayment(Exception):
    """The provider has no such payment."""


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider describes it."""

    payment_id: str
    status: str                    # one of PROVIDER_STATES
    finished: bool
    amount: int
    reference: str | None = None
    code: str | None = None        # why it failed: "declined", "3ds_failed", "timeout", "cancelled", …
    next_url: str | None = None    # where the payer goes while it is not finished
    method: str | None = None      # card / konbini / payeasy
    payment_number: str | None = None
    pay_by: datetime | None = None


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    status: str                    # REFUND_SUBMITTED, REFUND_SUCCESS or REFUND_ERROR
    amount: int


@dataclass(frozen=True)
class Notification:
    """A verified notification: ``kind`` is "payment" (a new state) or "refund"."""

    event_id: str
    kind: str
    payment: ProviderPayment
    refund: ProviderRefund | None = None


class PaymentProvider:
    """What the payments service asks of a provider. Subclass and register it."""

    #: the name in FORMSVC_PAYMENT_PROVIDER, stored in Payment.provider and in the webhook's URL
    name = "provider"

    def create(self, *, amount: int, reference: str, description: str, return_url: str,
               idempotency_key: str) -> ProviderPayment:
        """Create a payment. The same ``idempotency_key`` gives back the same payment (a retried
        call after a timeout makes no second payment). Raises ProviderUnavailable or ProviderRefused."""
        raise NotImplementedError

    def get(self, payment_id: str) -> ProviderPayment:
        """The payment as the provider knows it now. Raises ProviderUnavailable or UnknownProviderPayment."""
        raise NotImplementedError

    def cancel(self, payment_id: str) -> None:
        """Cancel a payment that is not finished (a newer attempt replaces it). Best effort."""

    def refund(self, payment_id: str, amount: int, idempotency_key: str) -> ProviderRefund:
        """Give back ``amount`` yen of a paid payment. Raises ProviderUnavailable or ProviderRefused."""
        raise NotImplementedError

    def verify_notification(self, body: bytes, headers: Mapping[str, str], secret: str) -> Notification:
        """Check a notification's signature and read it; InvalidNotification when it is not to be
        accepted. The default reads formsvc's own signed format (formsvc.payments.notifications),
        which the mock provider sends; a real provider overrides this with its own scheme."""
        notifications.verify_signature(body, headers, secret)
        return parse_notification(body)


def parse_notification(body: bytes) -> Notification:
    """Read the JSON body of a notification in formsvc's format::

        {"event_id": "ev_…", "type": "payment" | "refund",
         "payment": {"payment_id", "status", "finished", "amount", "reference", "code", "method",
                     "payment_number", "pay_by"},
         "refund": {"refund_id", "status", "amount"}}
    """
    try:
        document = json.loads(body)
        payment = document["payment"]
        status = payment["status"]
        amount = payment["amount"]
        if status not in PROVIDER_STATES or not isinstance(amount, int) or isinstance(amount, bool):
            raise ValueError("payment status or amount")
        event_id = _text(document["event_id"], 100)
        kind = document["type"]
        if kind not in ("payment", "refund"):
            raise ValueError("type")
        pay_by = payment.get("pay_by")
        provider_payment = ProviderPayment(
            payment_id=_text(payment["payment_id"], 64), status=status, finished=status in FINISHED_STATES,
            amount=amount, reference=_optional_text(payment.get("reference"), 64),
            code=_optional_text(payment.get("code"), 64), method=_optional_text(payment.get("method"), 16),
            payment_number=_optional_text(payment.get("payment_number"), 64),
            pay_by=datetime.fromisoformat(pay_by) if isinstance(pay_by, str) else None)
        refund = None
        if kind == "refund":
            found = document["refund"]
            refund_amount = found["amount"]
            if found["status"] not in (REFUND_SUBMITTED, REFUND_SUCCESS, REFUND_ERROR) or not isinstance(
                    refund_amount, int) or isinstance(refund_amount, bool):
                raise ValueError("refund")
            refund = ProviderRefund(refund_id=_text(found["refund_id"], 64), status=found["status"],
                                    amount=refund_amount)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InvalidNotification(f"unreadable notification: {type(error).__name__}") from None
    if provider_payment.pay_by is not None and provider_payment.pay_by.tzinfo is None:
        raise InvalidNotification("unreadable notification: pay_by without a time zone")
    return Notification(event_id=event_id, kind=kind, payment=provider_payment, refund=refund)


def _text(value: object, limit: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= limit or not value.isprintable():
        raise ValueError("text")
    return value


def _optional_text(value: object, limit: int) -> str | None:
    return None if value is None else _text(value, limit)


# --- the registry ---------------------------------------------------------------------------

EXTENSION = "formsvc.payment_providers"


def register(app: Flask, name: str, provider: PaymentProvider) -> None:
    """Make ``provider`` available under ``name`` (called at app creation)."""
    app.extensions.setdefault(EXTENSION, {})[name] = provider


def provider_named(name: str) -> PaymentProvider | None:
    return current_app.extensions.get(EXTENSION, {}).get(name)


def configured_name() -> str | None:
    """FORMSVC_PAYMENT_PROVIDER, or the only provider registered when it is unset."""
    name = current_app.config.get("PAYMENT_PROVIDER")
    if name:
        return name
    registered = current_app.extensions.get(EXTENSION, {})
    return next(iter(registered)) if len(registered) == 1 else None


def configured() -> PaymentProvider | None:
    """The provider new online payments go to (None: online payment is not available)."""
    name = configured_name()
    return provider_named(name) if name else None
