"""The review workflow as a state machine: one table of moves, made by guarded UPDATEs.

Every move is a single ``UPDATE … WHERE id = ? AND status = <from> AND lock_version = <seen>``
(plus who may hold the submission), so it either happens exactly as the member of staff saw
the submission or not at all: two reviewers claiming at once get one winner, and a decision
made on a page that someone else has changed since is refused (optimistic locking), on
PostgreSQL and SQLite alike. On PostgreSQL, claiming first takes the row with
``SELECT … FOR UPDATE SKIP LOCKED``, so reviewers pressing 「次の申請を担当する」 together are
handed different submissions without waiting for each other.

Withdrawal (取下げ) is the resident's own move (formsvc.resident.my); no staff move leads there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.review import notifications, payments
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions import status
from formsvc.submissions.models import Submission, SubmissionEvent


@dataclass(frozen=True)
class Move:
    name: str
    source: str
    target: str
    roles: tuple[str, ...]
    comment_required: bool
    event: str
    label: tuple[str, str]
    # Only the reviewer the submission is assigned to may make it (administrators listed in
    # ``roles`` may make it for anyone's submission).
    assignee_only: bool = False
    # The resident is told (formsvc.review.notifications).
    notify: bool = False
    # What the comment box is called when the move takes one.
    comment_label: tuple[str, str] = ("コメント（任意）", "Comment (optional)")

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.source


R, C, A = roles.REVIEWER, roles.COUNTER, roles.ADMIN

MOVES: tuple[Move, ...] = (
    Move("claim", status.RECEIVED, status.IN_REVIEW, (R,), False, "claimed",
         ("担当する（審査を始める）", "Claim and start review")),
    Move("request_correction", status.IN_REVIEW, status.CORRECTION_REQUESTED, (R,), True,
         "correction_requested", ("差し戻す（修正を依頼する）", "Request a correction"), assignee_only=True,
         notify=True,
         comment_label=("修正してほしい点（申請者に送られます）", "What to correct (sent to the applicant)")),
    Move("approve", status.IN_REVIEW, status.APPROVED, (R,), False, "approved", ("承認する", "Approve"),
         assignee_only=True, notify=True,
         comment_label=("申請者への連絡事項（任意・申請者に送られます）", "Note to the applicant (optional, sent)")),
    Move("reject", status.IN_REVIEW, status.REJECTED, (R,), True, "rejected", ("却下する", "Reject"),
         assignee_only=True, notify=True,
         comment_label=("却下の理由（申請者に送られます）", "Reason for rejection (sent to the applicant)")),
    Move("complete", status.APPROVED, status.COMPLETED, (R, C), False, "completed",
         ("完了にする（交付済み）", "Mark as completed (issued)"), notify=True,
         comment_label=("申請者への連絡事項（任意・申請者に送られます）", "Note to the applicant (optional, sent)")),
    Move("release", status.IN_REVIEW, status.RECEIVED, (R, A), False, "released",
         ("担当を外す（受付に戻す）", "Release (back to received)"), assignee_only=True),
    Move("reassign", status.IN_REVIEW, status.IN_REVIEW, (A,), False, "reassigned",
         ("担当者を変更する", "Reassign")),
    Move("reassign", status.RECEIVED, status.RECEIVED, (A,), False, "reassigned",
         ("担当者を変更する", "Reassign")),
)
BY_KEY = {move.key: move for move in MOVES}
NAMES = tuple(dict.fromkeys(move.name for move in MOVES))
# 即日交付 at the counter (住民票-type procedures): received → completed with no review. Not in
# MOVES, so the staff detail page never offers it; the counter makes it (issue_same_day) once it
# has checked that the procedure is issued the same day on the counter channel.
SAME_DAY_ISSUE = Move("issue", status.RECEIVED, status.COMPLETED, (C,), False, "completed",
                      ("交付する（即日交付）", "Issue now (same day)"))


class MoveRefused(Exception):
    """A move that cannot be made; ``message`` says why, in Japanese, for the member of staff."""

    status_code = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(MoveRefused):
    status_code = 403


class WrongStatus(MoveRefused):
    pass


class AlreadyClaimed(MoveRefused):
    def __init__(self):
        super().__init__("この申請はすでに他の職員が担当しています")


class NotAssignee(MoveRefused):
    status_code = 403

    def __init__(self):
        super().__init__("この申請は他の職員が担当しています。担当者だけが操作できます（担当の変更は管理者に依頼してください）")


class StaleEdit(MoveRefused):
    def __init__(self):
        super().__init__("この申請は、画面を表示した後に他の職員または申請者によって更新されました。"
                         "最新の内容を確認してから、もう一度操作してください（入力したコメントは残してあります）")


class CommentRequired(MoveRefused):
    status_code = 400


class UnknownAssignee(MoveRefused):
    status_code = 400


class PaymentRequired(MoveRefused):
    """承認 or 交付 of an application whose fee has not been received (formsvc.review.payments)."""


def actor_name(user: StaffUser) -> str:
    """How staff appear in the event trail (stable: the account name, not the display name)."""
    return f"staff:{user.username}"


def moves_from(current: str) -> list[Move]:
    return [move for move in MOVES if move.source == current]


def available_moves(submission: Submission, user: StaffUser) -> list[Move]:
    """The moves ``user`` may make on ``submission`` as it is now (what the detail page offers)."""
    return [move for move in moves_from(submission.status) if _may(move, submission.assignee_id, user)]


def _may(move: Move, assignee_id: int | None, user: StaffUser) -> bool:
    if not user.has_role(*move.roles):
        return False
    if move.name == "claim":
        return assignee_id in (None, user.id)
    if move.assignee_only and assignee_id != user.id:
        return _for_any_assignee(move, user)
    return True


def _for_any_assignee(move: Move, user: StaffUser) -> bool:
    """Whether ``user`` may make an assignee-only move on a submission someone else holds.

    Only through a role the move itself names (an administrator releasing a reviewer's
    submission), never through one it does not: an administrator who is also a reviewer
    decides (承認・却下・差し戻し) only what they hold themselves, as every reviewer does.
    """
    return A in move.roles and user.has_role(A)


def find_move(name: str, current: str, table: dict[tuple[str, str], Move] = BY_KEY) -> Move:
    move = table.get((name, current))
    if move is None:
        if name not in {key[0] for key in table}:
            raise NotPermitted("この操作はありません")
        raise WrongStatus(f"この申請は現在「{status.label(current)}」のため、この操作はできません")
    return move


def perform(session: Session, submission: Submission, name: str, user: StaffUser, *,
            lock_version: int | None, comment: str | None = None, assignee: StaffUser | None = None,
            table: dict[tuple[str, str], Move] = BY_KEY, event_data: dict | None = None,
            mail_lines: list[str] | None = None) -> Move:
    """Make the move ``name`` on ``submission`` as ``user``, or raise a MoveRefused.

    ``lock_version`` is the version the member of staff saw (from the page's form); None only
    for callers with no page (claim-next), which then guard on the version they just read.
    ``event_data`` adds to the event's data (a 差し戻し's ``fields`` and ``due``); ``mail_lines``
    follow the comment in the resident's e-mail (the questions to fix and the deadline, by label).
    The caller commits.
    """
    if name == "claim" and submission.status == status.IN_REVIEW and submission.assignee_id != user.id \
            and user.has_role(*BY_KEY[("claim", status.RECEIVED)].roles):
        raise AlreadyClaimed()  # the page was shown before someone else claimed it
    move = find_move(name, submission.status, table)
    if not user.has_role(*move.roles):
        raise NotPermitted("この操作をする権限がありません")
    comment = (comment or "").strip() or None
    if move.comment_required and not comment:
        raise CommentRequired(f"{move.comment_label[0].split('（')[0]}を入力してください")
    if move.name == "claim" and submission.assignee_id not in (None, user.id):
        raise AlreadyClaimed()
    if not _may(move, submission.assignee_id, user):
        raise NotAssignee()
    if lock_version is not None and lock_version != submission.lock_version:
        raise StaleEdit()
    if move.name == "reassign" and (assignee is None or not assignee.active
                                    or not assignee.has_role(roles.REVIEWER)):
        raise UnknownAssignee("担当者には審査担当の職員を選んでください")
    # Every path to 承認 and 交付 (the detail page, counter same-day issue, …) comes through here.
    refusal = payments.unpaid_refusal(session, submission, move.target) if move.target != move.source else None
    if refusal is not None:
        raise PaymentRequired(refusal)

    seen = submission.lock_version if lock_version is None else lock_version
    guard = [Submission.id == submission.id, Submission.status == move.source, Submission.lock_version == seen]
    values: dict = {"status": move.target, "lock_version": Submission.lock_version + 1, "updated_at": utcnow()}
    if move.name == "claim":
        guard.append(or_(Submission.assignee_id.is_(None), Submission.assignee_id == user.id))
        values["assignee_id"] = user.id
        if _dialect(session) == "postgresql" and _lock_skipping(session, submission.id) is None:
            raise AlreadyClaimed()  # another reviewer is taking it at this very moment
    elif move.assignee_only and not _for_any_assignee(move, user):
        guard.append(Submission.assignee_id == user.id)
    if move.name == "release":
        values["assignee_id"] = None
    if move.name == "reassign":
        assert assignee is not None  # refused above otherwise
        values["assignee_id"] = assignee.id

    previous_assignee = submission.assignee_id
    # An UPDATE's result is a CursorResult (it has the row count); the session types it as any Result.
    result = cast("CursorResult[Any]", session.execute(update(Submission).where(*guard).values(**values)
                                                       .execution_options(synchronize_session=False)))
    changed = result.rowcount
    session.expire(submission)
    if changed != 1:
        raise _why_not(session, submission, move, user, seen)

    data = {"from": move.source, "to": move.target, "staff_id": user.id, "staff_name": user.display_name}
    if move.name in ("claim", "reassign", "release"):
        data["assignee_before"] = previous_assignee
        data["assignee_after"] = values["assignee_id"]
    if assignee is not None:
        data["assignee_name"] = assignee.display_name
    data.update(event_data or {})
    session.add(SubmissionEvent(submission_id=submission.id, kind=move.event, actor=actor_name(user),
                                comment=comment, data=data))
    # A fee already paid goes back after a rejection: marked in this same transaction.
    payments.refund_due_after(session, submission, move.target, actor_name(user), user.display_name)
    if move.notify:
        notifications.notify(session, submission, move.event, "\n".join([comment or "", *(mail_lines or [])]))
    return move


def issue_same_day(session: Session, submission: Submission, user: StaffUser, *, lock_version: int | None,
                   comment: str | None = None) -> Move:
    """交付 at the counter, the same day (SAME_DAY_ISSUE), with the same guards and audit event as
    every move. The caller has checked that the procedure is issued the same day at the counter."""
    return perform(session, submission, SAME_DAY_ISSUE.name, user, lock_version=lock_version, comment=comment,
                   table={SAME_DAY_ISSUE.key: SAME_DAY_ISSUE})


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _lock_skipping(session: Session, submission_id: int) -> int | None:
    return session.scalar(select(Submission.id).where(Submission.id == submission_id)
                          .with_for_update(skip_locked=True))


def _why_not(session: Session, submission: Submission, move: Move, user: StaffUser, seen: int) -> MoveRefused:
    """After a refused guarded UPDATE: what changed under us."""
    session.refresh(submission)
    if move.name == "claim" and (submission.status == status.IN_REVIEW
                                 or submission.assignee_id not in (None, user.id)):
        return AlreadyClaimed()
    if submission.status != move.source:
        return WrongStatus(f"この申請は他の職員または申請者によって「{status.label(submission.status)}」"
                           "に変更されています。最新の内容を確認してください")
    if move.assignee_only and submission.assignee_id != user.id and not _for_any_assignee(move, user):
        return NotAssignee()
    return StaleEdit()


def claim_next(session: Session, user: StaffUser, form_id: str | None = None, attempts: int = 20) -> Submission | None:
    """Claim the oldest submission waiting for a reviewer (optionally of one procedure).

    PostgreSQL hands concurrent callers different rows (FOR UPDATE SKIP LOCKED); elsewhere a
    caller that loses the guarded UPDATE simply tries the next candidate.
    """
    if not user.has_role(*BY_KEY[("claim", status.RECEIVED)].roles):
        raise NotPermitted("この操作をする権限がありません")
    postgres = _dialect(session) == "postgresql"
    tried: set[int] = set()
    for _ in range(attempts):
        query = (select(Submission).where(
            Submission.status == status.RECEIVED,
            or_(Submission.assignee_id.is_(None), Submission.assignee_id == user.id))
            .order_by(Submission.created_at, Submission.id).limit(1))
        if form_id:
            query = query.where(Submission.form_id == form_id)
        if tried:
            query = query.where(Submission.id.not_in(tried))
        if postgres:
            query = query.with_for_update(skip_locked=True)
        candidate = session.scalar(query)
        if candidate is None:
            return None
        try:
            perform(session, candidate, "claim", user, lock_version=None)
        except MoveRefused:
            tried.add(candidate.id)
            continue
        return candidate
    return None
