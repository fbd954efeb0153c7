"""The dashboard's period: whole months in Japan time, chosen as 「2026-04」 to 「2027-03」."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from formsvc.clock import JST

MONTH = re.compile(r"(\d{4})[-/年.](\d{1,2})月?")
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 1)
MAX_MONTHS = 60  # five years: a figure per month stays readable


@dataclass(frozen=True)
class Period:
    first: str  # YYYY-MM, included
    last: str   # YYYY-MM, included

    @property
    def start(self) -> datetime:
        """The first moment of the period (UTC, as stored)."""
        return _month_start(_month(self.first))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return _month_start(_next(_month(self.last)))

    def months(self) -> list[str]:
        months, day = [], _month(self.first)
        while day <= _month(self.last):
            months.append(day.strftime("%Y-%m"))
            day = _next(day)
        return months

    def label(self) -> str:
        first, last = _month(self.first), _month(self.last)
        return f"{first.year}年{first.month}月から{last.year}年{last.month}月まで"


def default_period(today: date) -> Period:
    """The twelve months up to this one."""
    last = today.replace(day=1)
    first = date(last.year - 1, last.month, 1)
    return Period(_next(first).strftime("%Y-%m"), last.strftime("%Y-%m"))


def parse_period(args: Mapping[str, str], today: date) -> tuple[Period, dict[str, str]]:
    """The period the query string asks for, and errors in Japanese by parameter (``from``, ``to``).

    An empty or wrong value falls back to the default period, so the page still shows figures
    beside the message."""
    default = default_period(today)
    errors: dict[str, str] = {}
    first = parse_month(args.get("from", ""), "from", "集計の開始月", errors) or _month(default.first)
    last = parse_month(args.get("to", ""), "to", "集計の終了月", errors) or _month(default.last)
    if not errors:
        if first > last:
            errors["to"] = "＊集計の終了月は、開始月と同じか後の月にしてください"
        elif (last.year - first.year) * 12 + last.month - first.month + 1 > MAX_MONTHS:
            errors["to"] = f"＊集計できる期間は{MAX_MONTHS}か月（5年）までです"
    if errors:
        return default, errors
    return Period(first.strftime("%Y-%m"), last.strftime("%Y-%m")), errors


def parse_month(text: str, key: str, name: str, errors: dict[str, str]) -> date | None:
    """The month typed (「2026-04」「2026年4月」, full-width digits too), or None: empty, or wrong
    with a message in ``errors[key]`` naming the box (``name``)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    found = MONTH.fullmatch(text) if len(text) <= 16 else None
    if found is None or not 1 <= int(found.group(2)) <= 12:
        errors[key] = f"＊{name}は「2026-04」のように年と月で入力してください"
        return None
    month = date(int(found.group(1)), int(found.group(2)), 1)
    if not EARLIEST <= month <= LATEST:
        errors[key] = f"＊{name}は2000年1月から2099年12月までの月にしてください"
        return None
    return month


def month_label(month: str) -> str:
    """「2026年4月」 for '2026-04'."""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=JST).astimezone(UTC)
