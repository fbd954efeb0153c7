"""Fees on the staff side: what the queue, the detail page, the CSV and the API say of a payment,
the rule that an unpaid fee blocks 承認 and 交付, and a refund due after a rejection or withdrawal.

The payments themselves (online through a provider, 収納 at the counter, refunds) are
``formsvc.payments``; this module only reads them for staff and calls its service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, not_, select
from sqlalchemy.orm import Session

from formsvc.clock import JST
from formsvc.payments import models as payment_models
from formsvc.payments import service as payment_service
from formsvc.payments import status as payment_status
from formsvc.payments.models import Payment
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent

# Moves into these statuses hand over what was paid for: the fee must have been received first.
NEEDS_PAID = {status.APPROVED: "承認", status.COMPLETED: "完了（交付）"}
# Moves into these statuses give back a fee already paid.
REFUND_REASONS = {status.REJECTED: "却下", status.WITHDRAWN: "取下げ"}

REFUND_LABELS = {
    payment_models.NO_REFUND: "",
    payment_models.REFUND_DUE: "返金予定",
    payment_models.REFUND_SUBMITTED: "返金手続中",
    payment_models.REFUNDED: "返金済み",
    payment_models.REFUND_FAILED: "返金失敗（もう一度返金してください）",
}
# A refund staff may (still) start: due, refused by the provider the last time, or asked of the
# provider without an answer recorded (the process stopped in between): asking again sends the
# same idempotency key, so the provider refunds once.
REFUNDABLE = payment_service.REFUNDABLE

UNPAID = payment_status.UNPAID
ENGLISH = {payment_status.NOT_REQUIRED: "No payment needed", payment_status.UNPAID: "Unpaid",
           payment_status.AWAITING: "Awaiting payment", payment_status.PAID: "Paid",
           payment_status.REFUND_DUE: "Refund due", payment_status.REFUNDED: "Refunded"}
# The queue's 「支払い」 filter: the summary codes staff look for, (ja, en) labels.
FILTER_CODES = (payment_status.UNPAID, payment_status.AWAITING, payment_status.PAID,
                payment_status.REFUND_DUE, payment_status.REFUNDED)
FILTER_CHOICES = {code: (payment_status.LABELS[code], ENGLISH[code]) for code in FILTER_CODES}


# --- the workflow's rules -------------------------------------------------------------------

def unpaid_refusal(session: Session, submission: Submission, target: str) -> str | None:
    """Why a move into ``target`` must wait for the fee (Japanese, for staff), or None."""
    action = NEEDS_PAID.get(target)
    if action is None:
        return None
    if not payment_status.needs_payment(submission):
        return None
    summary = payment_status.summary_of(session, submission)
    if summary.code == payment_status.PAID and paid_amount(session, submission) >= (submission.fee or 0):
        return None
    if target == status.APPROVED:
        first = "手数料の支払いが確認できていないため、承認できません"
    else:
        first = f"手数料の支払いが確認できていないため、{action}にできません"
    if summary.code == payment_status.PAID:  # a correction raised the fee above what was paid
        how = (f"（支払い済み {paid_amount(session, submission):,}円／手数料 {submission.fee:,}円）。"
               "差額の支払いを確認してから操作してください")
    elif summary.code == payment_status.AWAITING:
        how = "（支払い状況：支払い待ち）。コンビニ・Pay-easyでの支払いが確認されてから操作してください"
    elif summary.code in (payment_status.REFUND_DUE, payment_status.REFUNDED):
        how = f"（支払い状況：{summary.label}）。返金の対象になった支払いでは承認・交付できません"
    else:
        how = f"（支払い状況：{summary.label}）。窓口での収納、またはオンラインでの支払いを確認してから操作してください"
    return first + how


def paid_amount(session: Session, submission: Submission) -> int:
    """Yen paid for the application and kept (successful, nothing to refund)."""
    return sum(session.scalars(select(Payment.amount).where(
        Payment.submission_id == submission.id, Payment.status == payment_models.SUCCESS,
        Payment.refund_status == payment_models.NO_REFUND)))


def refund_due_after(session: Session, submission: Submission, target: str, actor: str,
                     staff_name: str | None = None) -> Payment | None:
    """After a move into ``target``: mark a paid fee to be refunded, in the caller's transaction,
    with an event in the history. Nothing happens when nothing was paid."""
    reason = REFUND_REASONS.get(target)
    if reason is None:
        return None
    payment = payment_service.mark_refund_due(session, submission, reason)
    if payment is not None:  # the service leaves the event to the caller, who knows who did it
        data: dict = {"payment_id": payment.id, "reference": payment.reference, "amount": payment.amount,
                      "method": payment.method, "reason": reason}
        if staff_name:
            data["staff_name"] = staff_name
        session.add(SubmissionEvent(submission_id=submission.id, kind=payment_service.EVENT_REFUND_DUE,
                                    actor=actor, data=data))
    return payment


# --- what staff see -------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """The detail page's 「手数料・支払い」: the summary and the refund, if any."""

    summary: payment_status.PaymentSummary
    needed: bool
    refund_status: str
    refund_label: str
    refunded_at: datetime | None
    refunded_by: str | None
    can_refund: bool

    @property
    def payment(self) -> Payment | None:
        return self.summary.payment


def panel(session: Session, submission: Submission, may_refund: bool, names: dict[int, str]) -> Panel | None:
    """None for an application without a fee and without any payment."""
    summary = payment_status.summary_of(session, submission)
    needed = payment_status.needs_payment(submission)
    if not submission.fee and summary.payment is None:
        return None
    payment = summary.payment
    refund = payment.refund_status if payment is not None else payment_models.NO_REFUND
    return Panel(summary=summary, needed=needed, refund_status=refund, refund_label=REFUND_LABELS.get(refund, refund),
                 refunded_at=payment.refunded_at if payment is not None else None,
                 refunded_by=names.get(payment.refunded_by_id) if payment is not None and payment.refunded_by_id
                 else None,
                 can_refund=may_refund and payment is not None and refund in REFUNDABLE)


def summaries(session: Session, submissions: list[Submission], chunk: int = 500
              ) -> dict[int, payment_status.PaymentSummary]:
    """Each submission's payment summary: one query per ``chunk`` rows (a queue page is one)."""
    found: dict[int, payment_status.PaymentSummary] = {}
    for start in range(0, len(submissions), chunk):
        found.update(payment_status.summaries_of(session, submissions[start:start + chunk]))
    return found


def refund_text(summary: payment_status.PaymentSummary | None) -> str:
    """返金状況 for the CSV: empty when nothing is or was to be refunded."""
    payment = summary.payment if summary is not None else None
    if payment is None:
        return ""
    return REFUND_LABELS.get(payment.refund_status, payment.refund_status)


def method_label(method: str | None) -> str:
    return payment_status.METHOD_LABELS.get(method, method) if method else ""


def japan_time(moment: datetime | None) -> str:
    return moment.astimezone(JST).isoformat(timespec="seconds") if moment is not None else ""


# --- the queue's filter ---------------------------------------------------------------------

def _payment_exists(*conditions):
    # Correlated on payments.submission_id (indexed): one index probe per candidate row, so the
    # queue's per-status keyset scans stay index range scans.
    return exists(select(Payment.id).where(Payment.submission_id == Submission.id, *conditions))


def filter_condition(code: str):
    """The queue's 「支払い」 filter as SQL, matching the summary codes of formsvc.payments.status."""
    # The same order as payment_status.relevant_payment: a payment kept wins, then a refund still
    # to happen, then one refunded, then one awaiting the money.
    kept = _payment_exists(Payment.status == payment_models.SUCCESS,
                           Payment.refund_status == payment_models.NO_REFUND)
    refund_open = _payment_exists(Payment.refund_status.in_(
        (payment_models.REFUND_DUE, payment_models.REFUND_SUBMITTED, payment_models.REFUND_FAILED)))
    refunded = _payment_exists(Payment.refund_status == payment_models.REFUNDED)
    awaiting = _payment_exists(Payment.status == payment_models.PENDING)
    if code == payment_status.PAID:
        return kept
    if code == payment_status.REFUND_DUE:
        return and_(refund_open, not_(kept))
    if code == payment_status.REFUNDED:
        return and_(refunded, not_(kept), not_(refund_open))
    if code == payment_status.AWAITING:
        return and_(awaiting, not_(kept), not_(refund_open), not_(refunded))
    if code == payment_status.UNPAID:  # as payment_status.needs_payment, with nothing paid, owed back or awaited
        return and_(Submission.payment_required.is_(True), Submission.fee > 0,
                    not_(kept), not_(refund_open), not_(refunded), not_(awaiting))
    raise ValueError(f"unknown payment filter {code!r}")
