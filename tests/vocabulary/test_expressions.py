"""Fees and computed values: Decimal arithmetic over answers, as written in YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import yaml
from pydantic import TypeAdapter

from formsvc.vocabulary.expressions import Expression, ExpressionValue
from tests.vocabulary.support import Answers


@dataclass
class Definition:
    """What an expression reads from its definition: choice amounts and other computed values."""

    amounts: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    computed_values: dict[str, Expression] = field(default_factory=dict)

    def choice_amounts(self, field_id: str) -> dict[str, Decimal]:
        return self.amounts.get(field_id, {})

    def computed(self, computed_id: str) -> Expression:
        return self.computed_values[computed_id]


def expression(text: str) -> Expression:
    """An expression exactly as an administrator writes it (a plain number is allowed)."""
    return TypeAdapter(ExpressionValue).validate_python(yaml.safe_load(text))


GOMI = Definition(
    amounts={
        "item_kind": {"sofa": Decimal(1000), "chair": Decimal(300), "bicycle": Decimal(500)},
        "delivery": {"mail": Decimal(140), "counter": Decimal(0)},
        "extras": {"express": Decimal(200), "receipt": Decimal(50)},
    }
)
ITEMS = {"items": [
    {"item_kind": "sofa", "quantity": 1},
    {"item_kind": "chair", "quantity": 4},
    {"item_kind": "bicycle"},  # quantity not answered yet: counts as 0
]}


@pytest.mark.parametrize(
    ("written", "answers", "fee"),
    [
        ("300", {}, Decimal(300)),
        ("{multiply: [{field: copies}, 300]}", {"copies": 3}, Decimal(900)),
        ("{multiply: [{field: copies}, 300]}", {}, Decimal(0)),  # before the resident answers
        ("{add: [{field: copies}, 1, 2]}", {"copies": 3}, Decimal(6)),
        ("{subtract: [1000, {field: discount}, 100]}", {"discount": 250}, Decimal(650)),
        ("{min: [{field: copies}, 5]}", {"copies": 7}, Decimal(5)),
        ("{max: [{field: copies}, 1]}", {"copies": 0}, Decimal(1)),
        ("{add: [0.1, 0.2]}", {}, Decimal("0.3")),  # Decimal, so no float error in money
        ("{multiply: [{field: vaccinated}, 550]}", {"vaccinated": True}, Decimal(550)),
        ("{multiply: [{field: vaccinated}, 550]}", {"vaccinated": False}, Decimal(0)),
        ("{multiply: [{field: reasons}, 100]}", {"reasons": ["a", "b", "c"]}, Decimal(300)),
        ("{amount: delivery}", {"delivery": "mail"}, Decimal(140)),
        ("{amount: extras}", {"extras": ["express", "receipt"]}, Decimal(250)),
        ("{amount: delivery}", {}, Decimal(0)),
    ],
)
def test_arithmetic(written, answers, fee):
    result = expression(written).evaluate(Answers(fields=answers), GOMI)
    assert isinstance(result, Decimal)
    assert result == fee


def test_a_sum_over_the_items_of_a_repeating_page():
    fee = expression("{sum: {page: items, of: {multiply: [{amount: item_kind}, {field: quantity}]}}}")
    assert fee.evaluate(Answers(repeated=ITEMS), GOMI) == Decimal(1000 + 4 * 300)


def test_a_sum_with_no_items_is_zero():
    fee = expression("{sum: {page: items, of: {amount: item_kind}}}")
    assert fee.evaluate(Answers(), GOMI) == Decimal(0)


def test_inside_a_sum_answers_outside_the_page_are_still_readable():
    fee = expression("{sum: {page: items, of: {multiply: [{field: quantity}, {field: unit_price}]}}}")
    answers = Answers(fields={"unit_price": 200}, repeated=ITEMS)
    assert fee.evaluate(answers, GOMI) == Decimal((1 + 4 + 0) * 200)


def test_count_of_a_repeating_page():
    fee = expression("{multiply: [{count: items}, 100]}")
    assert fee.evaluate(Answers(repeated=ITEMS), GOMI) == Decimal(300)


@pytest.mark.parametrize(("method", "fee"), [("mail", Decimal(440)), ("counter", Decimal(300))])
def test_if_then_else(method, fee):
    written = expression("""
        add:
          - 300
          - if:
              when: {field: receive_method, equals: mail}
              then: 140
              else: 0
    """)
    assert written.evaluate(Answers(fields={"receive_method": method}), GOMI) == fee


def test_if_inside_a_sum_tests_each_item():
    written = expression("""
        sum:
          page: items
          of:
            if:
              when: {field: item_kind, equals: sofa}
              then: 1000
              else: {amount: item_kind}
    """)
    assert written.evaluate(Answers(repeated=ITEMS), GOMI) == Decimal(1000 + 300 + 500)


def test_computed_values_may_use_other_computed_values():
    definition = Definition(amounts=GOMI.amounts)
    definition.computed_values = {
        "subtotal": expression("{sum: {page: items, of: {multiply: [{amount: item_kind}, {field: quantity}]}}}"),
        "tax": expression("{multiply: [{computed: subtotal}, 0.1]}"),
        "total": expression("{add: [{computed: subtotal}, {computed: tax}]}"),
    }
    total = expression("{computed: total}").evaluate(Answers(repeated=ITEMS), definition)
    assert total == Decimal("2420.0")
    assert str(total) == "2420.0"  # exact: 2200 + 10% computed in Decimal


def test_references_are_collected_for_the_checker():
    written = expression("""
        add:
          - {multiply: [{field: copies}, 300]}
          - {sum: {page: items, of: {multiply: [{amount: item_kind}, {field: quantity}]}}}
          - {computed: postage}
          - if: {when: {field: receive_method, equals: mail}, then: {count: items}, else: 0}
    """)
    refs = written.references()
    assert refs.fields == {"copies", "receive_method"}
    assert refs.item_fields == {"item_kind", "quantity"}
    assert refs.pages == {"items"}
    assert refs.computed == {"postage"}
