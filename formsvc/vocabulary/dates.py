"""Dates as Japanese municipal procedures count them: pure functions, no clock.

* **Age** (満年齢). 年齢計算ニ関スル法律 counts age from the day of birth, and 民法 143条 ends a
  period of years at the end of the day before the anniversary: a person reaches an age at the
  end of the day before their birthday (誕生日の前日の終了時). That day is the day they
  「…歳に達する」 (年齢到達日). A person born on 29 February reaches it, in a common year, at the
  end of 28 February (143条2項: no such day in the last month, so the month's last day).
* **年度** (fiscal year): 1 April to 31 March, named after the year it starts in.
* **学年** (school year cohort): 学校教育法 17条 sends a child to school at the first 1 April
  after the day they reach 6. A child born on 1 April reaches 6 on 31 March and starts on the
  next day, with the children born in the year before (早生まれ): a cohort runs from 2 April to
  1 April.

Month arithmetic clamps to the month's end (31 January + 1 month = 28 or 29 February), as
民法 143条2項 does for a period whose last month has no corresponding day.

* **Periods** (期間, 民法 140条・143条; 国税通則法 10条 counts tax deadlines the same way): a
  period of days, months or years "from" a day leaves that day out (初日不算入) and starts on
  the next day (起算日). Days: the period of N days ends N days after the day itself. Months
  and years: it ends on the day before the 起算日's corresponding day (応当日) in the last
  month, or on that month's last day when it has none. ``add_months`` alone is one day short
  when the day itself is a month's last day (28 February + 4か月: the period runs 1 March –
  30 June, not to 28 June).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

# The first month of the 年度 (April).
FISCAL_YEAR_START_MONTH = 4
# A child starts 小学校 at the first 1 April after reaching this age.
SCHOOL_AGE = 6


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the end of a shorter month.

    Raises OverflowError beyond the years 1–9999 (callers turn it into "not computable").
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    return add_months(day, years * 12)


def add_days(day: date, days: int) -> date:
    """Raises OverflowError beyond the years 1–9999."""
    return day + timedelta(days=days)


PeriodUnit = Literal["days", "months", "years"]


def period_end(event: date, amount: int, unit: PeriodUnit) -> date:
    """The last day of a period of ``amount`` days/months/years counted from ``event`` as 民法
    140条・143条 count it: the day of ``event`` left out, the period starting the next day.

    Raises ValueError for a period of less than one unit (no period at all), OverflowError
    beyond the years 1–9999 (callers turn both into "not computable").
    """
    if amount < 1:
        raise ValueError("a period lasts at least one day, month or year")
    start = add_days(event, 1)  # 起算日
    if unit == "days":
        return add_days(start, amount - 1)
    end = add_months(start, amount * (12 if unit == "years" else 1))
    if end.day < start.day:
        # 143条2項ただし書: no corresponding day in the last month (add_months clamped to its
        # end), so the period ends on that month's last day.
        return end
    return end - timedelta(days=1)  # the day before the corresponding day (応当日の前日)


def days_between(start: date, end: date) -> int:
    """Days from ``start`` to ``end`` (negative when ``end`` is earlier): 1 May to 15 May is 14."""
    return (end - start).days


def reaches_age(birth: date, age: int) -> date:
    """The day a person born on ``birth`` reaches ``age`` (年齢到達日): the day before the
    birthday; for a 29 February birth in a common year, 28 February."""
    anniversary = add_years(birth, age)
    if (birth.month, birth.day) == (2, 29) and anniversary.day == 28:
        # 143条2項: the period ends at the end of the last day of February itself.
        return anniversary
    return anniversary - timedelta(days=1)


def age(birth: date, on: date) -> int:
    """満年齢 at the end of the day ``on``: the age reached on or before ``on``.

    So on the day before a birthday it is already the new age (the law's 「達する日」): born
    2008-04-02, ``age(…, 2026-04-01)`` is 18, and ``age(…, 2026-03-31)`` is 17. Before the day of
    birth it is negative (the checker cannot know the answers; callers compare it).
    """
    # The age at the end of ``on`` is the ordinary count of birthdays passed by the next day;
    # for 29 February, the next day of 28 February in a common year is 1 March, which is past it.
    if on == date.max:
        return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    following = on + timedelta(days=1)
    return following.year - birth.year - ((following.month, following.day) < (birth.month, birth.day))


def fiscal_year(day: date) -> int:
    """The 年度 of ``day``: 2027-03-31 is in 2026年度, 2027-04-01 in 2027年度."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_end(day: date) -> date:
    """The last day (31 March) of the 年度 of ``day``."""
    return date(fiscal_year(day) + 1, 3, 31)


def fiscal_year_start(day: date) -> date:
    """The first day (1 April) of the 年度 of ``day``."""
    return date(fiscal_year(day), FISCAL_YEAR_START_MONTH, 1)


def school_entry_year(birth: date) -> int:
    """The 年度 in which a child born on ``birth`` is in 小学校 1年 (the April-1 cohort rule)."""
    # Born 1 January – 1 April: reaches 6 by 31 March of the year they turn 6, so starts that
    # April; born 2 April – 31 December: reaches 6 on or after 1 April, so starts a year later.
    late = (birth.month, birth.day) > (FISCAL_YEAR_START_MONTH, 1)
    return birth.year + SCHOOL_AGE + (1 if late else 0)


def school_grade(birth: date, on: date) -> int:
    """The 学年 of a child born on ``birth`` during the 年度 of ``on``, counted through:
    1–6 小学1–6年, 7–9 中学1–3年, 10–12 高校1–3年 (the usual ages, not whether the child is
    actually at school); 0 or less: not yet at school (0 = the last year before, 年長)."""
    return fiscal_year(on) - school_entry_year(birth) + 1
