"""The municipal calendar: which days the office is open (開庁日).

A day is a 開庁日 unless it is a Saturday or a Sunday, a national holiday (国民の祝日, with its
振替休日 and 国民の休日, from the maintained ``jpholiday`` package), or one of the municipality's
own closed days: 年末年始 (29 December – 3 January) by default, set with FORMSVC_CLOSED_DAYS
(formsvc.config.closed_days_text). Pure functions of a day: "today" is always given by the
caller, who reads it from formsvc.clock.

FORMSVC_CLOSED_DAYS is a comma-separated list of days and ranges: ``MM-DD`` every year,
``YYYY-MM-DD`` once, ``A..B`` every day from A to B (``12-29..01-03`` runs over the new year).
Setting it replaces the default, so write the 年末年始 too: ``12-29..01-03,2027-08-13``; an
empty value leaves only weekends and national holidays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from formsvc import config

DEFAULT_CLOSED_DAYS = "12-29..01-03"
# A count of 開庁日 beyond this is no procedure's rule (and would walk the calendar for long).
MAX_BUSINESS_DAYS = 400
_WEEKDAY_NAMES = ("月", "火", "水", "木", "金", "土", "日")
_ONE = re.compile(r"(?:([0-9]{4})-)?([0-9]{2})-([0-9]{2})")


class ClosedDaysError(ValueError):
    """FORMSVC_CLOSED_DAYS cannot be read (the message says which part)."""


@dataclass(frozen=True)
class _Span:
    """Closed days as written: every year from (month, day) to (month, day), or once."""

    first: tuple[int, int, int | None]  # (month, day, year or None)
    last: tuple[int, int, int | None]

    def holds(self, day: date) -> bool:
        first_month, first_day, first_year = self.first
        last_month, last_day, last_year = self.last
        if first_year is not None and last_year is not None:
            return date(first_year, first_month, first_day) <= day <= date(last_year, last_month, last_day)
        key, start, end = (day.month, day.day), (first_month, first_day), (last_month, last_day)
        if start <= end:
            return start <= key <= end
        return key >= start or key <= end  # over the new year (12-29..01-03)


def _read_one(text: str, whole: str) -> tuple[int, int, int | None]:
    match = _ONE.fullmatch(text.strip())
    if match is None:
        raise ClosedDaysError(f"FORMSVC_CLOSED_DAYS: {text.strip()!r} は MM-DD か YYYY-MM-DD の形で"
                              f"書いてください（{whole!r}）")
    year = int(match.group(1)) if match.group(1) else None
    month, day = int(match.group(2)), int(match.group(3))
    try:
        date(year or 2000, month, day)  # 2000: a leap year, so 02-29 is a day every 4 years
    except ValueError:
        raise ClosedDaysError(f"FORMSVC_CLOSED_DAYS: {text.strip()!r} という日はありません") from None
    return month, day, year


def parse_closed_days(text: str) -> tuple[_Span, ...]:
    """The spans of FORMSVC_CLOSED_DAYS (ClosedDaysError with the part that is wrong)."""
    if len(text) > 2000:
        raise ClosedDaysError("FORMSVC_CLOSED_DAYS が長すぎます（2000文字まで）")
    spans = []
    for part in text.split(","):
        if not part.strip():
            continue
        first_text, separator, last_text = part.partition("..")
        first = _read_one(first_text, part)
        last = _read_one(last_text, part) if separator else first
        if (first[2] is None) != (last[2] is None):
            raise ClosedDaysError(f"FORMSVC_CLOSED_DAYS: {part.strip()!r} は両端を同じ形"
                                  "（MM-DD どうしか YYYY-MM-DD どうし）で書いてください")
        if first[2] is not None and last[2] is not None \
                and date(first[2], first[0], first[1]) > date(last[2], last[0], last[1]):
            raise ClosedDaysError(f"FORMSVC_CLOSED_DAYS: {part.strip()!r} は始めの日が終わりの日より後です")
        spans.append(_Span(first, last))
    return tuple(spans)


class MunicipalCalendar:
    """開庁日 and 閉庁日 of one municipality."""

    def __init__(self, closed: Iterable[_Span] = ()):
        self._closed = tuple(closed)

    @classmethod
    def from_text(cls, text: str) -> MunicipalCalendar:
        return cls(parse_closed_days(text))

    def is_national_holiday(self, day: date) -> bool:
        return _holiday_name(day) is not None

    def is_municipal_closed_day(self, day: date) -> bool:
        return any(span.holds(day) for span in self._closed)

    def is_business_day(self, day: date) -> bool:
        """開庁日: not a weekend, a national holiday or one of the municipality's closed days."""
        return day.weekday() < 5 and not self.is_national_holiday(day) and not self.is_municipal_closed_day(day)

    def closed_reason(self, day: date) -> str | None:
        """Why the office is closed on ``day`` in plain Japanese (土曜日, 春分の日 振替休日, 年末年始・休庁日),
        or None on a 開庁日."""
        if day.weekday() >= 5:
            return f"{_WEEKDAY_NAMES[day.weekday()]}曜日"
        name = _holiday_name(day)
        if name:
            return name
        if self.is_municipal_closed_day(day):
            return "年末年始" if (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3) else "休庁日"
        return None

    def next_business_day(self, day: date) -> date:
        """``day`` itself when it is a 開庁日, else the first one after it."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th 開庁日 after ``day`` (``day`` itself not counted: 3開庁日後 of a Friday
        before 年末年始 is counted on the days the office opens after it). ``count`` 0: ``day``
        when it is a 開庁日, else the next one. Negative counts go back."""
        if abs(count) > MAX_BUSINESS_DAYS:
            raise OverflowError("too many business days")
        if count == 0:
            return self.next_business_day(day)
        step = timedelta(days=1 if count > 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """開庁日 after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_business_day(day)
        return count


@lru_cache(maxsize=4096)
def _holiday_name(day: date) -> str | None:
    """The national holiday on ``day`` (振替休日 and 国民の休日 included), or None. jpholiday is
    imported on first use: `formsvc validate` and pages without a calendar rule never pay for it."""
    import jpholiday

    try:
        name = jpholiday.is_holiday_name(day)
    except (OverflowError, ValueError):  # the first and last days of the calendar (1-01-01, 9999-12-31)
        return None
    return str(name) if name else None


@lru_cache(maxsize=4)
def _calendar_for(text: str) -> MunicipalCalendar:
    return MunicipalCalendar.from_text(text)


def municipal_calendar() -> MunicipalCalendar:
    """The calendar of this deployment (FORMSVC_CLOSED_DAYS, read each time: a test may set it)."""
    return _calendar_for(config.closed_days_text(DEFAULT_CLOSED_DAYS))


def has_default_closed_days() -> bool:
    """Whether the municipality's own closed days are the default 年末年始 (how hints name them)."""
    return config.closed_days_text(DEFAULT_CLOSED_DAYS).replace(" ", "") == DEFAULT_CLOSED_DAYS


def is_business_day(day: date) -> bool:
    return municipal_calendar().is_business_day(day)


def add_business_days(day: date, count: int) -> date:
    return municipal_calendar().add_business_days(day, count)


def closed_reason(day: date) -> str | None:
    return municipal_calendar().closed_reason(day)
