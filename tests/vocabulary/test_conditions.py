"""Conditions (show_if, rules) evaluated against answers, as written in YAML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from formsvc.vocabulary.conditions import Condition, is_answered
from tests.vocabulary.support import Answers

ANSWERS = Answers(
    fields={
        "requester": "agent",
        "copies": 3,
        "has_spouse": True,
        "income": 1200000,
        "limit": 1000000,
        "need_reasons": ["work", "illness"],
        "note": "",
        "birth_date": date(2020, 4, 1),
        "move_in_date": date(2026, 11, 20),
    },
    repeated={"children": [{"child_name": "太郎"}, {"child_name": "花子"}]},
)


def condition(text: str) -> Condition:
    """A condition exactly as an administrator writes it in a definition."""
    return Condition.model_validate(yaml.safe_load(text))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("{field: requester, equals: agent}", True),
        ("{field: requester, equals: self}", False),
        ("{field: requester, not_equals: self}", True),
        ("{field: requester, one_of: [household, agent]}", True),
        ("{field: requester, one_of: [self, household]}", False),
        ("{field: need_reasons, contains: work}", True),
        ("{field: need_reasons, contains: study}", False),
        ("{field: requester, contains: agent}", False),  # not a list: contains is never true
        ("{field: has_spouse, equals: true}", True),
        ("{field: has_spouse, equals: false}", False),
        ("{field: note, answered: true}", False),
        ("{field: note, answered: false}", True),
        ("{field: unanswered_question, answered: false}", True),
        ("{field: need_reasons, answered: true}", True),
        ("{field: copies, gt: 2}", True),
        ("{field: copies, gt: 3}", False),
        ("{field: copies, gte: 3}", True),
        ("{field: copies, lt: 3}", False),
        ("{field: copies, lte: 3}", True),
        ("{field: income, gt: {field: limit}}", True),
        ("{field: limit, gte: {field: income}}", False),
        ("{count: children, gte: 2}", True),
        ("{count: children, gt: 2}", False),
        ("{count: no_items_yet, equals: 0}", True),
    ],
)
def test_a_single_comparison(written, expected):
    assert condition(written).evaluate(ANSWERS) is expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("{field: birth_date, lt: 2021-01-01}", True),
        ("{field: birth_date, gte: 2021-01-01}", False),
        # within the last 7 days: moved in on 11-20, today is 11-26
        ("{field: move_in_date, gte: {days_from_today: -7}}", True),
        ("{field: move_in_date, gte: {days_from_today: -5}}", False),
        ("{field: move_in_date, lte: {days_from_today: 0}}", True),
    ],
)
def test_dates_compare_with_fixed_dates_and_with_today(written, expected):
    assert condition(written).evaluate(ANSWERS) is expected


def test_days_from_today_follows_the_day_of_the_answers():
    later = Answers(fields=ANSWERS.fields, today=date(2026, 11, 28))
    written = condition("{field: move_in_date, gte: {days_from_today: -7}}")
    assert written.evaluate(ANSWERS) is True
    assert written.evaluate(later) is False


@pytest.mark.parametrize(
    "written",
    [
        "{field: unanswered_number, lt: 10}",  # an unanswered number is not "less than 10"
        "{field: unanswered_number, gte: 0}",
        "{field: copies, lt: {field: unanswered_number}}",
        "{field: birth_date, gt: 3}",  # a date and a number: never comparable
    ],
)
def test_comparisons_with_no_answer_or_mismatched_types_are_false(written):
    assert condition(written).evaluate(ANSWERS) is False


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("{all: [{field: has_spouse, equals: true}, {field: income, gte: 1000000}]}", True),
        ("{all: [{field: has_spouse, equals: true}, {field: income, lt: 1000000}]}", False),
        ("{any: [{field: requester, equals: self}, {field: copies, gt: 2}]}", True),
        ("{any: [{field: requester, equals: self}, {field: copies, gt: 5}]}", False),
        ("{not: {field: requester, equals: self}}", True),
        ("{not: {any: [{field: requester, equals: agent}, {field: copies, gt: 5}]}}", False),
        ("{all: [{any: [{field: requester, equals: self}, {count: children, gte: 1}]},"
         " {not: {field: note, answered: true}}]}", True),
    ],
)
def test_conditions_combine_with_all_any_not(written, expected):
    assert condition(written).evaluate(ANSWERS) is expected


def test_references_are_collected_for_the_checker():
    written = condition(
        "{all: [{field: requester, equals: agent}, {field: income, gt: {field: limit}},"
        " {not: {count: children, gte: 1}}]}"
    )
    assert written.field_references() == {"requester", "income", "limit"}
    assert written.count_references() == {"children"}


@pytest.mark.parametrize(
    ("value", "answered"),
    [
        (None, False), ("", False), ([], False), ({}, False),
        ({"family": "", "given": ""}, False),  # a name with both boxes empty
        ("山田", True), (0, True), (False, True), (["a"], True), ({"family": "山田", "given": ""}, True),
    ],
)
def test_what_counts_as_answered(value, answered):
    assert is_answered(value) is answered


def test_equals_can_compare_with_another_answer():
    from formsvc.vocabulary.conditions import Condition as C

    same = C.model_validate({"field": "second_choice", "not_equals": {"field": "first_choice"}})

    class Both:
        today = None

        def __init__(self, first, second):
            self.answers = {"first_choice": first, "second_choice": second}

        def value(self, field_id):
            return self.answers.get(field_id)

        def items(self, page_id):
            return []

    assert same.evaluate(Both("a", "b")) is True
    assert same.evaluate(Both("a", "a")) is False
    assert same.field_references() == {"first_choice", "second_choice"}


# --- computed values and date offsets (definition language v2) ------------------------------

COMPUTED = Answers(
    fields={"death_date": date(2026, 1, 31), "kw": 4.911, "copies": 3},
    computed={"subsidy": Decimal(98000), "deadline": date(2026, 2, 14), "unknown": None},
    today=date(2026, 4, 30),
)


@pytest.mark.parametrize(("written", "expected"), [
    ("{computed: subsidy, gte: 98000}", True),
    ("{computed: subsidy, gt: 98000}", False),
    ("{computed: subsidy, equals: 98000}", True),
    ("{computed: subsidy, answered: true}", True),
    ("{computed: unknown, answered: true}", False),      # not computable yet
    ("{computed: unknown, gt: 0}", False),
    ("{computed: deadline, lt: {days_from_today: 0}}", True),
    ("{field: kw, gte: 4.911}", True),                    # the float answer compares as typed
    ("{field: kw, equals: 4.911}", True),
    ("{computed: subsidy, lt: {computed: deadline}}", False),  # a number and a date: never
    ("{field: copies, lte: {computed: subsidy}}", True),
    # {field: …, months: N}: 31 January + 3 months = 30 April (month-end clamped).
    ("{field: death_date, gte: {months_from_today: -3}}", True),
    ("{field: death_date, gte: {months_from_today: -3, days_from_today: 2}}", False),
    ("{computed: deadline, gte: {field: death_date, days: 14}}", True),
    ("{computed: deadline, gt: {field: death_date, days: 14}}", False),
    ("{field: death_date, lt: {field: death_date, years: 1}}", True),
    ("{field: copies, lt: {field: copies, days: 1}}", False),  # only dates move
])
def test_conditions_on_computed_values_and_date_offsets(written, expected):
    assert condition(written).evaluate(COMPUTED) is expected


def test_within_three_months_of_the_death_date():
    within = condition("{field: death_date, gte: {months_from_today: -3}}")
    assert within.evaluate(Answers(fields={"death_date": date(2026, 1, 31)}, today=date(2026, 4, 30)))
    assert not within.evaluate(Answers(fields={"death_date": date(2026, 1, 29)}, today=date(2026, 4, 30)))


def test_computed_references_are_collected():
    written = condition("""
        all:
          - {computed: subsidy, gt: 0}
          - {field: death_date, lt: {computed: deadline, days: 1}}
          - not: {field: copies, equals: {computed: other}}
    """)
    assert written.computed_references() == {"subsidy", "deadline", "other"}
    assert written.field_references() == {"death_date", "copies"}


@pytest.mark.parametrize("written", [
    "{computed: subsidy, field: copies, gt: 0}",
    "{field: death_date, gt: {}}",
    "{field: death_date, gt: {days_from_today: 100000}}",
    "{field: death_date, gt: {field: other, months: 99999}}",
    "{field: death_date, gt: {computed: x, weeks: 1}}",
])
def test_badly_shaped_computed_and_offset_operands_are_refused(written):
    with pytest.raises(ValueError):
        condition(written)


def test_a_hostile_computed_value_compares_as_false():
    hostile = Answers(computed={"subsidy": "98000\x00"})
    assert condition("{computed: subsidy, gt: 0}").evaluate(hostile) is False
    assert condition("{computed: subsidy, lt: 0}").evaluate(hostile) is False
