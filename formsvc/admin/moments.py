"""Dates and times typed on the admin pages (type=date and type=time inputs, or typed by hand
without a browser that has them), read as moments in Japan time: the 受付期間's opening and
closing moments and the scheduled publishing moment. Errors are Japanese sentences."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from formsvc.clock import JST

DAY_TEXT = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
TIME_TEXT = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
LONGEST = 40  # anything longer is not a date or a time


class MomentError(ValueError):
    """What is wrong with a typed date or time (Japanese, for the page)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def read_day(text: str | None, what: str) -> date | None:
    """``text`` as a day (2027-04-01 or 2027/4/1, full-width digits too); None when empty."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    match = DAY_TEXT.fullmatch(cleaned) if len(cleaned) <= LONGEST else None
    if match is None:
        raise MomentError(f"{what}は 2027-04-01 の形で入力してください")
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise MomentError(f"{what}に、ない日付が入力されています（月は1〜12、日はその月の日数まで）") from None
    if not 2000 <= day.year <= 2200:
        raise MomentError(f"{what}は2000年から2200年までの日付にしてください")
    return day


def read_time(text: str | None, what: str) -> time | None:
    """``text`` as a time of day (09:00, 9:00 or 09:00:00 as some browsers send); None when empty."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    match = TIME_TEXT.fullmatch(cleaned) if len(cleaned) <= LONGEST else None
    if match is None:
        raise MomentError(f"{what}は 09:00 の形（24時間制）で入力してください")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise MomentError(f"{what}は 00:00 から 23:59 までで入力してください")
    return time(hour, minute)


def read_moment(day_text: str | None, time_text: str | None, what: str) -> datetime | None:
    """A day and a time of day in Japan as one moment; None when both are empty. A day without
    a time (or the reverse) is refused: the page asks for both."""
    day = read_day(day_text, f"{what}の日付")
    at = read_time(time_text, f"{what}の時刻")
    if day is None and at is None:
        return None
    if day is None:
        raise MomentError(f"{what}の日付を入力してください（例: 2027-04-01）")
    if at is None:
        raise MomentError(f"{what}の時刻を入力してください（例: 09:00）")
    return datetime.combine(day, at, JST)


def day_value(moment: datetime | None) -> str:
    """The value of a type=date input for ``moment`` (Japan time)."""
    return moment.astimezone(JST).strftime("%Y-%m-%d") if moment is not None else ""


def time_value(moment: datetime | None) -> str:
    """The value of a type=time input for ``moment`` (Japan time)."""
    return moment.astimezone(JST).strftime("%H:%M") if moment is not None else ""
