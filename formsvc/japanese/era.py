"""和暦 (Japanese era) conversion and 年/月/日 date input parsing.

Residents often know dates (birthdays, 受付日 on old papers) only in 和暦,
and the Digital Agency design system asks for dates as three separate
年/月/日 inputs validated on the server.  This module converts both ways
and explains, in Japanese, why a date is rejected -- in particular dates
that exist in the western calendar but not in the era typed, such as
平成31年5月1日 (平成 ended on 2019-04-30).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DatePart = Literal["year", "month", "day"]


class InvalidDate(ValueError):
    """A date the resident typed cannot be used.

    ``str(exc)`` is a Japanese message meant to be shown next to the input;
    ``part`` names the 年/月/日 input to highlight ('year', 'month', 'day'),
    or None when the caller did not say (``parse_date_parts`` always does;
    for a missing input it names the first empty one).
    """

    def __init__(self, message: str, part: DatePart | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.part = part


@dataclass(frozen=True, slots=True)
class Era:
    """One 元号: its kanji name, romaji and first day (Gregorian)."""

    name: str
    romaji: str
    start: date

    @property
    def initial(self) -> str:
        """The one-letter abbreviation used on forms (R, H, S, T, M)."""
        return self.romaji[0]


# Newest first, so the first era whose start <= d is the era of d.
# 明治 starts on 1868-01-25 here (明治元年1月1日 converted to the Gregorian
# calendar), the reckoning most systems use; earlier dates have no era.
ERAS: tuple[Era, ...] = (
    Era("令和", "Reiwa", date(2019, 5, 1)),
    Era("平成", "Heisei", date(1989, 1, 8)),
    Era("昭和", "Showa", date(1926, 12, 25)),
    Era("大正", "Taisho", date(1912, 7, 30)),
    Era("明治", "Meiji", date(1868, 1, 25)),
)

YEAR_FORMAT_MESSAGE = "年は西暦（例：2025）か和暦（例：令和7）で入力してください"
MISSING_PART_MESSAGE = "年・月・日をすべて入力してください"
MONTH_MESSAGE = "月は1から12の数字で入力してください"
DAY_MESSAGE = "日は1から31の数字で入力してください"
ERA_NAME_MESSAGE = "元号は令和・平成・昭和・大正・明治のいずれかで入力してください"

_WESTERN_YEAR = re.compile(r"(?P<year>[1-9][0-9]{3})年?")
_ERA_YEAR = re.compile(r"(?P<era>[^0-9元]+?)\.?(?P<year>[0-9]{1,2}|元)年?")
_WHITESPACE = re.compile(r"\s+")


def era_end(era: Era) -> date | None:
    """Last day of ``era`` (the day before the next era), None if current."""
    index = ERAS.index(era)
    if index == 0:
        return None
    return ERAS[index - 1].start - timedelta(days=1)


def find_era(name: str) -> Era | None:
    """Return the era named by kanji ('令和'), romaji ('reiwa', any case) or
    initial ('R'/'r'); full-width letters and ligatures like ㋿ work too."""
    key = unicodedata.normalize("NFKC", name).strip().casefold()
    for era in ERAS:
        if key in (era.name, era.romaji.casefold(), era.initial.casefold()):
            return era
    return None


def era_of(d: date) -> Era | None:
    """Return the era containing ``d``, or None before 明治."""
    for era in ERAS:
        if era.start <= d:
            return era
    return None


def _year_text(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def _era_year(era: Era, western_year: int) -> int:
    return western_year - era.start.year + 1


def _wareki_text(era: Era, era_year: int, month: int, day: int) -> str:
    return f"{era.name}{_year_text(era_year)}年{month}月{day}日"


def to_wareki(d: date) -> str:
    """Return ``d`` in 和暦, e.g. '令和7年4月1日' or '令和元年5月1日'.

    Raises InvalidDate for dates before 明治 (there is no era to show).
    """
    era = era_of(d)
    if era is None:
        raise InvalidDate(
            f"{d.year}年{d.month}月{d.day}日は明治より前のため和暦で表せません", "year"
        )
    return _wareki_text(era, _era_year(era, d.year), d.month, d.day)


def wareki_year_label(year: int) -> str:
    """Label a western year with its era year(s), e.g. '2025年(令和7年)'.

    A year in which the era changed gets both, oldest first:
    '2019年(平成31年/令和元年)'.  Years before 明治 get no parenthesis.
    """
    labels = []
    for era in reversed(ERAS):
        end = era_end(era)
        if era.start.year <= year and (end is None or year <= end.year):
            labels.append(f"{era.name}{_year_text(_era_year(era, year))}年")
    if not labels:
        return f"{year}年"
    return f"{year}年({'/'.join(labels)})"


def format_date_both(d: date) -> str:
    """Return '2025年4月1日(令和7年4月1日)'; before 明治 only the western date."""
    western = f"{d.year}年{d.month}月{d.day}日"
    if era_of(d) is None:
        return western
    return f"{western}({to_wareki(d)})"


def from_wareki(era_name: str, year: int, month: int, day: int) -> date:
    """Convert a 和暦 date to a ``date``.

    ``era_name`` is kanji, romaji or initial (see ``find_era``).  Raises
    InvalidDate with a Japanese message when the era is unknown, the day
    does not exist in that month, or the date is outside the era (e.g.
    平成31年5月1日, 令和元年4月30日).
    """
    era = find_era(era_name)
    if era is None:
        raise InvalidDate(ERA_NAME_MESSAGE, "year")
    if year < 1:
        raise InvalidDate(f"{era.name}の年は元年（1年）以降で入力してください", "year")
    if not 1 <= month <= 12:
        raise InvalidDate(MONTH_MESSAGE, "month")
    if not 1 <= day <= 31:
        raise InvalidDate(DAY_MESSAGE, "day")
    western_year = era.start.year + year - 1
    if western_year > date.max.year:
        raise InvalidDate(f"{era.name}{year}年は存在しません。", "year")
    label = _wareki_text(era, year, month, day)
    try:
        result = date(western_year, month, day)
    except ValueError:
        raise InvalidDate(
            f"{era.name}{_year_text(year)}年{month}月に{day}日はありません", "day"
        ) from None
    if result < era.start:
        first = f"元年{era.start.month}月{era.start.day}日"
        raise InvalidDate(f"{label}は存在しません。{era.name}は{first}からです。", "year")
    end = era_end(era)
    if end is not None and result > end:
        last = f"{_era_year(era, end.year)}年{end.month}月{end.day}日"
        raise InvalidDate(f"{label}は存在しません。{era.name}は{last}までです。", "year")
    return result


def _parse_year(text: str) -> tuple[int, Era | None, int | None]:
    """Parse a 年 box: (western year, era or None, era year or None)."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    if match := _WESTERN_YEAR.fullmatch(compact):
        return int(match["year"]), None, None
    match = _ERA_YEAR.fullmatch(compact)
    if match is None:
        raise InvalidDate(YEAR_FORMAT_MESSAGE, "year")
    era = find_era(match["era"])
    if era is None:
        raise InvalidDate(YEAR_FORMAT_MESSAGE, "year")
    era_year = 1 if match["year"] == "元" else int(match["year"])
    if era_year < 1:
        raise InvalidDate(f"{era.name}の年は元年（1年）以降で入力してください", "year")
    western_year = era.start.year + era_year - 1
    end = era_end(era)
    if end is not None and western_year > end.year:
        raise InvalidDate(f"{era.name}は{_era_year(era, end.year)}年までです", "year")
    return western_year, era, era_year


def parse_year(text: str) -> tuple[int, str | None]:
    """Parse what a resident typed in the 年 box of a date input.

    Accepts western years ('2025', '２０２５', '2025年') and era years
    ('令和7', '令和7年', 'R7', 'r7', 'H31', '平成元年', '令和元', 'Reiwa 7').
    Returns (western year, era kanji name or None).  The western year alone
    is ambiguous at era boundaries (平成31 and 令和元 are both 2019), so use
    ``parse_date_parts`` to validate a full date against the era typed.
    Raises InvalidDate on anything else, or on an era year past the era's
    end ('平成32').
    """
    western_year, era, _ = _parse_year(text)
    return western_year, era.name if era else None


def _parse_small_number(text: str, suffix: str) -> int | None:
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    compact = compact.removesuffix(suffix)
    if re.fullmatch(r"[0-9]{1,2}", compact) is None:
        return None
    return int(compact)


def parse_date_parts(year_text: str | None, month_text: str | None, day_text: str | None) -> date:
    """Build a date from separate 年/月/日 inputs (full-width digits allowed).

    The year may be western or 和暦 (see ``parse_year``); a 和暦 date must
    lie inside the era typed.  ``None`` is treated like an empty box, since
    that is what a missing form field gives.  Raises InvalidDate with a
    message for the resident, e.g. '2025年2月に30日はありません'.
    """
    parts = [(part or "").strip() for part in (year_text, month_text, day_text)]
    names: tuple[DatePart, ...] = ("year", "month", "day")
    for name, part in zip(names, parts, strict=True):
        if not part:
            raise InvalidDate(MISSING_PART_MESSAGE, name)
    year_part, month_part, day_part = parts
    western_year, era, era_year = _parse_year(year_part)
    month = _parse_small_number(month_part, "月")
    if month is None or not 1 <= month <= 12:
        raise InvalidDate(MONTH_MESSAGE, "month")
    day = _parse_small_number(day_part, "日")
    if day is None or not 1 <= day <= 31:
        raise InvalidDate(DAY_MESSAGE, "day")
    if era is not None and era_year is not None:
        return from_wareki(era.name, era_year, month, day)
    try:
        return date(western_year, month, day)
    except ValueError:
        raise InvalidDate(f"{western_year}年{month}月に{day}日はありません", "day") from None
