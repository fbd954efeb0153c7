"""保存期間: applications are disposed of when their procedure's retention period has run out.

A Japanese municipality keeps a document for its 保存期間 counted from 1 April of the fiscal year
after the one in which the matter was closed (文書管理規程: 完結した日の属する年度の翌年度の4月1日
起算). An application closed on 2026-12-07 (fiscal 2026) with 5 years is kept until 2032-03-31 and
disposed of from 2032-04-01. Only closed applications (承認・却下・完了・取下げ) are ever disposed
of; the version an application was made against says how long (``retention.years``).

Disposal deletes the application with everything personal hanging from it (history, files,
notices, mail waiting or sent, the draft it came from) and writes one line in the 廃棄記録:
which application, of which procedure, closed when, kept how long, disposed when — no personal
data. Payments stay (accounting keeps them under its own rules), no longer linked to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import CursorResult, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from formsvc import clock
from formsvc.clock import JST
from formsvc.db import Base, UTCDateTime, utcnow
from formsvc.forms.catalog import version_by_id
from formsvc.forms.models import FormVersion
from formsvc.jobs.municipalities import each_municipality
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext
from formsvc.review.models import OutboxMessage
from formsvc.submissions import status
from formsvc.submissions.models import Draft, Submission, Upload
from formsvc.submissions.storage import delete_stored
from formsvc.tenants.scoping import TenantOwned

BATCH = 500  # applications disposed of per job: a long backlog is worked off night by night


class Disposal(TenantOwned, Base):
    """One line of the 廃棄記録."""

    __tablename__ = "disposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reception_number: Mapped[str] = mapped_column(String(16), index=True)
    form_id: Mapped[str] = mapped_column(String(64))
    form_title: Mapped[str] = mapped_column(String(200))
    version_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retention_years: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str | None] = mapped_column(String(200), nullable=True)
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def fiscal_year(day: date) -> int:
    """年度: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def disposable_from(closed_at: datetime, years: int) -> date:
    """The first day an application closed at ``closed_at`` may be disposed of."""
    return date(fiscal_year(closed_at.astimezone(JST).date()) + 1 + years, 4, 1)


def closed_before(today: date, years: int) -> datetime:
    """Applications closed before this moment have run out their ``years`` by ``today``:
    disposable_from(closed) <= today  ⇔  fiscal_year(closed) <= fiscal_year(today) − 1 − years."""
    return datetime(fiscal_year(today) - years, 4, 1, tzinfo=JST)


@dataclass(frozen=True)
class _Policy:
    version_id: int
    version_number: int
    title: str
    years: int
    basis: str | None


def _policies(session: Session) -> list[_Policy]:
    found = []
    for version_id, number in session.execute(select(FormVersion.id, FormVersion.number)).all():
        compiled = version_by_id(session, version_id, channel=None)
        if compiled is None:
            continue
        retention = compiled.definition.retention
        found.append(_Policy(version_id, number, compiled.definition.title.ja, retention.years,
                             str(retention.basis) if retention.basis else None))
    return found


def dispose_expired(session: Session, today: date | None = None, limit: int = BATCH) -> int:
    """Dispose of up to ``limit`` closed applications whose retention has run out; how many."""
    today = today or clock.today()
    closed = [code for code in status.LABELS if code not in status.OPEN]
    disposed = 0
    for policy in _policies(session):
        if disposed >= limit:
            break
        expired = session.scalars(
            select(Submission).where(Submission.version_id == policy.version_id, Submission.status.in_(closed),
                                     Submission.updated_at < closed_before(today, policy.years))
            .order_by(Submission.id).limit(limit - disposed)).all()
        for submission in expired:
            session.add(Disposal(
                reception_number=submission.reception_number, form_id=submission.form_id,
                form_title=policy.title[:200], version_number=policy.version_number, status=submission.status,
                received_at=submission.created_at, closed_at=submission.updated_at,
                retention_years=policy.years, basis=policy.basis and policy.basis[:200]))
        ids = [submission.id for submission in expired]
        if not ids:
            continue
        drafts = [submission.draft_id for submission in expired if submission.draft_id is not None]
        session.execute(delete(OutboxMessage).where(OutboxMessage.submission_id.in_(ids)))
        # Its files, and those its drafts held but did not send: their stored objects too, once
        # this commits (FORMSVC_UPLOAD_STORAGE; a cascade would leave them in the folder or bucket).
        delete_stored(session, Upload.submission_id.in_(ids))
        if drafts:
            delete_stored(session, Upload.draft_id.in_(drafts), Upload.submission_id.is_(None))
            session.execute(delete(Draft).where(Draft.id.in_(drafts)))
        # History, files and staff notices go with it (ON DELETE CASCADE); payments are unlinked.
        result = cast(CursorResult, session.execute(delete(Submission).where(Submission.id.in_(ids))
                                                    .execution_options(synchronize_session=False)))
        disposed += result.rowcount
    return disposed


@kind("dispose_expired", label=("保存期間を過ぎた申請の廃棄", "Disposing of applications past retention"),
      every={"hour": "18", "minute": "17"})  # 03:17 Japan time (the queue's clock is UTC)
def dispose_expired_job(ctx: JobContext) -> None:
    ctx.job.progress_total = dispose_everywhere(ctx.session)  # shown as done / total when it finishes


def dispose_everywhere(session: Session, today: date | None = None, limit: int = BATCH) -> int:
    """``dispose_expired`` for each municipality in turn (up to ``limit`` each; its 廃棄記録 lines
    are its own); how many in all."""
    return sum(dispose_expired(session, today, limit) for _tenant in each_municipality(session))
