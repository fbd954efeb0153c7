"""Conditions: data, never code.

A condition is a small YAML mapping, e.g. ``{field: relationship, equals: 本人}`` or
``{all: [{field: has_spouse, equals: true}, {field: spouse_income, gte: 1000000}]}``.
It is evaluated by walking the data; nothing is ever passed to eval().
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import Field, model_validator

from formsvc.vocabulary import dates
from formsvc.vocabulary.common import Identifier, Regex, Scalar, StrictModel

if TYPE_CHECKING:
    from formsvc.vocabulary.expressions import Expression

COMPARISONS = ("gt", "gte", "lt", "lte")
# Operators whose operand may be another answer, written {field: other_id}.
REFERABLE = ("equals", "not_equals", *COMPARISONS)
VALUE_OPERATORS = ("equals", "not_equals", "one_of", "contains", "answered", *COMPARISONS, "matches")
OPERANDS = ("field", "count", "computed", "expression")
# Offsets a date operand may be moved by; beyond them no procedure means it.
MAX_OFFSET_DAYS = 200 * 366
MAX_OFFSET_MONTHS = 200 * 12
MAX_OFFSET_YEARS = 200
COMBINATORS = ("all", "any", "not_")


class DateOffset(StrictModel):
    """A date relative to the day the answer is checked: ``{days_from_today: 7}``,
    ``{months_from_today: -3}`` (3 months ago, month-end clamped), or both (months first)."""

    days_from_today: int = Field(0, ge=-MAX_OFFSET_DAYS, le=MAX_OFFSET_DAYS)
    months_from_today: int = Field(0, ge=-MAX_OFFSET_MONTHS, le=MAX_OFFSET_MONTHS)

    @model_validator(mode="after")
    def _an_offset(self) -> DateOffset:
        if not self.model_fields_set & {"days_from_today", "months_from_today"}:
            raise ValueError("days_from_today (日数) か months_from_today (月数) を書いてください"
                             " (例: {days_from_today: 7}、{months_from_today: -3})")
        return self

    def resolve(self, today: date) -> date:
        return dates.add_days(dates.add_months(today, self.months_from_today), self.days_from_today)


class DateShift(StrictModel):
    """Optional ``days`` / ``months`` / ``years`` added to a date operand: ``{field: death_date,
    months: 3}`` is 3 months after the death date (years, then months, then days; month-end
    clamped: 1月31日 + 1か月 = 2月末日)."""

    days: int | None = Field(None, ge=-MAX_OFFSET_DAYS, le=MAX_OFFSET_DAYS, description="足す日数")
    months: int | None = Field(None, ge=-MAX_OFFSET_MONTHS, le=MAX_OFFSET_MONTHS, description="足す月数")
    years: int | None = Field(None, ge=-MAX_OFFSET_YEARS, le=MAX_OFFSET_YEARS, description="足す年数")

    def shifted(self, value: Any) -> Any:
        """``value`` moved by the offsets; without offsets, ``value`` itself; None when it is not
        a date (a number cannot be moved by months) or the result is beyond the calendar."""
        if not self.has_offset():
            return value
        if not isinstance(value, date):
            return None
        try:
            moved = dates.add_months(value, (self.years or 0) * 12 + (self.months or 0))
            return dates.add_days(moved, self.days or 0)
        except (OverflowError, ValueError):
            return None

    def has_offset(self) -> bool:
        return self.days is not None or self.months is not None or self.years is not None


class FieldRef(DateShift):
    """The answer to another field, for comparisons between answers; with an offset on dates
    (``{field: death_date, months: 3}``)."""

    field: Identifier


class ComputedRef(DateShift):
    """A computed value, for comparisons: ``{computed: subsidy, lt: {computed: cap}}``."""

    computed: Identifier


class CountRef(StrictModel):
    """The number of items of a repeating page, for comparing two counts:
    ``{count: members, gte: {count: children}}``; ``where`` counts only the items it holds for."""

    count: Identifier
    where: Condition | None = None

    def resolve(self, answers: AnswerLookup) -> int:
        return count_items(answers, self.count, self.where)


Comparable = int | float | date | DateOffset | FieldRef | CountRef | ComputedRef


class AnswerLookup(Protocol):
    """What conditions and expressions need to read: answers by field id."""

    def value(self, field_id: str) -> Any: ...

    def items(self, page_id: str) -> Sequence[Mapping[str, Any]]: ...

    def computed_value(self, computed_id: str) -> Any:
        """A computed value (Decimal, date, or None when not computable)."""
        ...

    today: date


class Condition(StrictModel):
    """Exactly one of: ``all``, ``any``, ``not``, or an operand with one operator."""

    field: Identifier | None = Field(None, description="比べる回答の項目ID")
    count: Identifier | None = Field(None, description="繰り返しページのID (件数を比べる)")
    computed: Identifier | None = Field(None, description="比べる computed の値のID")
    # An expression evaluated where the condition is (inside an item: with the item's answers),
    # e.g. a household member's age: {expression: {age: {birth: {field: member_birth_date}}}, gte: 15}.
    expression: Expression | None = Field(
        None, description="比べる式 (その場で計算する。例: {age: {birth: {field: member_birth_date}}})")
    where: Condition | None = Field(None, description="count で数える件の条件 (各件の項目で判定)")
    equals: Scalar | FieldRef | ComputedRef | None = Field(
        None, description="値、または {field: 別の項目ID} / {computed: 計算値ID}")
    not_equals: Scalar | FieldRef | ComputedRef | None = Field(
        None, description="値、または {field: 別の項目ID} / {computed: 計算値ID}")
    one_of: list[Scalar] | None = None
    contains: Scalar | None = Field(None, description="複数選択の回答に含まれるか")
    answered: bool | None = None
    matches: Regex | None = Field(
        None, description="正規表現 (テキストの回答全体が一致するか。例: '[0-9]{6}')")
    gt: Comparable | None = None
    gte: Comparable | None = None
    lt: Comparable | None = None
    lte: Comparable | None = None
    all: list[Condition] | None = Field(None, min_length=1)
    any: list[Condition] | None = Field(None, min_length=1)
    not_: Condition | None = Field(None, alias="not")
    # A leaf of its own (no field, no operator): whether the application is made signed in with
    # the My Number card (公的個人認証), e.g. a copy of an identity document is required_if
    # {signed_in_with_card: false}.
    signed_in_with_card: bool | None = Field(
        None, description="マイナンバーカードでログインして申請しているか (true / false。field などと混ぜない)")

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        combinators = [name for name in COMBINATORS if getattr(self, name) is not None]
        operands = [name for name in OPERANDS if getattr(self, name) is not None]
        operators = [name for name in VALUE_OPERATORS if getattr(self, name) is not None]
        if self.signed_in_with_card is not None:
            if combinators or operands or operators or self.where is not None:
                raise ValueError("signed_in_with_card は1つの条件に単独で書いてください"
                                 " (例: {signed_in_with_card: false})。組み合わせるときは all / any を使います")
            return self
        if combinators:
            if len(combinators) > 1 or operands or operators:
                raise ValueError(
                    "all / any / not は1つの条件に1つだけ書き、field などと混ぜないでください"
                )
            return self
        if len(operands) != 1:
            raise ValueError(
                "条件には field (回答)、count (繰り返しの件数)、computed (計算値)、expression (式) の"
                "どれか1つが必要です。"
                "または all / any / not で条件を組み合わせてください"
            )
        if self.where is not None and self.count is None:
            raise ValueError("where は count と一緒にだけ使えます (例: {count: members, where: "
                             "{field: relationship, equals: head}, equals: 1})")
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
        if self.expression is not None:
            refs |= self.expression.references().fields
        for name in REFERABLE:
            operand = getattr(self, name)
            if isinstance(operand, FieldRef):
                refs.add(operand.field)
        for child in self.children():
            refs |= child.field_references()
        return refs

    def computed_references(self) -> set[str]:
        """Computed values this condition reads (``computed:`` leaves and ``{computed: id}``)."""
        refs = {self.computed} if self.computed else set()
        if self.expression is not None:
            refs |= self.expression.references().computed
        for name in REFERABLE:
            operand = getattr(self, name)
            if isinstance(operand, ComputedRef):
                refs.add(operand.computed)
        if self.where is not None:
            refs |= self.where.computed_references()
        for name in COMPARISONS:
            operand = getattr(self, name)
            if isinstance(operand, CountRef) and operand.where is not None:
                refs |= operand.where.computed_references()
        for child in self.children():
            refs |= child.computed_references()
        return refs

    def count_references(self) -> set[str]:
        refs = {self.count} if self.count else set()
        if self.expression is not None:
            refs |= self.expression.references().pages
        if self.where is not None:
            refs |= self.where.count_references()
        for name in COMPARISONS:
            operand = getattr(self, name)
            if isinstance(operand, CountRef):
                refs.add(operand.count)
                if operand.where is not None:
                    refs |= operand.where.count_references()
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
                if v is not None and not isinstance(v, FieldRef | ComputedRef)]

    # --- evaluation ------------------------------------------------------------------

    def evaluate(self, answers: AnswerLookup) -> bool:
        if self.all is not None:
            return all(child.evaluate(answers) for child in self.all)
        if self.any is not None:
            return any(child.evaluate(answers) for child in self.any)
        if self.not_ is not None:
            return not self.not_.evaluate(answers)
        if self.signed_in_with_card is not None:
            return bool(getattr(answers, "signed_in_with_card", False)) == self.signed_in_with_card
        # A leaf compares a field's answer or a repeating page's item count (the validator
        # requires one of them).
        if self.computed:
            actual = answers.computed_value(self.computed)
        elif self.expression is not None:
            actual = _expression_value(self.expression, answers)
        else:
            actual = count_items(answers, self.count, self.where) if self.count \
                else answers.value(self.field or "")
        if self.answered is not None:
            return is_answered(actual) == self.answered
        if self.equals is not None:
            return exact(actual) == exact(resolve_comparable(self.equals, answers))
        if self.not_equals is not None:
            return exact(actual) != exact(resolve_comparable(self.not_equals, answers))
        if self.one_of is not None:
            return actual in self.one_of
        if self.contains is not None:
            return isinstance(actual, list | tuple | set) and self.contains in actual
        if self.matches is not None:
            # The whole answer, as a text question's pattern. Only text answers match; they were
            # bounded by their question's max_length before being stored (the checker allows
            # matches on text questions only).
            return isinstance(actual, str) and re.fullmatch(self.matches, actual) is not None
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
                return _COMPARE[name](exact(actual), exact(expected))
            except TypeError:  # e.g. a date compared with a number: never true
                return False
        return False


_COMPARE = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


class Item(dict[str, Any]):
    """One item of a repeating page as conditions and expressions read it: its answers (a
    dict, so everything that reads an item as a mapping keeps working), and its place among
    nested repeats (``repeat.per``, one level): ``nested`` holds, for each page asked per this
    item, this item's own items of it ({page id: [Item, ...]}, e.g. a 世帯員's 収入), and
    ``parent`` the item a nested item belongs to (None for an item of an ordinary repeating
    page). ``index`` is its position in its list (among its parent's items when nested)."""

    def __init__(self, values: Mapping[str, Any] | None = None, index: int = 0,
                 parent: Item | None = None):
        super().__init__(values or {})
        self.index = index
        self.parent = parent
        self.nested: dict[str, list[Item]] = {}


class ItemAnswers:
    """Answers seen from inside one item of a repeating page: the item's own answers first,
    then the rest of the application (``count ... where``, ``sum`` and ``rules[].for_each``).

    Inside an item of a nested page, its parent item's answers come next (an 収入 reads the
    世帯員's 年齢); inside a parent item, a nested page's items are that item's only, so
    ``{sum: {page: incomes, ...}}`` inside a 世帯員 totals that member's incomes."""

    _item: Mapping[str, Any]

    def __init__(self, item: Mapping[str, Any], outer: AnswerLookup):
        parent = getattr(item, "parent", None)
        if parent is not None and not (isinstance(outer, ItemAnswers) and outer._item is parent):
            outer = ItemAnswers(parent, outer)
        self._item = item
        self._outer = outer
        self.today = outer.today

    def value(self, field_id: str) -> Any:
        # A field of the item left unanswered reads None from the outer answers too (item
        # answers are never stored as single answers).
        if field_id in self._item:
            return self._item[field_id]
        return self._outer.value(field_id)

    def items(self, page_id: str) -> Sequence[Mapping[str, Any]]:
        nested = getattr(self._item, "nested", None)
        if nested and page_id in nested:
            return nested[page_id]
        return self._outer.items(page_id)

    def computed_value(self, computed_id: str) -> Any:
        return self._outer.computed_value(computed_id)

    def __getattr__(self, name: str) -> Any:
        # Anything else the outer answers offer (e.g. computed values) reads the same inside an item.
        return getattr(self._outer, name)


class _NoEnvironment:
    """For a lookup that offers no choice amounts or computed values (a plain lookup in tests)."""

    def choice_amounts(self, field_id: str) -> Mapping[str, Decimal]:
        return {}

    def computed(self, computed_id: str) -> Expression:
        raise LookupError(computed_id)


def _expression_value(expression: Expression, answers: AnswerLookup) -> Any:
    """An ``expression:`` operand's value where the condition is evaluated. The answers passed
    here (the flow, a page's scope, an item's answers) also give what an expression needs of its
    definition (choice amounts, other computed values); None when it cannot be computed."""
    environment: Any = answers
    if not (callable(getattr(answers, "choice_amounts", None)) and callable(getattr(answers, "computed", None))):
        environment = _NoEnvironment()
    try:
        return expression.evaluate(answers, environment)
    except LookupError:  # an unknown computed id (the checker reports it)
        return None


def count_items(answers: AnswerLookup, page_id: str | None, where: Condition | None) -> int:
    """How many items ``page_id`` has, counting only those ``where`` holds for (inside the item)."""
    items = answers.items(page_id or "")
    if where is None:
        return len(items)
    return sum(1 for item in items if where.evaluate(ItemAnswers(item, answers)))


def resolve_comparable(operand: Comparable | Scalar, answers: AnswerLookup) -> Any:
    if isinstance(operand, DateOffset):
        return operand.resolve(answers.today)
    if isinstance(operand, FieldRef):
        return operand.shifted(answers.value(operand.field))
    if isinstance(operand, ComputedRef):
        return operand.shifted(answers.computed_value(operand.computed))
    if isinstance(operand, CountRef):
        return operand.resolve(answers)
    return operand


def exact(value: Any) -> Any:
    """A float (a decimal answer, a literal 4.9) as the decimal it was written as, so that it
    compares exactly with computed Decimals: 4.911 > Decimal("4.911") must be false."""
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    return value


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple | dict | set):
        return bool(value) and not (isinstance(value, dict) and not any(value.values()))
    return True


# Conditions may compare an expression, and expressions test conditions (``if``): the models
# refer to each other across the two modules, and are completed once both exist (at the end of
# formsvc.vocabulary.expressions, imported here so that importing either module is enough).
from formsvc.vocabulary import expressions as _expressions  # noqa: E402,F401
