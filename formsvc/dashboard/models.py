"""Counts the database cannot see by itself, and the monthly rollups the dashboard reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, PrimaryKeyConstraint, String, event, insert, inspect
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow
from formsvc.submissions.models import CounterVisit, Submission, SubmissionEvent
from formsvc.tenants.scoping import TenantOwned


class PaperCount(TenantOwned, Base):
    """Applications received on paper for one procedure in one month, as counted by the office.

    Paper forms never pass through formsvc, yet the online share (オンライン化率) is
    online ÷ (online + counter + paper): the office types the monthly count in.
    """

    __tablename__ = "paper_counts"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM (Japan)
    count: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# --- monthly rollups (formsvc.dashboard.rollups) ------------------------------------------------

class RollupState(Base):
    """One row: whether the rollups were ever built, and when they were last brought up to date.

    Refreshing updates this row first, so two refreshes never run at once (the second waits for
    the first's row lock and then finds nothing left to do)."""

    __tablename__ = "dashboard_rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    built: Mapped[bool] = mapped_column(Boolean, default=False)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RollupChange(Base):
    """An application or counter visit whose figures changed since the last refresh (appended in
    the transaction that changed it; deleted by the refresh that recomputed it)."""

    __tablename__ = "dashboard_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    visit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MonthCount(TenantOwned, Base):
    """Applications received in one month for one procedure through one channel, and how many of
    them were asked to correct, decided, and rejected."""

    __tablename__ = "dashboard_month_counts"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM (Japan), of receipt
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    applications: Mapped[int] = mapped_column(Integer)
    corrected: Mapped[int] = mapped_column(Integer)
    decided: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)


class MonthVisits(TenantOwned, Base):
    """Counter visits begun in one month (書かない窓口; one resident, any number of procedures)."""

    __tablename__ = "dashboard_month_visits"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "month"),)

    month: Mapped[str] = mapped_column(String(7))
    visits: Mapped[int] = mapped_column(Integer)


class MonthDuration(TenantOwned, Base):
    """A histogram bucket of durations for the applications received in one month: processing
    time (``measure`` = "processing") or time spent in a status ("wait:<status>"); or, with no
    procedure (``form_id`` = ""), of how long the counter visits begun that month took ("visit")."""

    __tablename__ = "dashboard_month_durations"
    # The counter visits' row has no procedure (form_id ""): the municipality tells them apart.
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "form_id", "month", "measure", "bucket"),)

    form_id: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    measure: Mapped[str] = mapped_column(String(48))
    bucket: Mapped[int] = mapped_column(Integer)  # see rollups.bucket_of
    count: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)  # the sum of the durations in the bucket


def _changed(_mapper, connection, target) -> None:
    if isinstance(target, CounterVisit):
        values = {"visit_id": target.id}
    else:
        values = {"submission_id": target.submission_id if isinstance(target, SubmissionEvent) else target.id}
    connection.execute(insert(RollupChange).values(**values))


def _changed_what_counts(mapper, connection, target) -> None:
    attributes = inspect(target).attrs
    if any(attributes[name].history.has_changes() for name in ("status", "created_at", "closed_at")
           if name in attributes):
        _changed(mapper, connection, target)


# Every change that moves a figure goes through one of these: an application is made (and its
# 申請 event written), an audit event is written (moves, corrections, decisions), its status is
# set, or a counter visit begins or ends. Registered with the models, so that every process that
# writes them marks its changes.
event.listen(Submission, "after_insert", _changed)
event.listen(Submission, "after_update", _changed_what_counts)
event.listen(SubmissionEvent, "after_insert", _changed)
event.listen(CounterVisit, "after_insert", _changed)
event.listen(CounterVisit, "after_update", _changed_what_counts)
