"""Division, rounding to a unit and dates in expressions: Value = Decimal | date | None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from formsvc.vocabulary.expressions import Expression, round_to
from formsvc.vocabulary.values import format_number, plain_decimal, value_from_json, with_unit
from tests.vocabulary.support import Answers
from tests.vocabulary.test_expressions import Definition, expression

NONE = Definition()
TODAY = date(2026, 11, 26)


def value(written: str, **answers):
    return expression(written).evaluate(Answers(fields=answers, today=TODAY), NONE)


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "answers", "expected"), [
    ("{divide: [{field: amount}, 3]}", {"amount": 10}, Decimal("3.3333333333")),
    ("{divide: [{field: amount}, 4]}", {"amount": 10}, Decimal("2.5")),
    ("{divide: [1, {field: people}]}", {"people": 0}, None),   # not computable, never an error
    ("{divide: [1, {field: people}]}", {}, None),              # unanswered counts as 0
    ("{add: [1, {divide: [1, 0]}]}", {}, None),                # None goes through
    ("{floor: {of: {field: amount}, to: 1000}}", {"amount": 98765}, Decimal(98000)),
    ("{floor: {of: {field: amount}, to: 1000}}", {"amount": -1500}, Decimal(-2000)),  # toward −∞
    ("{ceil: {of: {field: amount}, to: 100}}", {"amount": 101}, Decimal(200)),
    ("{round: {of: 2.5}}", {}, Decimal(3)),                    # 四捨五入, not banker's rounding
    ("{round: {of: 3.5}}", {}, Decimal(4)),
    ("{round: {of: -2.5}}", {}, Decimal(-3)),
    ("{round: {of: {field: kw}, to: 0.01}}", {"kw": 4.915}, Decimal("4.92")),
    ("{round: {of: {field: kw}, to: 0.01}}", {"kw": 4.911}, Decimal("4.91")),
    ("{floor: {of: {field: kw}, to: 0.5}}", {"kw": 4.911}, Decimal("4.5")),
    ("{multiply: [{field: big}, {field: big}]}", {"big": 999_999_999_999_999}, None),  # beyond 10**20
])
def test_division_and_rounding(written, answers, expected):
    result = value(written, **answers)
    assert result == expected
    if expected is not None:
        assert str(result) == str(expected)


def test_the_subsidy_of_the_issue_千円未満切り捨て():
    subsidy = "{floor: {of: {min: [{multiply: [{field: kw}, 20000]}, 100000]}, to: 1000}}"
    assert value(subsidy, kw=4.911) == Decimal(98000)   # 98,220 → 98,000
    assert value(subsidy, kw=5.5) == Decimal(100000)    # capped
    assert value(subsidy, kw=0.04) == Decimal(0)
    assert str(value(subsidy, kw=4.911)) == "98000"


@pytest.mark.parametrize("written", [
    "{divide: [1]}", "{divide: [1, 2, 3]}", "{floor: {of: 1, to: 0}}", "{round: {of: 1, to: -1}}",
    "{floor: {of: 1, to: 0.0000001}}", "{floor: {to: 10}}", "{today: false}",
    "{add_days: {to: {today: true}}}", "{reaches_age: {birth: {today: true}, age: -1}}",
    "{days_between: [{today: true}]}",
])
def test_badly_shaped_operators_are_refused(written):
    with pytest.raises(ValidationError):
        expression(written)


def test_divide_says_what_to_write():
    with pytest.raises(ValidationError, match="割られる数, 割る数"):
        expression("{divide: [1]}")


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "answers", "expected"), [
    ("{field: death_date}", {"death_date": date(2026, 1, 15)}, date(2026, 1, 15)),
    ("{field: death_date}", {}, Decimal(0)),  # an unanswered question reads as an unanswered number
    ("{today: true}", {}, TODAY),
    ("{add_days: {to: {field: death_date}, days: 14}}", {"death_date": date(2026, 1, 15)}, date(2026, 1, 29)),
    ("{add_months: {to: {field: death_date}, months: 4}}", {"death_date": date(2026, 1, 15)}, date(2026, 5, 15)),
    ("{add_months: {to: {field: death_date}, months: 10}}", {"death_date": date(2026, 1, 31)}, date(2026, 11, 30)),
    ("{add_months: {to: {field: d}, months: 1}}", {"d": date(2026, 1, 31)}, date(2026, 2, 28)),
    ("{add_years: {to: {field: d}, years: 1}}", {"d": date(2024, 2, 29)}, date(2025, 2, 28)),
    ("{add_days: {to: {field: d}, days: -1}}", {"d": date(2026, 3, 1)}, date(2026, 2, 28)),
    ("{add_days: {to: {field: d}, days: 0.5}}", {"d": date(2026, 3, 1)}, None),    # whole days only
    ("{add_days: {to: {field: d}, days: 1}}", {"d": date(9999, 12, 31)}, None),    # beyond the calendar
    ("{add_days: {to: {field: d}, days: 1}}", {}, None),                            # not a date
    ("{add_days: {to: {field: d}, days: {field: n}}}", {"d": date(2026, 3, 1), "n": 10 ** 9}, None),
    ("{days_between: [{field: a}, {field: b}]}", {"a": date(2026, 5, 1), "b": date(2026, 5, 15)}, Decimal(14)),
    ("{days_between: [{field: a}, {field: b}]}", {"a": date(2026, 5, 1)}, None),
    ("{age: {birth: {field: b}}}", {"b": date(2008, 11, 27)}, Decimal(18)),        # on today: eve of the birthday
    ("{age: {birth: {field: b}}}", {"b": date(2008, 11, 28)}, Decimal(17)),
    ("{age: {birth: {field: b}, on: {field: d}}}", {"b": date(2008, 2, 29), "d": date(2026, 2, 28)}, Decimal(18)),
    ("{reaches_age: {birth: {field: b}, age: 18}}", {"b": date(2008, 4, 2)}, date(2026, 4, 1)),
    ("{fiscal_year: {field: d}}", {"d": date(2027, 3, 31)}, Decimal(2026)),
    ("{fiscal_year_end: {field: d}}", {"d": date(2026, 4, 1)}, date(2027, 3, 31)),
    ("{fiscal_year_end: {field: d}}", {"d": date(9999, 6, 1)}, None),
    ("{fiscal_year_end: {reaches_age: {birth: {field: b}, age: 18}}}", {"b": date(2008, 4, 1)}, date(2026, 3, 31)),
    ("{school_grade: {birth: {field: b}, on: {field: d}}}", {"b": date(2020, 4, 1), "d": date(2026, 4, 1)}, Decimal(1)),
    ("{school_grade: {birth: {field: b}}}", {"b": date(2014, 4, 2)}, Decimal(6)),  # 2026年度: 小学6年
    ("{min: [{field: a}, {field: b}]}", {"a": date(2026, 5, 1), "b": date(2026, 4, 1)}, date(2026, 4, 1)),
    ("{min: [{field: a}, 3]}", {"a": date(2026, 5, 1)}, None),                     # mixed kinds
    ("{add: [{field: a}, 3]}", {"a": date(2026, 5, 1)}, None),
    ("{if: {when: {field: a, answered: true}, then: {field: a}, else: {today: true}}}", {}, TODAY),
])
def test_dates(written, answers, expected):
    assert value(written, **answers) == expected


def test_a_forged_date_answer_is_not_a_date():
    assert value("{add_days: {to: {field: d}, days: 1}}", d="2026-01-01\x00") is None
    assert value("{age: {birth: {field: d}}}", d=["2008-01-01"]) is None


# --- kinds for the checker -------------------------------------------------------------------

class Kinds:
    """A definition as result_type reads it: a date question and computed values."""

    class Spec:
        def __init__(self, type_: str):
            self.type = type_

    class Item:
        def __init__(self, id_: str, written: str):
            self.id = id_
            self.expression = expression(written)

    def __init__(self):
        self.computed = [self.Item("deadline", "{add_days: {to: {field: death_date}, days: 14}}"),
                         self.Item("loop", "{computed: loop}")]

    def field_by_id(self, field_id):
        return self.Spec("date" if field_id.endswith("date") else "number")


@pytest.mark.parametrize(("written", "kind"), [
    ("3", "number"), ("{field: copies}", "number"), ("{field: death_date}", "date"),
    ("{computed: deadline}", "date"), ("{computed: loop}", "number"), ("{computed: missing}", "number"),
    ("{age: {birth: {field: birth_date}}}", "number"), ("{fiscal_year_end: {today: true}}", "date"),
    ("{min: [{field: death_date}, {today: true}]}", "date"),
    ("{if: {when: {field: x, answered: true}, then: {field: death_date}, else: {today: true}}}", "date"),
])
def test_result_type(written, kind):
    assert expression(written).result_type(Kinds()) == kind


@pytest.mark.parametrize(("written", "path", "message"), [
    ("{add: [{field: death_date}, 14]}", ("add", 0), "add_days"),
    ("{subtract: [{field: end_date}, {field: start_date}]}", ("subtract", 0), "days_between"),
    ("{multiply: [{field: death_date}, 2]}", ("multiply", 0), "multiply の1番目 には数値になる式"),
    ("{add_days: {to: {field: copies}, days: 1}}", ("add_days", "to"), "add_days の to には日付になる式"),
    ("{add_months: {to: {today: true}, months: {today: true}}}", ("add_months", "months"), "数値になる式"),
    ("{age: {birth: 2008}}", ("age", "birth"), "日付になる式"),
    ("{floor: {of: {today: true}, to: 10}}", ("floor", "of"), "floor の of には数値"),
    ("{min: [{today: true}, 3]}", ("min", 1), "数値どうし、または日付どうし"),
    ("{if: {when: {field: x, answered: true}, then: {today: true}, else: 0}}", ("if", "else"), "同じ種類"),
    ("{add: [1, {days_between: [{today: true}, 3]}]}", ("add", 1, "days_between", 1), "日付になる式"),
    ("{sum: {page: items, of: {today: true}}}", ("sum", "of"), "sum の of には数値"),
])
def test_type_problems_say_where_and_what_to_write(written, path, message):
    problems = list(expression(written).type_problems(Kinds()))
    assert [p for p, _ in problems] == [path]
    assert message in problems[0][1]


def test_well_typed_expressions_have_no_problems():
    for written in ("{add: [{days_between: [{field: start_date}, {today: true}]}, 1]}",
                    "{fiscal_year_end: {reaches_age: {birth: {field: birth_date}, age: 18}}}",
                    "{floor: {of: {divide: [{field: amount}, 2]}, to: 1000}}"):
        assert list(expression(written).type_problems(Kinds())) == []


def test_references_reach_into_the_new_operators():
    refs = expression("""
        add_days:
          to: {fiscal_year_end: {field: birth_date}}
          days: {floor: {of: {divide: [{field: a}, {computed: c}]}}}
    """).references()
    assert refs.fields == {"birth_date", "a"}
    assert refs.computed == {"c"}
    refs = expression("{if: {when: {computed: subsidy, gt: 0}, then: 1, else: 0}}").references()
    assert refs.computed == {"subsidy"}


# --- showing and storing ---------------------------------------------------------------------

@pytest.mark.parametrize(("number", "places", "shown"), [
    (Decimal("98000"), None, "98,000"), (Decimal("4.9110"), None, "4.911"), (Decimal("1.2E+4"), None, "12,000"),
    (Decimal("4.9"), 2, "4.90"), (Decimal("4.915"), 2, "4.92"), (Decimal("-0.001"), 2, "0.00"),
    (Decimal("-1234.5"), 0, "-1,235"), (Decimal("1E-10"), None, "0.0000000001"),
    (Decimal("99999999999999999999.5"), 6, "99,999,999,999,999,999,999.500000"),
])
def test_numbers_are_shown_in_plain_notation(number, places, shown):
    assert format_number(number, places) == shown


def test_units_and_storage():
    assert with_unit("4.91", "kW") == "4.91kW"
    assert with_unit("4.91", "kW", "en") == "4.91 kW"
    assert with_unit("3", " copies ", "en") == "3 copies"
    assert with_unit("12,000", "円", "en") == "12,000円"
    assert plain_decimal(Decimal("1.2E+4")) == "12000" and plain_decimal(Decimal("-0")) == "0"
    assert round_to(None, Decimal(1), "floor") is None


@pytest.mark.parametrize(("stored", "read"), [
    ("98000", Decimal(98000)), ("4.91", Decimal("4.91")), ("2027-03-31", date(2027, 3, 31)), (12, Decimal(12)),
    ("2027-02-30", None), ("NaN", None), ("Infinity", None), ("1e999999", None), ("1" * 100, None),
    ("abc", None), ("", None), (None, None), (True, None), ({"x": 1}, None), ("2027-03-31\x00", None),
])
def test_stored_values_are_read_back_or_refused_quietly(stored, read):
    assert value_from_json(stored) == read


def test_an_expression_with_no_operator_is_still_refused():
    with pytest.raises(ValidationError, match="演算を1つだけ"):
        Expression.model_validate({})
