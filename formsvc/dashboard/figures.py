"""The dashboard's figures, by procedure and month (Japan time).

A figure is a list of plain rows; the page draws them as a chart with its data table, and each
can be downloaded as CSV. Figures about applications read the monthly rollups
(``formsvc.dashboard.rollups``, refreshed before the page reads them), so their cost grows with
procedures × months, not with applications or visits; paper counts and abandoned drafts are read
as they are. Percentiles are nearest-rank (⌈n×p/100⌉-th of the sorted values), from the
rollups' histograms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formsvc.dashboard import rollups
from formsvc.dashboard.models import MonthCount, MonthDuration, MonthVisits, PaperCount
from formsvc.dashboard.periods import Period
from formsvc.dashboard.rollups import Spread
from formsvc.submissions import abandonment, channels
from formsvc.submissions.models import DraftAbandonment

PAPER = "paper"
CHANNELS = (channels.ONLINE, channels.COUNTER, PAPER)
CHANNEL_LABELS = {**channels.LABELS, PAPER: "紙"}


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
    rows = session.execute(select(MonthCount.form_id, MonthCount.month, MonthCount.channel, MonthCount.applications)
                           .where(*_rollup_rows(MonthCount, period, form_ids)))
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

def processing_times(session: Session, period: Period, form_ids: Sequence[str],
                     by: Sequence[str] = ("form_id",)) -> dict[tuple, Spread]:
    """受付→完了 for the applications of the period that were decided, by ``by`` (form_id, month)."""
    return _spreads(session, period, form_ids, by, MonthDuration.measure == rollups.PROCESSING)


def status_waits(session: Session, period: Period, form_ids: Sequence[str],
                 by: Sequence[str] = ("status",)) -> dict[tuple, Spread]:
    """How long applications stayed in each status before moving on (still there: not counted),
    by ``by`` (form_id, month, status)."""
    return _spreads(session, period, form_ids, by, MonthDuration.measure.startswith(rollups.WAIT))


def _spreads(session: Session, period: Period, form_ids: Sequence[str], by: Sequence[str], measures) -> dict:
    columns = {"form_id": MonthDuration.form_id, "month": MonthDuration.month, "status": MonthDuration.measure}
    keys = [columns[key] for key in by]
    rows = session.execute(
        select(*keys, MonthDuration.bucket, func.sum(MonthDuration.count), func.sum(MonthDuration.seconds))
        .where(measures, *_rollup_rows(MonthDuration, period, form_ids))
        .group_by(*keys, MonthDuration.bucket))
    n = len(by)
    status_at = by.index("status") if "status" in by else None

    def key_of(row) -> tuple:
        key = list(row[:n])
        if status_at is not None:
            key[status_at] = key[status_at].removeprefix(rollups.WAIT)
        return tuple(key)

    return rollups.spreads((key_of(row), int(row[n]), int(row[n + 1]), float(row[n + 2])) for row in rows)


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
    columns = {"form_id": MonthCount.form_id, "month": MonthCount.month}
    keys = [columns[key] for key in by]
    rows = session.execute(
        select(*keys, func.sum(MonthCount.applications), func.sum(MonthCount.corrected),
               func.sum(MonthCount.decided), func.sum(MonthCount.rejected))
        .where(*_rollup_rows(MonthCount, period, form_ids)).group_by(*keys))
    n = len(by)
    return {tuple(row[:n]): Rates(*(int(value) for value in row[n:])) for row in rows}


# --- counter visits -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Visits:
    month: str
    count: int
    duration: Spread | None   # of the visits that were closed (受付を終える)


def counter_visits(session: Session, period: Period) -> list[Visits]:
    """Counter visits (one resident, any number of procedures) per month, and how long they took."""
    counts = dict(session.execute(select(MonthVisits.month, MonthVisits.visits)
                                  .where(MonthVisits.month.between(period.first, period.last))).all())
    spreads = _spreads(session, period, [rollups.VISITS], ("month",), MonthDuration.measure == rollups.VISIT)
    return [Visits(m, int(counts[m]), spreads.get((m,))) for m in period.months() if counts.get(m)]


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
        select(MonthCount.form_id, func.sum(MonthCount.applications))
        .where(*_rollup_rows(MonthCount, period, form_ids), MonthCount.channel == channels.ONLINE)
        .group_by(MonthCount.form_id))
    for form_id, count in sent:
        found[form_id].submitted_online = int(count)
    return found


def _rollup_rows(table: type[MonthCount] | type[MonthDuration], period: Period, form_ids: Sequence[str]) -> Iterable:
    return table.form_id.in_(form_ids), table.month.between(period.first, period.last)
