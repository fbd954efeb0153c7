"""Fees at the counter: 収納 (taking the fee of a received procedure, in cash or by a cashless
terminal) and 交付 the same day (即日交付) for procedures that the counter issues at once.

Both take the caller's session and leave the commit to the caller. 収納 is recorded by
``formsvc.payments.service.record_counter`` (one payment per fee; a second is AlreadyPaid); 交付
is the review workflow's same-day move (``formsvc.review.workflow.issue_same_day``), so it has the
same guards, audit event and payment rule as every other change of status.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.payments import models as pay
from formsvc.payments import service as payments
from formsvc.payments import status as pay_status
from formsvc.review import workflow
from formsvc.staff.models import StaffUser
from formsvc.submissions import status
from formsvc.submissions.models import CounterVisit, Submission

# The methods a counter takes, in the order offered (現金 first: the usual one).
METHODS = (pay.CASH, pay.CASHLESS)
ISSUED_LABEL = "交付済み"


class CounterRefused(Exception):
    """収納 or 交付 cannot be done; ``message`` says why, in Japanese, for the clerk."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeeState:
    """What the visit page shows and offers for one received procedure."""

    submission: Submission
    summary: pay_status.PaymentSummary
    same_day: bool

    @property
    def has_fee(self) -> bool:
        return bool(self.submission.fee and self.submission.fee > 0)

    @property
    def paid(self) -> bool:
        return self.summary.code == pay_status.PAID

    @property
    def can_take(self) -> bool:
        """収納 is offered: a fee, not paid yet, and the application still open."""
        return self.has_fee and self.summary.code == pay_status.UNPAID and self.submission.status in status.OPEN

    @property
    def issued(self) -> bool:
        return self.submission.status == status.COMPLETED

    @property
    def can_issue(self) -> bool:
        """交付 is offered: issued the same day at the counter, received, and paid (or free)."""
        return (self.same_day and self.submission.status == status.RECEIVED
                and self.summary.code in (pay_status.PAID, pay_status.NOT_REQUIRED))

    @property
    def fee_text(self) -> str:
        return f"{int(self.submission.fee or 0):,}円" if self.has_fee else "なし"


def counter_definition(session: Session, submission: Submission) -> FormDefinition:
    compiled = version_by_id(session, submission.version_id)
    if compiled is None:  # a submission's version is never deleted (a foreign key keeps it)
        raise LookupError(f"definition version {submission.version_id} of submission {submission.id} is missing")
    return compiled.definition.for_channel(submission.channel)


def fee_state(session: Session, submission: Submission) -> FeeState:
    definition = counter_definition(session, submission)
    return FeeState(submission, pay_status.summary_of(session, submission), definition.same_day_issue)


def take_payment(session: Session, visit: CounterVisit, submission: Submission, method: str,
                 staff: StaffUser) -> pay.Payment:
    """収納 of ``submission``'s fee by ``method``. CounterRefused: nothing to take, or taken already."""
    if method not in METHODS:
        raise CounterRefused("収納の方法（現金またはキャッシュレス決済）を選んでください")
    state = fee_state(session, submission)
    if not state.has_fee:
        raise CounterRefused("この手続きには手数料がありません")
    if state.summary.code != pay_status.UNPAID:
        raise CounterRefused(already_message(state))
    if submission.status not in status.OPEN:
        raise CounterRefused(f"この申請は「{status.label(submission.status)}」のため、収納できません")
    try:
        return payments.record_counter(session, submission, method, staff, visit)
    except payments.AlreadyPaid:
        raise CounterRefused(already_message(fee_state(session, submission))) from None


def already_message(state: FeeState) -> str:
    paid = state.summary
    how = f"（{paid.method_label} {paid.amount:,}円）" if paid.method_label and paid.amount else ""
    return f"この手続きの手数料はすでに収納済みです{how}。二重に収納していないか確認してください"


def issue(session: Session, submission: Submission, staff: StaffUser) -> workflow.Move:
    """交付 (即日交付) of a received, paid (or free) submission. CounterRefused or MoveRefused."""
    state = fee_state(session, submission)
    if state.issued:
        raise CounterRefused("この申請はすでに交付済みです")
    if not state.same_day:
        raise CounterRefused("この手続きは窓口で即日交付しません。審査の後に交付します")
    if state.summary.code not in (pay_status.PAID, pay_status.NOT_REQUIRED):
        raise CounterRefused("手数料を収納してから交付してください")
    return workflow.issue_same_day(session, submission, staff, lock_version=None,
                                   comment="窓口で即日交付しました")
