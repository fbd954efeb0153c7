"""In-app notices for staff (お知らせ): an application of theirs came back corrected.

A resubmission (the answers to a 差し戻し) goes back to the reviewer who had it (the assignee is
kept through a correction): they get a notice, shown as 「お知らせ（N件）」 in the staff menu and
listed at /staff/notices. Staff accounts have no e-mail address, so the notice is in the app only;
a procedure's shared mailbox is e-mailed of every new and corrected application
(formsvc.review.notifications.notify_staff).

A notice says which application (受付番号, procedure) and what happened — never the applicant's
name or answers: the detail page, with its access log, is where those are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, ForeignKey, Index, Integer, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow
from formsvc.staff import roles
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission
from formsvc.tenants.scoping import TenantOwned

NEW = "new"
RESUBMITTED = "resubmitted"
KIND_LABELS = {
    NEW: ("新しい申請", "New application"),
    RESUBMITTED: ("修正された申請（再提出）", "Corrected application (resubmitted)"),
}
# Who has notices: those who open applications (the link goes to the detail page).
ROLES = (roles.REVIEWER, roles.COUNTER, roles.ADMIN)
LISTED = 100  # the newest; older ones are history, reached through the queue


class StaffNotice(TenantOwned, Base):
    """One notice to one staff member about one application."""

    __tablename__ = "staff_notices"
    __table_args__ = (Index("ix_staff_notices_staff_id_read_at", "staff_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def tell_assignee(session: Session, submission: Submission) -> StaffNotice | None:
    """A resubmission: a notice for the reviewer it is assigned to (None: nobody has it, or their
    account is closed). In the caller's transaction."""
    if submission.assignee_id is None:
        return None
    assignee = session.get(StaffUser, submission.assignee_id)
    if assignee is None or not assignee.active:
        return None
    notice = StaffNotice(staff_id=assignee.id, submission_id=submission.id, kind=RESUBMITTED, created_at=utcnow())
    session.add(notice)
    return notice


def unread_count(session: Session, staff_id: int) -> int:
    return session.scalar(select(func.count(StaffNotice.id))
                          .where(StaffNotice.staff_id == staff_id, StaffNotice.read_at.is_(None))) or 0


@dataclass(frozen=True)
class Listed:
    notice: StaffNotice
    reception_number: str
    form_id: str


def listed(session: Session, staff_id: int) -> list[Listed]:
    """This staff member's notices, unread first, newest first (never anyone else's)."""
    rows = session.execute(
        select(StaffNotice, Submission.reception_number, Submission.form_id)
        .join(Submission, Submission.id == StaffNotice.submission_id)
        .where(StaffNotice.staff_id == staff_id)
        .order_by(StaffNotice.read_at.is_not(None), StaffNotice.created_at.desc(), StaffNotice.id.desc())
        .limit(LISTED)).all()
    return [Listed(notice, number, form_id) for notice, number, form_id in rows]


def mark_read(session: Session, staff_id: int, notice_id: int | None) -> int:
    """Mark one notice (``notice_id``) or all of them (None) read; only this staff member's
    own are touched. How many changed (0: none of theirs by that id, or already read)."""
    statement = (update(StaffNotice)
                 .where(StaffNotice.staff_id == staff_id, StaffNotice.read_at.is_(None))
                 .values(read_at=utcnow()).execution_options(synchronize_session=False))
    if notice_id is not None:
        statement = statement.where(StaffNotice.id == notice_id)
    return cast(CursorResult, session.execute(statement)).rowcount  # an UPDATE's result: it has a rowcount
