"""受付期間: which published version of a procedure residents get on a given day.

A definition may say ``valid_from`` / ``valid_until`` (both days included; either may be left
out). Publishing copies them to the version (FormVersion.valid_from / valid_until), so that
next 年度's version can be published ahead of its first day while this year's stays in force,
and takes over on its day without anyone doing anything.

The rule, for a day D (one rule for the portal, the start page, the counter and the admin page):

1. A version is *replaced* on D when a newer version (a higher number) starts on or after the
   day it starts, and has started by D. No valid_from counts as "from the beginning", so a
   newer version without valid_from replaces every older one that has no valid_from either:
   ordinary edits work as they always did, and a newer version with a valid_until closes the
   procedure after that day (the older, open-ended version does not come back).
2. Of the versions not replaced on D whose period contains D, the newest is in force.
3. None: the procedure is not open on D. It is *upcoming* when some version comes into force
   later (the notice gives that day), else *closed* (the notice gives the last day it was open).

A version published later that starts before an older one does not replace it: a correction of
this year's version (valid_until: 2027-03-31) published after next year's (valid_from:
2027-04-01) leaves next year's in force from 1 April.

On top of the days, a procedure may have an opening and a closing *moment* (Form.opens_at /
closes_at, Japan time on the admin's 受付期間 page, in force at once without publishing):
``timed`` makes an open procedure 受付開始前 before opens_at and 受付終了 from closes_at (the
closing moment itself is closed). A draft follows the same rule as for the days: it is sent only
before closes_at (``sending_closed``); a correction the staff asked for (補正) always is.
Scheduled versions (FormVersion.effective_at) are left out by formsvc.forms.catalog until their
moment: before it they do not exist for residents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, Literal, Protocol, TypeVar

from formsvc.clock import JST
from formsvc.vocabulary.values import format_date


class Dated(Protocol):
    """A published version's number and 受付期間 (FormVersion is one)."""

    @property
    def number(self) -> int: ...

    @property
    def valid_from(self) -> date | None: ...

    @property
    def valid_until(self) -> date | None: ...


V = TypeVar("V", bound=Dated)
W = TypeVar("W")
X = TypeVar("X")

State = Literal["open", "upcoming", "closed"]
OPEN: State = "open"
UPCOMING: State = "upcoming"
CLOSED: State = "closed"


def starts(version: Dated) -> date:
    return version.valid_from or date.min


def ends(version: Dated) -> date:
    return version.valid_until or date.max


def contains(version: Dated, day: date) -> bool:
    return starts(version) <= day <= ends(version)


def ended(valid_until: date | None, day: date) -> bool:
    """Whether a period ending on ``valid_until`` (inclusive) is over on ``day``."""
    return valid_until is not None and day > valid_until


def replaced(version: Dated, versions: Sequence[Dated], day: date) -> bool:
    return any(other.number > version.number and starts(version) <= starts(other) <= day
               for other in versions)


def in_force(versions: Sequence[V], day: date) -> V | None:
    """The version residents get on ``day``: see the module's rule."""
    live = [v for v in versions if contains(v, day) and not replaced(v, versions, day)]
    return max(live, key=lambda v: v.number, default=None)


def next_in_force(versions: Sequence[V], day: date) -> tuple[date, V] | None:
    """The first day after ``day`` on which a version is in force, and that version."""
    # A version comes into force only on a day some version starts or another one ends.
    changes = sorted({d for v in versions for d in (v.valid_from, _day_after(v.valid_until))
                      if d is not None and d > day})
    for change in changes:
        version = in_force(versions, change)
        if version is not None:
            return change, version
    return None


def last_in_force(versions: Sequence[V], day: date) -> tuple[date, V] | None:
    """The last day before ``day`` on which a version was in force, and that version. The
    procedure stops being open only after a valid_until (a replaced version hands over to the
    one that replaced it, which is in force on its first day)."""
    for until in sorted({v.valid_until for v in versions if v.valid_until is not None and v.valid_until < day},
                        reverse=True):
        version = in_force(versions, until)
        if version is not None:
            return until, version
    return None


def _day_after(day: date | None) -> date | None:
    return day + timedelta(days=1) if day is not None and day < date.max else None


@dataclass(frozen=True)
class Reception(Generic[W]):
    """Whether a procedure takes applications on a day, with the version to show: the one in
    force (open), the one coming (upcoming) or the last one in force (closed)."""

    state: State
    version: W
    opens_on: date | None = None
    closed_on: date | None = None
    # The shown version's period, for the start page's 受付期間.
    valid_from: date | None = None
    valid_until: date | None = None
    # The procedure's opening and closing moments (Form.opens_at / closes_at), when set.
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # The state comes from those moments (受付開始前 / 受付終了 with the time), not from the days.
    by_time: bool = False

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    def notice(self, locale: str = "ja") -> str | None:
        """What residents read on a procedure that is not open: when it opens, or that it closed."""
        if self.by_time and self.state == UPCOMING and self.opens_at is not None:
            return (f"Not open yet (from {english_datetime(self.opens_at)})." if locale == "en"
                    else f"受付開始前（{japanese_datetime(self.opens_at)}から）")
        if self.by_time and self.state == CLOSED and self.closes_at is not None:
            return (f"Closed (applications were accepted until {english_datetime(self.closes_at)})."
                    if locale == "en" else f"受付終了（{japanese_datetime(self.closes_at)}まで）")
        if self.state == UPCOMING and self.opens_on is not None:
            return (f"Applications for this procedure open on {english_date(self.opens_on)}." if locale == "en"
                    else f"この手続きは{japanese_date(self.opens_on)}から受け付けます")
        if self.state == CLOSED:
            if self.closed_on is None:
                return ("Applications for this procedure have closed." if locale == "en"
                        else "この手続きの受付は終了しました")
            return (f"Applications closed on {english_date(self.closed_on)}." if locale == "en"
                    else f"受付期間は{japanese_date(self.closed_on)}で終了しました")
        return None

    def period(self, locale: str = "ja") -> str | None:
        """The open version's 受付期間 in words, or None when it has no dates. The procedure's
        moments, when set, say more than the version's days."""
        if self.opens_at is not None or self.closes_at is not None:
            return moments_text(self.opens_at, self.closes_at, self.valid_from, self.valid_until, locale)
        return period_text(self.valid_from, self.valid_until, locale)

    def with_version(self, version: X) -> Reception[X]:
        """The same reception with the version as something else (its compiled definition)."""
        return Reception(self.state, version, self.opens_on, self.closed_on, self.valid_from, self.valid_until,
                         self.opens_at, self.closes_at, self.by_time)


def timed(found: Reception[V] | None, opens_at: datetime | None, closes_at: datetime | None,
          now: datetime) -> Reception[V] | None:
    """``found`` (by the days) with the procedure's opening and closing moments applied at ``now``."""
    if found is None or (opens_at is None and closes_at is None):
        return found
    state, by_time = found.state, False
    if closes_at is not None and now >= closes_at:
        state, by_time = CLOSED, True
    elif opens_at is not None and now < opens_at and (
            found.state == OPEN
            or (found.state == UPCOMING and found.opens_on is not None
                and opens_at.astimezone(JST).date() >= found.opens_on)):
        state, by_time = UPCOMING, True
    return Reception(state, found.version, found.opens_on, found.closed_on, found.valid_from, found.valid_until,
                     opens_at, closes_at, by_time)


def scheduled_only(version: V, effective_at: datetime, opens_at: datetime | None,
                   closes_at: datetime | None, now: datetime) -> Reception[V]:
    """A procedure whose only versions are scheduled (公開予約): 受付開始前 until the first one's moment
    (or the procedure's opening moment, if later)."""
    opening = max(effective_at, opens_at) if opens_at is not None else effective_at
    if closes_at is not None and closes_at <= max(now, opening):
        return Reception(CLOSED, version, valid_from=version.valid_from, valid_until=version.valid_until,
                         opens_at=opening, closes_at=closes_at, by_time=True)
    return Reception(UPCOMING, version, opens_on=opening.astimezone(JST).date(), valid_from=version.valid_from,
                     valid_until=version.valid_until, opens_at=opening, closes_at=closes_at, by_time=True)


def reception(versions: Sequence[V], day: date) -> Reception[V] | None:
    """Whether the procedure with these published ``versions`` is open on ``day``; None when it
    has no version at all."""
    if not versions:
        return None
    current = in_force(versions, day)
    if current is not None:
        return Reception(OPEN, current, valid_from=current.valid_from, valid_until=current.valid_until)
    coming = next_in_force(versions, day)
    if coming is not None:
        return Reception(UPCOMING, coming[1], opens_on=coming[0], valid_from=coming[1].valid_from,
                         valid_until=coming[1].valid_until)
    last = last_in_force(versions, day)
    closed_on: date | None
    if last is not None:
        closed_on, shown = last
    else:  # never in force (no version's period has begun or ended yet): the newest, as it says
        shown = max(versions, key=lambda v: v.number)
        closed_on = shown.valid_until
    return Reception(CLOSED, shown, closed_on=closed_on, valid_from=shown.valid_from, valid_until=shown.valid_until)


@dataclass(frozen=True)
class VersionState:
    """One version's place on the admin page: in force today, scheduled (予定) from a day, or
    neither (its period is over, or a newer version took its place)."""

    state: Literal["in_force", "scheduled", "past"]
    from_day: date | None = None


def version_states(versions: Sequence[V], day: date) -> dict[int, VersionState]:
    """Each version's state on ``day``, by version number."""
    current = in_force(versions, day)
    states = {v.number: VersionState("past") for v in versions}
    if current is not None:
        states[current.number] = VersionState("in_force")
    changes = sorted({d for v in versions for d in (v.valid_from, _day_after(v.valid_until))
                      if d is not None and d > day})
    for change in changes:
        coming = in_force(versions, change)
        if coming is not None and states[coming.number].state == "past":
            states[coming.number] = VersionState("scheduled", change)
    return states


def sending_closed(valid_until: date | None, day: date, locale: str = "ja", correction: bool = False,
                   closes_at: datetime | None = None, now: datetime | None = None) -> str | None:
    """Why a draft on a version whose 受付期間 ends ``valid_until`` cannot be sent on ``day``; None:
    it can. A draft keeps the version it started on and is sent only within its period; a
    correction the staff asked for (補正) answers an application received in time: always sent.
    ``closes_at``: the procedure's closing moment (sent only before it, at ``now``)."""
    if correction:
        return None
    if closes_at is not None and now is not None and now >= closes_at:
        return closed_at_message(closes_at, locale)
    if valid_until is None or not ended(valid_until, day):
        return None
    return sending_closed_message(valid_until, locale)


def closed_at_message(closes_at: datetime, locale: str = "ja") -> str:
    """Why a draft cannot be sent: the procedure's 受付 closed at ``closes_at``."""
    if locale == "en":
        return (f"Applications were accepted until {english_datetime(closes_at)}, "
                "so this application cannot be sent.")
    return f"この申請の受付は{japanese_datetime(closes_at)}で終了したため、送信できません。"


def sending_closed_message(valid_until: date, locale: str = "ja") -> str:
    """Why a draft cannot be sent: its version's 受付期間 is over (drafts keep their version)."""
    if locale == "en":
        return (f"Applications on this form were accepted until {english_date(valid_until)}, "
                "so this application cannot be sent.")
    return f"この申請の受付期間は{japanese_date(valid_until)}で終了したため、送信できません。"


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def english_date(day: date) -> str:
    return format_date(day, "en")


def japanese_datetime(moment: datetime) -> str:
    """「2027年4月1日 9時00分」 in Japan time."""
    local = moment.astimezone(JST)
    return f"{japanese_date(local.date())} {local.hour}時{local.minute:02d}分"


def english_datetime(moment: datetime) -> str:
    local = moment.astimezone(JST)
    return f"{english_date(local.date())}, {local.hour}:{local.minute:02d}"


def moments_text(opens_at: datetime | None, closes_at: datetime | None, valid_from: date | None = None,
                 valid_until: date | None = None, locale: str = "ja") -> str | None:
    """「2027年4月1日 9時00分から2027年4月30日 17時00分まで」: when applications are taken, the
    intersection of the procedure's moments and the version's days: the later start, the earlier end."""
    start_moment = opens_at
    if valid_from is not None and (opens_at is None or opens_at.astimezone(JST).date() < valid_from):
        start_moment = None  # the version's first day starts later than the opening moment
    end_moment = closes_at
    if valid_until is not None and (closes_at is None or closes_at > _end_of(valid_until)):
        end_moment = None  # the version's last day ends before the closing moment
    start = (english_datetime(start_moment) if locale == "en" else japanese_datetime(start_moment)) \
        if start_moment else ((english_date(valid_from) if locale == "en" else japanese_date(valid_from))
                              if valid_from else None)
    end = (english_datetime(end_moment) if locale == "en" else japanese_datetime(end_moment)) if end_moment \
        else ((english_date(valid_until) if locale == "en" else japanese_date(valid_until)) if valid_until else None)
    if locale == "en":
        text = " ".join(p for p in (f"from {start}" if start else "", f"until {end}" if end else "") if p)
        return text[0].upper() + text[1:] if text else None
    return ((f"{start}から" if start else "") + (f"{end}まで" if end else "")) or None


def _end_of(day: date) -> datetime:
    """The moment ``day`` (Japan time, included) is over: the next day's 0:00."""
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=JST)


def period_text(valid_from: date | None, valid_until: date | None, locale: str = "ja") -> str | None:
    """「2027年4月1日から2028年3月31日まで」; None for a version with no dates."""
    if valid_from is None and valid_until is None:
        return None
    if locale == "en":
        parts = [f"from {english_date(valid_from)}" if valid_from else "",
                 f"until {english_date(valid_until)}" if valid_until else ""]
        text = " ".join(p for p in parts if p)
        return text[0].upper() + text[1:]
    return (f"{japanese_date(valid_from)}から" if valid_from else "") + \
        (f"{japanese_date(valid_until)}まで" if valid_until else "")
