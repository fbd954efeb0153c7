"""Computed values (fees, totals) as data.

``{multiply: [{field: copies}, 300]}`` or
``{sum: {page: items, of: {amount: item_kind}}}``: each mapping has exactly one operator.
Plain numbers are literals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import BeforeValidator, Field, model_validator

from formsvc.vocabulary.common import AlsoAccepts, Identifier, StrictModel
from formsvc.vocabulary.conditions import AnswerLookup, Condition

OPERATORS = ("literal", "field", "amount", "count", "computed", "add", "subtract", "multiply",
             "min", "max", "sum", "if_")


def _number_as_literal(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"literal": value}
    return value


class SumOver(StrictModel):
    page: Identifier = Field(description="繰り返しページのID")
    of: ExpressionValue = Field(description="各件について計算する式")


class IfThenElse(StrictModel):
    when: Condition
    then: ExpressionValue
    else_: ExpressionValue = Field(alias="else")


class Expression(StrictModel):
    literal: int | float | None = None
    field: Identifier | None = Field(None, description="数値の回答 (数値項目・はい/いいえは1/0)")
    amount: Identifier | None = Field(None, description="選択肢に書いた amount の合計")
    count: Identifier | None = Field(None, description="繰り返しページの件数")
    computed: Identifier | None = Field(None, description="computed に定義した別の値")
    add: list[ExpressionValue] | None = Field(None, min_length=1)
    subtract: list[ExpressionValue] | None = Field(None, min_length=2)
    multiply: list[ExpressionValue] | None = Field(None, min_length=1)
    min: list[ExpressionValue] | None = Field(None, min_length=1)
    max: list[ExpressionValue] | None = Field(None, min_length=1)
    sum: SumOver | None = None
    if_: IfThenElse | None = Field(None, alias="if")

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> Expression:
        present = [name for name in OPERATORS if getattr(self, name) is not None]
        if len(present) != 1:
            names = ", ".join(name.rstrip("_") for name in OPERATORS if name != "literal")
            raise ValueError(f"式には演算を1つだけ書いてください (数値、または {names} のどれか)")
        return self

    def operator(self) -> str:
        return next(name for name in OPERATORS if getattr(self, name) is not None)

    # --- static analysis ---------------------------------------------------------------

    def references(self) -> References:
        """What this expression reads; inside ``sum``, the item's fields are in ``item_fields``."""
        refs = References()
        for name in ("field", "amount"):
            if getattr(self, name):
                refs.fields.add(getattr(self, name))
        if self.count:
            refs.pages.add(self.count)
        if self.computed:
            refs.computed.add(self.computed)
        if self.if_ is not None:
            refs.fields |= self.if_.when.field_references()
            refs.pages |= self.if_.when.count_references()
        if self.sum is not None:
            refs.pages.add(self.sum.page)
            inner = self.sum.of.references()
            refs.item_fields |= inner.fields | inner.item_fields
            refs.pages |= inner.pages
            refs.computed |= inner.computed
        for child in self._children():
            refs.merge(child.references())
        return refs

    def _children(self) -> list[Expression]:
        children: list[Expression] = []
        for name in ("add", "subtract", "multiply", "min", "max"):
            children.extend(getattr(self, name) or [])
        if self.if_ is not None:
            children.extend([self.if_.then, self.if_.else_])
        return children

    # --- evaluation --------------------------------------------------------------------

    def evaluate(self, answers: AnswerLookup, env: Environment) -> Decimal:
        """Evaluate with Decimal arithmetic (money must not pick up float error).

        Unanswered numbers count as 0, so a fee can be shown as soon as the resident starts.
        The checker has refused cycles between computed values before we get here.
        """
        # Exactly one operator is set (the model validator saw to it); testing the attributes
        # themselves lets the type checker follow along.
        if self.literal is not None:
            return Decimal(str(self.literal))
        if self.field is not None:
            return to_decimal(answers.value(self.field))
        if self.amount is not None:
            amounts = env.choice_amounts(self.amount)
            selected = answers.value(self.amount)
            values = selected if isinstance(selected, list | tuple) else [selected]
            return sum((amounts.get(v, Decimal(0)) for v in values), Decimal(0))
        if self.count is not None:
            return Decimal(len(answers.items(self.count)))
        if self.computed is not None:
            return env.computed(self.computed).evaluate(answers, env)
        if self.sum is not None:
            total = Decimal(0)
            for item in answers.items(self.sum.page):
                total += self.sum.of.evaluate(ItemScope(item, answers), env)
            return total
        if self.if_ is not None:
            branch = self.if_.then if self.if_.when.evaluate(answers) else self.if_.else_
            return branch.evaluate(answers, env)
        op = self.operator()
        values = [child.evaluate(answers, env) for child in getattr(self, op)]
        if op == "add":
            return sum(values, Decimal(0))
        if op == "subtract":
            return values[0] - sum(values[1:], Decimal(0))
        if op == "multiply":
            product = Decimal(1)
            for value in values:
                product *= value
            return product
        return min(values) if op == "min" else max(values)


class Environment(Protocol):
    """What an expression needs from its definition besides the answers."""

    def choice_amounts(self, field_id: str) -> Mapping[str, Decimal]: ...

    def computed(self, computed_id: str) -> Expression: ...


@dataclass
class References:
    fields: set[str] = dataclass_field(default_factory=set)
    item_fields: set[str] = dataclass_field(default_factory=set)
    pages: set[str] = dataclass_field(default_factory=set)
    computed: set[str] = dataclass_field(default_factory=set)

    def merge(self, other: References) -> None:
        self.fields |= other.fields
        self.item_fields |= other.item_fields
        self.pages |= other.pages
        self.computed |= other.computed


ExpressionValue = Annotated[
    Expression, BeforeValidator(_number_as_literal), AlsoAccepts({"type": "number"})
]


class ItemScope:
    """Answers seen from inside one item of a repeating page: the item's own answers first."""

    def __init__(self, item: Mapping[str, Any], outer: AnswerLookup):
        self._item = item
        self._outer = outer
        self.today = outer.today

    def value(self, field_id: str) -> Any:
        if field_id in self._item:
            return self._item[field_id]
        return self._outer.value(field_id)

    def items(self, page_id: str) -> Sequence[Mapping[str, Any]]:
        return self._outer.items(page_id)


# More whole digits than any number answer holds (formsvc.fields.number reads at most 15).
MAX_ANSWER_DIGITS = 15


def to_decimal(value: Any) -> Decimal:
    """An answer as a number. What is no number counts as unanswered (0): NaN, Infinity and
    numbers of thousands of digits, which answers saved before number input was bounded may
    hold, and which would make the fee impossible to compare, store or print."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, list | tuple):
        return Decimal(len(value))
    try:
        number = Decimal(str(value))  # str() of an int of over 4,300 digits raises ValueError
    except (ArithmeticError, ValueError):
        return Decimal(0)
    if not number.is_finite() or number.adjusted() >= MAX_ANSWER_DIGITS:
        return Decimal(0)
    return number


SumOver.model_rebuild()
IfThenElse.model_rebuild()
Expression.model_rebuild()
