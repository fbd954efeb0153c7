"""Conditions: data, never code.

A condition is a small YAML mapping, e.g. ``{field: relationship, equals: 本人}`` or
``{all: [{field: has_spouse, equals: true}, {field: spouse_income, gte: 1000000}]}``.
It is evaluated by walking the data; nothing is ever passed to eval().
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from pydantic import Field, model_validator

from formsvc.vocabulary.common import Identifier, Scalar, StrictModel

COMPARISONS = ("gt", "gte", "lt", "lte")
# Operators whose operand may be another answer, written {field: other_id}.
REFERABLE = ("equals", "not_equals", *COMPARISONS)
VALUE_OPERATORS = ("equals", "not_equals", "one_of", "contains", "answered", *COMPARISONS)
OPERANDS = ("field", "count")
COMBINATORS = ("all", "any", "not_")


class DateOffset(StrictModel):
    """A date relative to the day the answer is checked: ``{days_from_today: 7}``."""

    days_from_today: int

    def resolve(self, today: date) -> date:
        return today + timedelta(days=self.days_from_today)


class FieldRef(StrictModel):
    """The answer to another field, for comparisons between answers."""

    field: Identifier


Comparable = int | float | date | DateOffset | FieldRef


class AnswerLookup(Protocol):
    """What conditions and expressions need to read: answers by field id."""

    def value(self, field_id: str) -> Any: ...

    def items(self, page_id: str) -> Sequence[Mapping[str, Any]]: ...

    today: date


class Condition(StrictModel):
    """Exactly one of: ``all``, ``any``, ``not``, or an operand with one operator."""

    field: Identifier | None = Field(None, description="比べる回答の項目ID")
    count: Identifier | None = Field(None, description="繰り返しページのID (件数を比べる)")
    equals: Scalar | FieldRef | None = Field(None, description="値、または {field: 別の項目ID}")
    not_equals: Scalar | FieldRef | None = Field(None, description="値、または {field: 別の項目ID}")
    one_of: list[Scalar] | None = None
    contains: Scalar | None = Field(None, description="複数選択の回答に含まれるか")
    answered: bool | None = None
    gt: Comparable | None = None
    gte: Comparable | None = None
    lt: Comparable | None = None
    lte: Comparable | None = None
    all: list[Condition] | None = Field(None, min_length=1)
    any: list[Condition] | None = Field(None, min_length=1)
    not_: Condition | None = Field(None, alias="not")

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        combinators = [name for name in COMBINATORS if getattr(self, name) is not None]
        operands = [name for name in OPERANDS if getattr(self, name) is not None]
        operators = [name for name in VALUE_OPERATORS if getattr(self, name) is not None]
        if combinators:
            if len(combinators) > 1 or operands or operators:
                raise ValueError(
                    "all / any / not は1つの条件に1つだけ書き、field などと混ぜないでください"
                )
            return self
        if len(operands) != 1:
            raise ValueError(
                "条件には field (回答) か count (繰り返しの件数) のどちらか1つが必要です。"
                "または all / any / not で条件を組み合わせてください"
            )
        if len(operators) != 1:
            allowed = ", ".join(name for name in VALUE_OPERATORS)
            found = f" ({' と '.join(operators)} が書かれています)" if operators else ""
            raise ValueError(f"条件には比較を1つだけ書いてください{found}。使えるもの: {allowed}")
        return self

    # --- static analysis -------------------------------------------------------------

    def field_references(self) -> set[str]:
        refs: set[str] = set()
        if self.field:
            refs.add(self.field)
        for name in REFERABLE:
            operand = getattr(self, name)
            if isinstance(operand, FieldRef):
                refs.add(operand.field)
        for child in self.children():
            refs |= child.field_references()
        return refs

    def count_references(self) -> set[str]:
        refs = {self.count} if self.count else set()
        for child in self.children():
            refs |= child.count_references()
        return refs

    def children(self) -> list[Condition]:
        if self.all is not None:
            return list(self.all)
        if self.any is not None:
            return list(self.any)
        if self.not_ is not None:
            return [self.not_]
        return []

    def compared_values(self) -> list[Scalar]:
        """Literal values compared with equals / not_equals / one_of / contains."""
        if self.one_of is not None:
            return list(self.one_of)
        return [v for v in (self.equals, self.not_equals, self.contains)
                if v is not None and not isinstance(v, FieldRef)]

    # --- evaluation ------------------------------------------------------------------

    def evaluate(self, answers: AnswerLookup) -> bool:
        if self.all is not None:
            return all(child.evaluate(answers) for child in self.all)
        if self.any is not None:
            return any(child.evaluate(answers) for child in self.any)
        if self.not_ is not None:
            return not self.not_.evaluate(answers)
        # A leaf compares a field's answer or a repeating page's item count (the validator
        # requires one of them).
        actual = len(answers.items(self.count)) if self.count else answers.value(self.field or "")
        if self.answered is not None:
            return is_answered(actual) == self.answered
        if self.equals is not None:
            return actual == resolve_comparable(self.equals, answers)
        if self.not_equals is not None:
            return actual != resolve_comparable(self.not_equals, answers)
        if self.one_of is not None:
            return actual in self.one_of
        if self.contains is not None:
            return isinstance(actual, list | tuple | set) and self.contains in actual
        return self._compare(actual, answers)

    def _compare(self, actual: Any, answers: AnswerLookup) -> bool:
        for name in COMPARISONS:
            operand = getattr(self, name)
            if operand is None:
                continue
            expected = resolve_comparable(operand, answers)
            if not is_answered(actual) or not is_answered(expected):
                return False
            try:
                return _COMPARE[name](actual, expected)
            except TypeError:  # e.g. a date compared with a number: never true
                return False
        return False


_COMPARE = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def resolve_comparable(operand: Comparable | Scalar, answers: AnswerLookup) -> Any:
    if isinstance(operand, DateOffset):
        return operand.resolve(answers.today)
    if isinstance(operand, FieldRef):
        return answers.value(operand.field)
    return operand


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict | set):
        return bool(value) and not (isinstance(value, dict) and not any(value.values()))
    return True
