"""The mock provider's side of a payment: what a real provider does behind its API and pages.

States (as GOV.UK Pay names them): created (made by the service) → started (the payer chose a
way to pay) → submitted (card: waiting for 3-D Secure) → success / failed / error; or pending
(コンビニ/Pay-easy: a number was given) → success; cancelled by the payer or the service.
Every change that the service must hear of queues a notification (formsvc.mock_payments.delivery).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.clock import JST, today
from formsvc.db import utcnow
from formsvc.mock_payments import cards
from formsvc.mock_payments.models import MockPayment, MockPaymentNotification
from formsvc.payments import providers

# What one payment may be: the mock refuses more, as real providers have a ceiling per payment.
MIN_AMOUNT, MAX_AMOUNT = 1, 9_999_999
# A コンビニ/Pay-easy number must be paid within this many days (until the end of the last one).
PAY_WITHIN_DAYS = 3
KONBINI, PAYEASY, CARD = "konbini", "payeasy", "card"

FINISHED = providers.FINISHED_STATES
DOWN_FLAG = "mock_payments_down"


class NotPayable(Exception):
    """The payment is finished (paid, failed, cancelled) or waiting for a コンビニ payment."""


# --- "provider down" -----------------------------------------------------------------------------

def is_down() -> bool:
    """Whether the mock pretends to be unreachable: the MOCK_PAYMENTS_DOWN setting (tests), or the
    demo toggle on its admin page, kept as a file in instance/ so that every worker sees it."""
    return bool(current_app.config.get("MOCK_PAYMENTS_DOWN")) or _flag_file().exists()


def set_down(down: bool) -> None:
    flag = _flag_file()
    if down:
        flag.parent.mkdir(parents=True, exist_ok=True)
        flag.touch()
    else:
        flag.unlink(missing_ok=True)


def _flag_file() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / DOWN_FLAG


def check_up() -> None:
    if is_down():
        raise providers.ProviderUnavailable("the mock payment provider is down (demo toggle)")


# --- the API's side ------------------------------------------------------------------------------

def create(session: Session, *, amount: int, reference: str, description: str, return_url: str,
           idempotency_key: str) -> MockPayment:
    check_up()
    existing = session.scalar(select(MockPayment).where(MockPayment.idempotency_key == idempotency_key))
    if existing is not None:
        if existing.amount != amount or existing.reference != reference[:64]:
            raise providers.ProviderRefused("同じ冪等キーで別の内容の支払いが作成されようとしました。")
        return existing  # a retried call: the same payment, as the key promises
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise providers.ProviderRefused(
            f"金額が1回のお支払いの上限（{MAX_AMOUNT:,}円）を超えているため、オンラインでは支払えません。"
            "窓口でお支払いください。" if amount > MAX_AMOUNT else "お支払いの金額が正しくありません。")
    if not (return_url.startswith(("https://", "http://", "/")) and not return_url.startswith("//")):
        raise providers.ProviderRefused("戻り先のURLが正しくありません。")
    payment = MockPayment(id="mp_" + secrets.token_hex(16), idempotency_key=idempotency_key, amount=amount,
                          reference=reference[:64], description=description[:200], return_url=return_url,
                          state=providers.CREATED)
    session.add(payment)
    session.flush()
    return payment


def find(session: Session, payment_id: str) -> MockPayment | None:
    if not payment_id.startswith("mp_") or len(payment_id) > 40:
        return None
    return session.get(MockPayment, payment_id)


def as_document(payment: MockPayment) -> dict:
    """The payment as the API and the notifications describe it."""
    return {"payment_id": payment.id, "status": payment.state, "finished": payment.state in FINISHED,
            "amount": payment.amount, "reference": payment.reference, "code": payment.failure_code,
            "method": payment.method, "payment_number": payment.payment_number,
            "pay_by": payment.pay_by.isoformat() if payment.pay_by else None}


def cancel_by_service(session: Session, payment: MockPayment) -> None:
    if payment.state in FINISHED:
        return
    _finish(session, payment, providers.CANCELLED, "cancelled_by_service")


def refund(session: Session, payment: MockPayment, amount: int) -> tuple[str, str]:
    """(refund id, state): the mock refunds at once. Asking again for a refunded payment gives
    back the same refund (the idempotency a real provider offers)."""
    check_up()
    refund_id = "rf_" + payment.id.removeprefix("mp_")
    if payment.refunded_amount >= payment.amount and payment.refunded_amount > 0:
        return refund_id, providers.REFUND_SUCCESS
    if payment.state != providers.SUCCESS:
        raise providers.ProviderRefused("支払いが完了していないため、返金できません。")
    if not 0 < amount <= payment.amount - payment.refunded_amount:
        raise providers.ProviderRefused("返金額が支払額を超えています。")
    payment.refunded_amount += amount
    notify(session, payment, "refund", refund={"refund_id": refund_id, "status": providers.REFUND_SUCCESS,
                                               "amount": amount})
    return refund_id, providers.REFUND_SUCCESS


# --- the payer's pages ---------------------------------------------------------------------------

def _payable(payment: MockPayment) -> None:
    if payment.state in FINISHED or payment.state == providers.PENDING:
        raise NotPayable(payment.state)


def start(session: Session, payment: MockPayment) -> None:
    """The payer opened the payment page."""
    if payment.state == providers.CREATED:
        payment.state = providers.STARTED


def pay_by_card(session: Session, payment: MockPayment, number: str) -> str:
    """Charge a test card: its outcome (cards.SUCCEEDS, DECLINED, THREE_D_SECURE, TIMES_OUT).
    The number itself is never kept, only its last four digits."""
    _payable(payment)
    outcome = cards.outcome_of(number)
    if outcome is None:
        raise ValueError("not a test card")
    payment.method, payment.card_last4 = CARD, number[-4:]
    if outcome == cards.SUCCEEDS:
        _finish(session, payment, providers.SUCCESS, None)
    elif outcome == cards.DECLINED:
        _finish(session, payment, providers.FAILED, "declined")
    elif outcome == cards.TIMES_OUT:
        _finish(session, payment, providers.ERROR, "timeout")
    else:
        payment.state = providers.SUBMITTED  # waiting for the 3-D Secure challenge
    return outcome


def answer_challenge(session: Session, payment: MockPayment, code: str) -> bool:
    """3-D Secure: the right one-time code pays, a wrong one fails the payment (as issuers do
    after a failed authentication: the payer starts again with a new attempt)."""
    if payment.state != providers.SUBMITTED:
        raise NotPayable(payment.state)
    if secrets.compare_digest(code.encode(), cards.THREE_D_SECURE_CODE.encode()):
        _finish(session, payment, providers.SUCCESS, None)
        return True
    _finish(session, payment, providers.FAILED, "3ds_failed")
    return False


def choose_konbini(session: Session, payment: MockPayment, method: str) -> None:
    """A コンビニ 払込番号 or Pay-easy numbers, to be paid by the end of the PAY_WITHIN_DAYS-th day."""
    _payable(payment)
    if method not in (KONBINI, PAYEASY):
        raise ValueError(method)
    payment.method = method
    if method == KONBINI:
        payment.payment_number = "".join(secrets.choice("0123456789") for _ in range(11))
    else:  # 収納機関番号 (the mock's) - お客様番号
        payment.payment_number = "58091-" + "".join(secrets.choice("0123456789") for _ in range(16))
    last_day = today() + timedelta(days=PAY_WITHIN_DAYS)
    payment.pay_by = datetime.combine(last_day, time(23, 59, 59), JST).astimezone(UTC)
    payment.state = providers.PENDING
    notify(session, payment, "payment")


def confirm_pending(session: Session, payment: MockPayment) -> None:
    """The demo's 「支払われたことにする」: the コンビニ/Pay-easy money arrived."""
    if payment.state != providers.PENDING:
        raise NotPayable(payment.state)
    _finish(session, payment, providers.SUCCESS, None)


def cancel_by_payer(session: Session, payment: MockPayment) -> None:
    if payment.state in FINISHED or payment.state == providers.PENDING:
        return
    _finish(session, payment, providers.CANCELLED, "cancelled")


def _finish(session: Session, payment: MockPayment, state: str, code: str | None) -> None:
    payment.state, payment.failure_code = state, code
    notify(session, payment, "payment")


def pending(session: Session) -> list[MockPayment]:
    return list(session.scalars(select(MockPayment).where(MockPayment.state == providers.PENDING)
                                .order_by(MockPayment.created_at)))


def recent(session: Session, limit: int = 30) -> list[MockPayment]:
    return list(session.scalars(select(MockPayment).order_by(MockPayment.created_at.desc()).limit(limit)))


# --- notifications -------------------------------------------------------------------------------

def notify(session: Session, payment: MockPayment, kind: str, refund: dict | None = None) -> MockPaymentNotification:
    """Queue a notification of the payment as it is now (signed when it is sent)."""
    event_id = "ev_" + secrets.token_hex(16)
    document: dict = {"event_id": event_id, "type": kind, "created": utcnow().isoformat(),
                      "payment": as_document(payment)}
    if refund is not None:
        document["refund"] = refund
    note = MockPaymentNotification(event_id=event_id, payment_id=payment.id,
                                   body=json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    session.add(note)
    session.flush()
    return note
