"""Dates as municipal procedures count them: 満年齢 by the law on counting ages, 年度, 学年 by
the April-1 cohort, month arithmetic clamped to the month's end."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.vocabulary import dates


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),    # no 31 February: the month's last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),    # a leap year
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 8, 31), 1, date(2026, 9, 30)),
    (date(2026, 1, 15), 4, date(2026, 5, 15)),    # 準確定申告: 4 months after the death
    (date(2026, 1, 15), 10, date(2026, 11, 15)),  # 相続税: 10 months after
    (date(2026, 11, 30), 3, date(2027, 2, 28)),   # across a year end
    (date(2026, 5, 31), -15, date(2025, 2, 28)),
    (date(2026, 5, 20), 0, date(2026, 5, 20)),
])
def test_months_are_added_clamped_to_the_months_end(start, months, expected):
    assert dates.add_months(start, months) == expected


def test_years_from_a_leap_day():
    assert dates.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert dates.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_dates_beyond_the_calendar_raise_overflow():
    with pytest.raises(OverflowError):
        dates.add_months(date(9999, 12, 1), 1)
    with pytest.raises(OverflowError):
        dates.add_months(date(1, 1, 1), -1)
    with pytest.raises(OverflowError):
        dates.add_days(date(9999, 12, 31), 1)


def test_days_between_counts_from_the_first_to_the_second():
    assert dates.days_between(date(2026, 5, 1), date(2026, 5, 15)) == 14
    assert dates.days_between(date(2026, 5, 15), date(2026, 5, 1)) == -14
    assert dates.days_between(date(2028, 2, 28), date(2028, 3, 1)) == 2


@pytest.mark.parametrize(("birth", "on", "age"), [
    # A person reaches an age at the end of the day before the birthday: on that day the new age.
    (date(2008, 4, 2), date(2026, 3, 31), 17),
    (date(2008, 4, 2), date(2026, 4, 1), 18),     # the day before the 18th birthday
    (date(2008, 4, 2), date(2026, 4, 2), 18),
    (date(2008, 4, 1), date(2026, 3, 31), 18),
    (date(2008, 4, 1), date(2026, 3, 30), 17),
    # 29 February: in a common year reached at the end of 28 February.
    (date(2008, 2, 29), date(2026, 2, 27), 17),
    (date(2008, 2, 29), date(2026, 2, 28), 18),
    (date(2008, 2, 29), date(2028, 2, 27), 19),
    (date(2008, 2, 29), date(2028, 2, 28), 20),   # leap year: the day before 29 February
    (date(2026, 5, 1), date(2026, 5, 1), 0),      # the day of birth
    (date(2026, 5, 1), date(2026, 4, 30), 0),     # the day before birth
    (date(2026, 5, 1), date(2025, 5, 1), -1),
    (date(1960, 1, 1), date(9999, 12, 31), 8039),  # the calendar's last day does not overflow
])
def test_age_by_the_law_on_counting_ages(birth, on, age):
    assert dates.age(birth, on) == age


@pytest.mark.parametrize(("birth", "age", "reached"), [
    (date(2008, 4, 2), 18, date(2026, 4, 1)),
    (date(2008, 4, 1), 18, date(2026, 3, 31)),
    (date(2008, 2, 29), 18, date(2026, 2, 28)),   # 民法143条2項: the month's last day
    (date(2008, 2, 29), 20, date(2028, 2, 28)),
    (date(2008, 3, 1), 18, date(2026, 2, 28)),
    (date(2008, 1, 1), 18, date(2025, 12, 31)),
])
def test_the_day_an_age_is_reached(birth, age, reached):
    assert dates.reaches_age(birth, age) == reached
    assert dates.age(birth, reached) == age
    assert dates.age(birth, date.fromordinal(reached.toordinal() - 1)) == age - 1


@pytest.mark.parametrize(("day", "year", "end"), [
    (date(2026, 4, 1), 2026, date(2027, 3, 31)),
    (date(2027, 3, 31), 2026, date(2027, 3, 31)),
    (date(2027, 1, 1), 2026, date(2027, 3, 31)),
    (date(2026, 3, 31), 2025, date(2026, 3, 31)),
])
def test_fiscal_year_runs_from_april_to_march(day, year, end):
    assert dates.fiscal_year(day) == year
    assert dates.fiscal_year_end(day) == end
    assert dates.fiscal_year_start(day) == date(year, 4, 1)


def test_kodomo_iryo_ends_on_the_first_31_march_after_reaching_18():
    """子ども医療費: until the first 31 March on or after the day the child reaches 18."""
    def last_day(birth: date) -> date:
        return dates.fiscal_year_end(dates.reaches_age(birth, 18))

    assert last_day(date(2008, 4, 1)) == date(2026, 3, 31)   # reaches 18 on 31 March 2026
    assert last_day(date(2008, 4, 2)) == date(2027, 3, 31)   # reaches 18 on 1 April 2026
    assert last_day(date(2008, 2, 29)) == date(2026, 3, 31)
    # The naive reading (the 年度 of the birthday itself) is a year late for 1 April births.
    assert dates.fiscal_year_end(dates.add_years(date(2008, 4, 1), 18)) == date(2027, 3, 31)


@pytest.mark.parametrize(("birth", "on", "grade"), [
    # In 2026年度 the 小学1年 are born 2 April 2019 – 1 April 2020.
    (date(2019, 4, 2), date(2026, 4, 1), 1),
    (date(2020, 4, 1), date(2026, 4, 1), 1),      # 早生まれ: 1 April goes with the year before
    (date(2020, 4, 2), date(2026, 4, 1), 0),      # 年長
    (date(2019, 4, 1), date(2026, 4, 1), 2),
    (date(2020, 2, 29), date(2026, 6, 1), 1),
    (date(2019, 4, 2), date(2027, 3, 31), 1),     # the whole 年度
    (date(2019, 4, 2), date(2027, 4, 1), 2),
    (date(2014, 4, 2), date(2026, 4, 1), 6),
    (date(2013, 4, 2), date(2026, 4, 1), 7),      # 中学1年
    (date(2010, 4, 2), date(2026, 4, 1), 10),     # 高校1年
    (date(2008, 4, 2), date(2026, 4, 1), 12),
    (date(2026, 1, 10), date(2026, 4, 1), -5),     # starts in 2032年度
])
def test_school_grade_by_the_april_1_cohort(birth, on, grade):
    assert dates.school_grade(birth, on) == grade
