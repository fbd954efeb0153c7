"""``period_end``: the last day of a period counted as 民法 counts it (140条 初日不算入, 143条).

A period of days, months or years "from" a day starts on the next day (起算日); one in months or
years ends on the day before the 起算日's corresponding day (応当日) in the last month, or on that
month's last day when the month has no such day.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from formsvc.vocabulary import dates
from tests.vocabulary.support import Answers
from tests.vocabulary.test_expressions import Definition, expression
from tests.vocabulary.test_expressions_v2 import Kinds

NONE = Definition()


@pytest.mark.parametrize(("event", "amount", "unit", "expected"), [
    # 起算日3月1日 (月の初め): 4か月は6月の末日まで。add_months なら6月28日。
    (date(2026, 2, 28), 4, "months", date(2026, 6, 30)),
    # 起算日5月1日: 4か月は8月31日 (add_months なら8月30日)。
    (date(2026, 4, 30), 4, "months", date(2026, 8, 31)),
    # 起算日1月31日: 2月31日はないので2月の末日 (143条2項ただし書)。
    (date(2026, 1, 30), 1, "months", date(2026, 2, 28)),
    (date(2024, 1, 30), 1, "months", date(2024, 2, 29)),     # うるう年
    # 起算日3月16日: 応当日6月16日の前日。
    (date(2026, 3, 15), 3, "months", date(2026, 6, 15)),
    (date(2026, 3, 15), 14, "days", date(2026, 3, 29)),      # 初日不算入: from + 14
    (date(2026, 12, 31), 1, "days", date(2027, 1, 1)),
    (date(2026, 11, 30), 3, "months", date(2027, 2, 28)),    # 起算日12月1日: 2月の末日
    (date(2023, 11, 29), 3, "months", date(2024, 2, 29)),    # 起算日11月30日、うるう年の2月
    (date(2023, 11, 28), 3, "months", date(2024, 2, 28)),    # 応当日2月29日がある
    (date(2026, 11, 29), 3, "months", date(2027, 2, 28)),    # 起算日11月30日、平年の2月
    (date(2026, 2, 28), 10, "months", date(2026, 12, 31)),   # 相続税: across no year end, month end
    (date(2026, 12, 7), 10, "months", date(2027, 10, 7)),
    # Years: 起算日2月29日 → 翌年は2月29日がないので2月28日 (143条2項)。
    (date(2024, 2, 28), 1, "years", date(2025, 2, 28)),
    (date(2023, 2, 28), 1, "years", date(2024, 2, 29)),      # 起算日3月1日: 応当日3月1日の前日
    (date(2026, 4, 1), 2, "years", date(2028, 4, 1)),
])
def test_the_periods_of_the_civil_code(event, amount, unit, expected):
    assert dates.period_end(event, amount, unit) == expected


def test_months_and_years_agree():
    for day in (date(2024, 2, 28), date(2023, 2, 28), date(2026, 1, 31)):
        assert dates.period_end(day, 2, "years") == dates.period_end(day, 24, "months")


def test_every_day_of_two_years_against_the_wording_of_article_143():
    # 起算日 s = event + 1; the end is the day before s's corresponding day, or the month's end.
    day = date(2023, 1, 1)
    while day < date(2025, 1, 1):
        start = dates.add_days(day, 1)
        for months in (1, 3, 4, 10, 12):
            end = dates.period_end(day, months, "months")
            corresponding = dates.add_months(start, months)
            if corresponding.day == start.day:
                assert end == dates.add_days(corresponding, -1), (day, months)
            else:  # no such day in the last month: its last day
                assert end == corresponding, (day, months)
            assert dates.days_between(start, end) >= 27 * months
        day = dates.add_days(day, 1)


@pytest.mark.parametrize(("event", "amount", "unit", "error"), [
    (date(9999, 12, 31), 1, "days", OverflowError),
    (date(9999, 12, 30), 1, "months", OverflowError),
    (date(9999, 6, 1), 1, "years", OverflowError),
    (date(2026, 1, 1), 0, "days", ValueError),       # no period at all
    (date(2026, 1, 1), -3, "months", ValueError),
])
def test_impossible_periods_raise(event, amount, unit, error):
    with pytest.raises(error):
        dates.period_end(event, amount, unit)


# --- the operator ----------------------------------------------------------------------------

def value(written: str, **answers):
    return expression(written).evaluate(Answers(fields=answers, today=date(2026, 11, 26)), NONE)


@pytest.mark.parametrize(("written", "answers", "expected"), [
    ("{period_end: {from: {field: death_date}, months: 4}}", {"death_date": date(2026, 2, 28)}, date(2026, 6, 30)),
    ("{period_end: {from: {field: death_date}, months: 4}}", {"death_date": date(2026, 4, 30)}, date(2026, 8, 31)),
    ("{period_end: {from: {field: d}, months: 1}}", {"d": date(2026, 1, 30)}, date(2026, 2, 28)),
    ("{period_end: {from: {field: d}, months: 1}}", {"d": date(2024, 1, 30)}, date(2024, 2, 29)),
    ("{period_end: {from: {field: d}, months: 3}}", {"d": date(2026, 3, 15)}, date(2026, 6, 15)),
    ("{period_end: {from: {field: d}, days: 14}}", {"d": date(2026, 3, 15)}, date(2026, 3, 29)),
    ("{period_end: {from: {field: d}, years: 1}}", {"d": date(2024, 2, 28)}, date(2025, 2, 28)),
    ("{period_end: {from: {date: 2026-03-31}, months: {field: n}}}", {"n": 2}, date(2026, 5, 31)),
    # Not computable: no date yet, a forged or impossible answer, a period of no or absurd length.
    ("{period_end: {from: {field: d}, months: 3}}", {}, None),
    ("{period_end: {from: {field: d}, months: 3}}", {"d": "2026-01-01\x00"}, None),
    ("{period_end: {from: {field: d}, months: 3}}", {"d": ["2026-01-01"]}, None),
    ("{period_end: {from: {field: d}, days: 1}}", {"d": date(9999, 12, 31)}, None),
    ("{period_end: {from: {field: d}, months: {field: n}}}", {"d": date(2026, 1, 1), "n": 0}, None),
    ("{period_end: {from: {field: d}, months: {field: n}}}", {"d": date(2026, 1, 1), "n": -2}, None),
    ("{period_end: {from: {field: d}, months: {field: n}}}", {"d": date(2026, 1, 1), "n": 1.5}, None),
    ("{period_end: {from: {field: d}, days: {field: n}}}", {"d": date(2026, 1, 1), "n": 10 ** 14}, None),
    ("{period_end: {from: {field: d}, years: {field: n}}}", {"d": date(2026, 1, 1), "n": "1e999"}, None),
])
def test_the_operator(written, answers, expected):
    assert value(written, **answers) == expected


@pytest.mark.parametrize(("written", "message"), [
    ("{period_end: {from: {field: d}}}", "days・months・years のどれか1つ"),
    ("{period_end: {from: {field: d}, days: 14, months: 1}}", "days・months・years のどれか1つ"),
    ("{period_end: {months: 3}}", "from"),
    ("{period_end: {from: {field: d}, weeks: 2}}", "weeks"),
    ("{period_end: {from: {field: d}, months: 0}}", "には1以上"),
    ("{period_end: {from: {field: d}, days: -14}}", "には1以上"),
    ("{period_end: {from: {field: d}, months: 1.5}}", "には1以上"),
    ("{period_end: {from: {field: d}, years: 201}}", "200"),
])
def test_badly_shaped_periods_are_refused_saying_what_to_write(written, message):
    with pytest.raises(ValidationError, match=message):
        expression(written)


def test_from_may_be_written_unquoted_or_as_a_boolean_free_key():
    # ``from`` is a Python keyword but an ordinary YAML key.
    written = expression("{period_end: {from: {field: death_date}, months: 3}}")
    assert written.operator() == "period_end"
    assert written.references().fields == {"death_date"}
    assert written.result_type(Kinds()) == "date"


@pytest.mark.parametrize(("written", "path", "message"), [
    ("{period_end: {from: {field: copies}, months: 3}}", ("period_end", "from"), "period_end の from には日付になる式"),
    ("{period_end: {from: {field: death_date}, months: {today: true}}}", ("period_end", "months"),
     "period_end の months には数値になる式"),
    ("{add: [1, {period_end: {from: {field: death_date}, days: 14}}]}", ("add", 1), "add_days"),
])
def test_type_problems(written, path, message):
    problems = list(expression(written).type_problems(Kinds()))
    assert [p for p, _ in problems] == [path]
    assert message in problems[0][1]


def test_a_period_end_in_other_date_operators_is_a_date():
    assert list(expression(
        "{days_between: [{today: true}, {period_end: {from: {field: death_date}, months: 3}}]}"
    ).type_problems(Kinds())) == []
