"""The dashboard's figures: each one grouped query, by procedure and month (Japan time).

A figure is a list of plain rows; the page draws them as a chart with its data table, and each
can be downloaded as CSV. Percentiles are nearest-rank (⌈n×p/100⌉-th of the sorted values),
computed in the database with window functions, so the same SQL answers on SQLite and PostgreSQL
and a million submissions never travel to Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from formsvc.dashboard.models import PaperCount
from formsvc.dashboard.periods import Period
from formsvc.dashboard.sql import month_in_japan, nearest_rank, seconds_between, value_at_rank
from formsvc.submissions import abandonment, channels, status
from formsvc.submissions.models import CounterVisit, DraftAbandonment, Submission, SubmissionEvent

PAPER = "paper"
CHANNELS = (channels.ONLINE, channels.COUNTER, PAPER)
CHANNEL_LABELS = {**channels.LABELS, PAPER: "紙"}
# 受付→完了: the decision that ends the office's work (承認・却下, or 交付 when issued the same day).
DECIDING_EVENTS = ("approved", "rejected", "completed")
DECIDED = (status.APPROVED, status.REJECTED, status.COMPLETED)
# Events after which the application is in a status other than the one the move names.
ENTERS_RECEIVED = ("submitted", "resubmitted")


# --- applications by channel and the online share -------------------------------------------

@dataclass
class ChannelCounts:
    online: int = 0
    counter: int = 0
    paper: int = 0

    @property
    def total(self) -> int:
        return self.online + self.counter + self.paper

    @property
    def online_share(self) -> float | None:
        """オンライン化率: online ÷ every application (None when there were none)."""
        return self.online / self.total if self.total else None

    def add(self, channel: str, count: int) -> None:
        setattr(self, channel, getattr(self, channel) + count)


def channel_counts(session: Session, period: Period, form_ids: Sequence[str]) -> dict[tuple[str, str], ChannelCounts]:
    """(form id, month) → applications by channel, paper counts included."""
    month = month_in_japan(Submission.created_at)
    rows = session.execute(
        select(Submission.form_id, month, Submission.channel, func.count())
        .where(*_in_period(Submission.created_at, period), Submission.form_id.in_(form_ids))
        .group_by(Submission.form_id, month, Submission.channel))
    found: dict[tuple[str, str], ChannelCounts] = {}
    for form_id, month_text, channel, count in rows:
        if channel in CHANNELS:
            found.setdefault((form_id, month_text), ChannelCounts()).add(channel, count)
    for paper in session.scalars(select(PaperCount).where(
            PaperCount.form_id.in_(form_ids), PaperCount.month.between(period.first, period.last))):
        found.setdefault((paper.form_id, paper.month), ChannelCounts()).add(PAPER, paper.count)
    return found


def totals(counts: dict[tuple[str, str], ChannelCounts], by: str) -> dict[str, ChannelCounts]:
    """The counts summed by procedure (``by="form"``) or by month (``by="month"``)."""
    summed: dict[str, ChannelCounts] = {}
    for (form_id, month), each in counts.items():
        key = form_id if by == "form" else month
        into = summed.setdefault(key, ChannelCounts())
        for channel in CHANNELS:
            into.add(channel, getattr(each, channel))
    return summed


# --- processing time and time in each status --------------------------------------------------

@dataclass(frozen=True)
class Spread:
    """How long something took: how many, the median and the 90th percentile, in seconds."""

    count: int
    median: float
    p90: float


def _spreads(session: Session, durations: Select, keys: Sequence[str]) -> dict[tuple, Spread]:
    """Nearest-rank median and 90th percentile of ``durations`` (columns ``keys`` + ``seconds``)
    per key, in one query: PostgreSQL's ``percentile_disc`` (one sort per group), or on SQLite,
    which has no percentile aggregate, the same ranks picked with window functions."""
    inner = durations.subquery("durations")
    key_columns = [inner.c[key] for key in keys]
    if session.get_bind().dialect.name == "postgresql":
        statement = select(*key_columns, func.count(),
                           func.percentile_disc(0.5).within_group(inner.c.seconds),
                           func.percentile_disc(0.9).within_group(inner.c.seconds)).group_by(*key_columns)
    else:
        ranked = select(
            *key_columns, inner.c.seconds,
            func.row_number().over(partition_by=key_columns, order_by=inner.c.seconds).label("rank"),
            func.count().over(partition_by=key_columns).label("n"),
        ).subquery("ranked")
        grouped = [ranked.c[key] for key in keys]
        statement = select(
            *grouped, ranked.c.n,
            value_at_rank(ranked.c.rank, nearest_rank(ranked.c.n, 50), ranked.c.seconds),
            value_at_rank(ranked.c.rank, nearest_rank(ranked.c.n, 90), ranked.c.seconds),
        ).group_by(*grouped, ranked.c.n)
    return {tuple(row[:len(keys)]): Spread(int(row[len(keys)]), float(row[-2]), float(row[-1]))
            for row in session.execute(statement)}


def processing_times(session: Session, period: Period, form_ids: Sequence[str],
                     by: Sequence[str] = ("form_id",)) -> dict[tuple, Spread]:
    """受付→完了 for the applications of the period that were decided, by ``by`` (form_id, month)."""
    decided_at = func.min(SubmissionEvent.created_at)
    columns = {"form_id": Submission.form_id, "month": month_in_japan(Submission.created_at)}
    durations: Select = (select(*(columns[key].label(key) for key in by),
                                seconds_between(decided_at, Submission.created_at).label("seconds"))
                 .join(SubmissionEvent, and_(SubmissionEvent.submission_id == Submission.id,
                                             SubmissionEvent.kind.in_(DECIDING_EVENTS)))
                 .where(*_in_period(Submission.created_at, period), Submission.form_id.in_(form_ids))
                 .group_by(Submission.id, *(columns[key] for key in by), Submission.created_at))
    return _spreads(session, durations, by)


def status_waits(session: Session, period: Period, form_ids: Sequence[str],
                 by: Sequence[str] = ("status",)) -> dict[tuple, Spread]:
    """How long applications stayed in each status before moving on (still there: not counted)."""
    entered = case((SubmissionEvent.kind.in_(ENTERS_RECEIVED), literal(status.RECEIVED)),
                   (SubmissionEvent.kind == "withdrawn", literal(status.WITHDRAWN)),
                   else_=SubmissionEvent.data["to"].as_string())
    changes = (select(SubmissionEvent.submission_id, Submission.form_id,
                      entered.label("status"), SubmissionEvent.created_at.label("entered_at"),
                      func.lead(SubmissionEvent.created_at).over(
                          partition_by=SubmissionEvent.submission_id,
                          order_by=SubmissionEvent.id).label("left_at"))
               .join(Submission, Submission.id == SubmissionEvent.submission_id)
               .where(*_in_period(Submission.created_at, period), Submission.form_id.in_(form_ids),
                      or_(SubmissionEvent.kind.in_((*ENTERS_RECEIVED, "withdrawn")),
                          SubmissionEvent.data["to"].as_string().is_not(None)))
               .subquery("changes"))
    durations = (select(*(changes.c[key].label(key) for key in by),
                        seconds_between(changes.c.left_at, changes.c.entered_at).label("seconds"))
                 .where(changes.c.left_at.is_not(None)))
    return _spreads(session, durations, by)


# --- correction and rejection rates -------------------------------------------------------------

@dataclass(frozen=True)
class Rates:
    applications: int
    corrected: int   # asked at least once to correct (差し戻し)
    decided: int     # 承認・却下・交付
    rejected: int

    @property
    def correction_rate(self) -> float | None:
        return self.corrected / self.applications if self.applications else None

    @property
    def rejection_rate(self) -> float | None:
        return self.rejected / self.decided if self.decided else None


def rates(session: Session, period: Period, form_ids: Sequence[str],
          by: Sequence[str] = ("form_id",)) -> dict[tuple, Rates]:
    columns = {"form_id": Submission.form_id, "month": month_in_japan(Submission.created_at)}
    corrected = (select(SubmissionEvent.submission_id)
                 .where(SubmissionEvent.kind == "correction_requested").distinct().subquery("corrected"))
    keys = [columns[key] for key in by]
    rows = session.execute(
        select(*keys, func.count(),
               func.count(distinct(corrected.c.submission_id)),
               func.sum(case((Submission.status.in_(DECIDED), 1), else_=0)),
               func.sum(case((Submission.status == status.REJECTED, 1), else_=0)))
        .outerjoin(corrected, corrected.c.submission_id == Submission.id)
        .where(*_in_period(Submission.created_at, period), Submission.form_id.in_(form_ids))
        .group_by(*keys))
    n = len(by)
    return {tuple(row[:n]): Rates(int(row[n]), int(row[n + 1]), int(row[n + 2] or 0), int(row[n + 3] or 0))
            for row in rows}


# --- counter visits -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Visits:
    month: str
    count: int
    duration: Spread | None   # of the visits that were closed (受付を終える)


def counter_visits(session: Session, period: Period) -> list[Visits]:
    """Counter visits (one resident, any number of procedures) per month, and how long they took."""
    month = month_in_japan(CounterVisit.created_at)
    counts: dict[str, int] = {found: int(count) for found, count in session.execute(
        select(month, func.count()).where(*_in_period(CounterVisit.created_at, period)).group_by(month))}
    durations = (select(month.label("month"),
                        seconds_between(CounterVisit.closed_at, CounterVisit.created_at).label("seconds"))
                 .where(*_in_period(CounterVisit.created_at, period), CounterVisit.closed_at.is_not(None)))
    spreads = _spreads(session, durations, ("month",))
    return [Visits(m, int(counts.get(m, 0)), spreads.get((m,))) for m in period.months() if counts.get(m)]


# --- where residents abandon ----------------------------------------------------------------------

@dataclass
class DropOff:
    stopped: Counter[str] = field(default_factory=Counter)  # page id (or "check") → drafts that stopped there
    submitted_online: int = 0

    @property
    def abandoned(self) -> int:
        return sum(self.stopped.values())

    @property
    def abandonment_rate(self) -> float | None:
        started = self.abandoned + self.submitted_online
        return self.abandoned / started if started else None


def drop_off(session: Session, period: Period, form_ids: Sequence[str], now: datetime) -> dict[str, DropOff]:
    """Per procedure: where the online applications started in the period and never sent stopped
    (the kept tally of purged drafts, and expired drafts not yet purged), against those sent."""
    found: dict[str, DropOff] = {form_id: DropOff() for form_id in form_ids}
    wanted = set(form_ids)
    for row in session.scalars(select(DraftAbandonment).where(
            DraftAbandonment.form_id.in_(form_ids), DraftAbandonment.month.between(period.first, period.last))):
        found[row.form_id].stopped[row.page_id] += row.count
    for (form_id, month, page_id), count in abandonment.abandoned(session, now).items():
        if form_id in wanted and period.first <= month <= period.last:
            found[form_id].stopped[page_id] += count
    sent = session.execute(
        select(Submission.form_id, func.count())
        .where(*_in_period(Submission.created_at, period), Submission.form_id.in_(form_ids),
               Submission.channel == channels.ONLINE)
        .group_by(Submission.form_id))
    for form_id, count in sent:
        found[form_id].submitted_online = int(count)
    return found


def _in_period(column, period: Period) -> Iterable:
    return column >= period.start, column < period.end
