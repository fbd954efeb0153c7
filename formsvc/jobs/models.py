"""Jobs and the files they make."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned

# queued  – waiting for a worker (not before ``not_before``: a retry waits its backoff);
# waiting – waiting for other jobs first (a batch waits for its chunks);
# running – claimed by ``worker``, which renews ``heartbeat_at`` while it works;
# done    – finished, exactly once: its results were committed with this state;
# failed  – given up after ``max_attempts`` (a dead letter, listed for administrators).
STATES = ("queued", "waiting", "running", "done", "failed")


class Job(TenantOwned, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_state_not_before", "state", "not_before"),
        Index("ix_jobs_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(48))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    # Ids and settings only, never personal data: the job reads what it needs when it runs.
    payload: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), nullable=True)
    # A periodic job's slot ("purge_drafts:2026-12-07T15"): unique, so that two workers'
    # schedulers starting the same slot make one job.
    unique_key: Mapped[str | None] = mapped_column(String(100), nullable=True, unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(255), nullable=True)
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # a staff username
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class JobFile(TenantOwned, Base):
    """A file a job made: its result for download, or a part another job joins."""

    __tablename__ = "job_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
