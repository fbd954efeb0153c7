"""Where an application's fee stands (支払い状況), in one word for lists and a summary for pages.

Everything that shows a payment (the resident's done page and /my/, the staff queue and detail,
the CSV and the API, the counter) reads it from here, so that they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.payments import models
from formsvc.payments.models import Payment
from formsvc.submissions.models import Submission

# Summary codes (the API and CSV use them as they are).
NOT_REQUIRED = "not_required"
UNPAID = "unpaid"
AWAITING = "awaiting"        # コンビニ/Pay-easy: a payment number was given, the money comes later
PAID = "paid"
REFUND_DUE = "refund_due"    # paid, then rejected or withdrawn (or paid a wrong amount): to give back
REFUNDED = "refunded"

LABELS = {NOT_REQUIRED: "支払い不要", UNPAID: "未払い", AWAITING: "支払い待ち", PAID: "支払い済み",
          REFUND_DUE: "返金予定", REFUNDED: "返金済み"}
METHOD_LABELS = {models.CARD: "クレジットカード", models.KONBINI: "コンビニ払い",
                 models.PAYEASY: "Pay-easy（ペイジー）", models.CASH: "現金", models.CASHLESS: "キャッシュレス決済"}

# A refund that is still to happen, whatever the provider said last.
_REFUND_OPEN = frozenset({models.REFUND_DUE, models.REFUND_SUBMITTED, models.REFUND_FAILED})


def needs_payment(submission: Submission) -> bool:
    """Whether the fee must be paid before the application is decided (承認・交付).

    Decided when the application was made and kept on it (``Submission.payment_required``),
    never derived again from today's settings: an application sent through the online payment
    step, or received at the counter (収納), needs it; one sent online without a payment step
    (no provider, ``fee.online_payment: false``: 納付書 or paid at collection) does not, and a
    provider configured later does not turn it into 未払い."""
    return bool(submission.payment_required) and (submission.fee or 0) > 0


@dataclass(frozen=True)
class PaymentSummary:
    code: str
    label: str
    amount: int | None           # yen: what was paid or is to be paid (None: no fee)
    method: str | None
    method_label: str | None
    reference: str | None        # our payment reference (お支払い番号 on the receipt)
    paid_at: datetime | None
    payment_number: str | None   # コンビニ 払込番号 / Pay-easy numbers
    pay_by: datetime | None
    refund_reason: str | None
    payment: Payment | None      # the latest relevant payment


def summary_of(session: Session, submission: Submission) -> PaymentSummary:
    payments = list(session.scalars(select(Payment).where(Payment.submission_id == submission.id)))
    return _summary(submission, needs_payment(submission), payments)


def summaries_of(session: Session, submissions: list[Submission]) -> dict[int, PaymentSummary]:
    """Each submission's summary (by submission id), with one query for all their payments."""
    if not submissions:
        return {}
    ids = [submission.id for submission in submissions]
    by_submission: dict[int, list[Payment]] = {}
    for payment in session.scalars(select(Payment).where(Payment.submission_id.in_(ids))):
        by_submission.setdefault(payment.submission_id or 0, []).append(payment)
    return {submission.id: _summary(submission, needs_payment(submission), by_submission.get(submission.id, []))
            for submission in submissions}


def relevant_payment(payments: Iterable[Payment]) -> Payment | None:
    """The payment that says where the fee stands, newest first within each kind: one paid and
    kept (an older valid payment wins over a newer duplicate to give back), else one with a
    refund still to happen, else one refunded, else one awaiting the money, else the newest attempt."""
    newest_first = sorted(payments, key=lambda p: (p.created_at, p.id), reverse=True)
    for wanted in (lambda p: p.status == models.SUCCESS and p.refund_status == models.NO_REFUND,
                   lambda p: p.refund_status in _REFUND_OPEN,
                   lambda p: p.refund_status == models.REFUNDED,
                   lambda p: p.status == models.PENDING):
        for payment in newest_first:
            if wanted(payment):
                return payment
    return newest_first[0] if newest_first else None


def code_of(payment: Payment | None, needed: bool) -> str:
    if payment is not None:
        if payment.refund_status == models.REFUNDED:
            return REFUNDED
        if payment.refund_status in _REFUND_OPEN:
            return REFUND_DUE
        if payment.status == models.SUCCESS:
            return PAID
        if payment.status == models.PENDING:
            return AWAITING
    return UNPAID if needed else NOT_REQUIRED


def _summary(submission: Submission, needed: bool, payments: list[Payment]) -> PaymentSummary:
    payment = relevant_payment(payments)
    code = code_of(payment, needed)
    if payment is None:
        return PaymentSummary(code=code, label=LABELS[code], amount=submission.fee, method=None, method_label=None,
                              reference=None, paid_at=None, payment_number=None, pay_by=None,
                              refund_reason=None, payment=None)
    return PaymentSummary(
        code=code, label=LABELS[code], amount=payment.amount, method=payment.method,
        method_label=METHOD_LABELS.get(payment.method) if payment.method else None,
        reference=payment.reference, paid_at=payment.paid_at,
        payment_number=payment.payment_number if code == AWAITING else None,
        pay_by=payment.pay_by if code == AWAITING else None,
        refund_reason=payment.refund_reason, payment=payment)
