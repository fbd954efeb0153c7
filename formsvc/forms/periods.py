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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, Literal, Protocol, TypeVar

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

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    def notice(self, locale: str = "ja") -> str | None:
        """What residents read on a procedure that is not open: when it opens, or that it closed."""
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
        """The open version's 受付期間 in words, or None when it has no dates."""
        return period_text(self.valid_from, self.valid_until, locale)

    def with_version(self, version: X) -> Reception[X]:
        """The same reception with the version as something else (its compiled definition)."""
        return Reception(self.state, version, self.opens_on, self.closed_on, self.valid_from, self.valid_until)


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


def sending_closed(valid_until: date | None, day: date, locale: str = "ja", correction: bool = False) -> str | None:
    """Why a draft on a version whose 受付期間 ends ``valid_until`` cannot be sent on ``day``; None:
    it can. A draft keeps the version it started on and is sent only within its period; a
    correction the staff asked for (補正) answers an application received in time: always sent."""
    if correction or valid_until is None or not ended(valid_until, day):
        return None
    return sending_closed_message(valid_until, locale)


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
