"""Computed values (fees, totals, amounts, deadlines) as data.

``{multiply: [{field: copies}, 300]}`` or
``{sum: {page: items, of: {amount: item_kind}}}``: each mapping has exactly one operator.
Plain numbers are literals.

An expression evaluates to a **Value**: a Decimal (numbers and money, never float), a date
(deadlines, 基準日), or None: "not computable yet" (a date question not answered, a division
by zero, a date outside the calendar). None goes through every operator to the result, so a
deadline is simply not shown until the death date is answered. Unanswered *numbers* still
count as 0, so a fee can be shown as soon as the resident starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Protocol

from pydantic import BeforeValidator, Field, field_validator, model_validator

from formsvc.vocabulary import dates
from formsvc.vocabulary.common import AlsoAccepts, Identifier, StrictModel
from formsvc.vocabulary.conditions import AnswerLookup, Condition, CountRef, ItemAnswers
from formsvc.vocabulary.values import Value, bounded

OPERATORS = ("literal", "field", "amount", "count", "computed", "add", "subtract", "multiply",
             "divide", "min", "max", "sum", "if_", "floor", "ceil", "round", "today", "add_days",
             "add_months", "add_years", "days_between", "age", "reaches_age", "fiscal_year",
             "fiscal_year_end", "school_grade", "date_", "period_end")

Kind = Literal["number", "date"]
Path = tuple[str | int, ...]

# The unit of floor/ceil/round: from 0.000001 (6 places, the most `places` shows) upwards.
MIN_ROUNDING_UNIT = Decimal("0.000001")
MAX_ROUNDING_UNIT = Decimal(10) ** 12
# Days, months and years added to a date: beyond this no procedure means it (and the calendar
# ends in 9999).
MAX_DATE_SHIFT_DAYS = 200 * 366
MAX_DATE_SHIFT_MONTHS = 200 * 12
MAX_DATE_SHIFT_YEARS = 200
MAX_AGE = 200
# The longest period_end, by unit (as for adding days, months or years).
PERIOD_LIMITS = {"days": MAX_DATE_SHIFT_DAYS, "months": MAX_DATE_SHIFT_MONTHS, "years": MAX_DATE_SHIFT_YEARS}


def _a_written_date(value: Any) -> Any:
    """``{date: 2026-04-01}`` as written: pydantic would read a number as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("date には日付を YYYY-MM-DD の形で書いてください (例: {date: 2026-04-01})")
    return value


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


class RoundTo(StrictModel):
    """``{of: expr, to: 1000}``: ``expr`` to a multiple of ``to`` (1000: 千円単位, 0.01: 小数第2位)."""

    of: ExpressionValue = Field(description="丸める式")
    to: int | float = Field(1, description="丸める単位 (例: 1000 は千円単位、0.01 は小数第2位まで)")

    @field_validator("to")
    @classmethod
    def _a_sensible_unit(cls, value: int | float) -> int | float:
        unit = Decimal(str(value))
        if not (MIN_ROUNDING_UNIT <= unit <= MAX_ROUNDING_UNIT):
            raise ValueError("to には丸める単位を 0.000001 以上 1000000000000 以下の正の数で書いてください"
                             " (例: 1000 は千円未満を、1 は小数を、0.01 は小数第3位以下を丸めます)")
        return value

    def unit(self) -> Decimal:
        return Decimal(str(self.to))


class AddDays(StrictModel):
    to: ExpressionValue = Field(description="日付の式 (例: {field: death_date})")
    days: ExpressionValue = Field(description="足す日数 (負の数なら前の日付)")


class AddMonths(StrictModel):
    to: ExpressionValue = Field(description="日付の式")
    months: ExpressionValue = Field(description="足す月数 (月末は調整: 1月31日 + 1か月 = 2月末日)")


class AddYears(StrictModel):
    to: ExpressionValue = Field(description="日付の式")
    years: ExpressionValue = Field(description="足す年数 (2月29日 + 1年 = 2月28日)")


PERIOD_UNITS = ("days", "months", "years")


class PeriodEnd(StrictModel):
    """``{from: 日付, months: 3}``: the last day of a period counted as 民法 140条・143条 count it
    (the day ``from`` left out; see formsvc.vocabulary.dates.period_end)."""

    from_: ExpressionValue = Field(
        alias="from", description="期間のもとになる日 (例: {field: death_date})。この日は数えず、翌日から数える")
    days: ExpressionValue | None = Field(None, description="日数 (14日: from の14日後が末日)")
    months: ExpressionValue | None = Field(
        None, description="月数 (翌日の応当日の前日が末日。応当日がない月はその月の末日)")
    years: ExpressionValue | None = Field(None, description="年数 (月数と同じ数え方)")

    @model_validator(mode="after")
    def _one_length(self) -> PeriodEnd:
        written = [unit for unit in PERIOD_UNITS if getattr(self, unit) is not None]
        if len(written) != 1:
            raise ValueError("period_end には期間の長さを days・months・years のどれか1つだけ書いてください"
                             " (例: {period_end: {from: {field: death_date}, months: 3}})")
        unit, amount = self.length()
        limit = PERIOD_LIMITS[unit]
        literal = amount.literal
        # A literal length is checked here; one computed from answers is checked when evaluated.
        if literal is not None and not (1 <= literal <= limit and literal == int(literal)):
            raise ValueError(f"period_end の {unit} には1以上{limit}以下の整数を書いてください"
                             f" (期間の長さです。前の日付を求めるなら add_days などを使ってください)")
        return self

    def length(self) -> tuple[str, Expression]:
        """(unit, expression of the length): the one of days/months/years that is written."""
        unit = next(unit for unit in PERIOD_UNITS if getattr(self, unit) is not None)
        return unit, getattr(self, unit)


class BirthOn(StrictModel):
    birth: ExpressionValue = Field(description="生年月日の式 (例: {field: child_birth_date})")
    on: ExpressionValue | None = Field(None, description="基準日の式 (省略時は今日)")

    @model_validator(mode="before")
    @classmethod
    def _on_read_as_a_boolean(cls, data: Any) -> Any:
        # YAML 1.1 reads an unquoted key ``on`` as the boolean true: take it as meant.
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if key is True else key): value for key, value in data.items()}
        return data


class ReachesAge(StrictModel):
    birth: ExpressionValue = Field(description="生年月日の式")
    age: int = Field(ge=0, le=MAX_AGE, description="年齢 (この年齢に達する日 = 誕生日の前日)")


def _pair(value: list | None, what: str) -> list | None:
    if value is not None and len(value) != 2:
        raise ValueError(what)
    return value


class Expression(StrictModel):
    literal: int | float | None = None
    field: Identifier | None = Field(None, description="数値の回答 (数値項目・はい/いいえは1/0)、日付項目なら日付")
    amount: Identifier | None = Field(None, description="選択肢に書いた amount の合計")
    count: Identifier | None = Field(None, description="繰り返しページの件数")
    computed: Identifier | None = Field(None, description="computed に定義した別の値")
    add: list[ExpressionValue] | None = Field(None, min_length=1)
    subtract: list[ExpressionValue] | None = Field(None, min_length=2)
    multiply: list[ExpressionValue] | None = Field(None, min_length=1)
    divide: list[ExpressionValue] | None = Field(
        None, description="[割られる数, 割る数]。割る数が0のときは計算できない (表示しない)")
    min: list[ExpressionValue] | None = Field(None, min_length=1)
    max: list[ExpressionValue] | None = Field(None, min_length=1)
    sum: SumOver | None = None
    if_: IfThenElse | None = Field(None, alias="if")
    floor: RoundTo | None = Field(None, description="切り捨て {of: 式, to: 単位}")
    ceil: RoundTo | None = Field(None, description="切り上げ {of: 式, to: 単位}")
    round: RoundTo | None = Field(None, description="四捨五入 {of: 式, to: 単位}")
    today: Literal[True] | None = Field(None, description="今日の日付 (today: true)")
    add_days: AddDays | None = None
    add_months: AddMonths | None = None
    add_years: AddYears | None = None
    period_end: PeriodEnd | None = Field(
        None, description="期間の末日 {from: 日付, months: 3} (民法140条・143条: 初日不算入)")
    days_between: list[ExpressionValue] | None = Field(
        None, description="[前の日付, 後の日付] の日数 (後 − 前)")
    age: BirthOn | None = Field(None, description="満年齢 {birth: 生年月日, on: 基準日}")
    reaches_age: ReachesAge | None = Field(
        None, description="年齢到達日 {birth: 生年月日, age: 18} (誕生日の前日)")
    fiscal_year: ExpressionValue | None = Field(None, description="日付の年度 (4月〜翌3月)")
    fiscal_year_end: ExpressionValue | None = Field(None, description="日付の年度末 (3月31日)")
    school_grade: BirthOn | None = Field(
        None, description="学年 {birth: 生年月日, on: 基準日} (1〜6 小学, 7〜9 中学, 10〜12 高校, 0以下 未就学)")
    # A fixed day (基準日 such as 2026-04-01, the 年度's first day), named ``date`` in YAML;
    # ``date_`` here so that the field does not hide the type.
    date_: Annotated[date, BeforeValidator(_a_written_date)] | None = Field(
        None, alias="date", description="決まった日付 (例: {date: 2026-04-01})")

    @field_validator("divide")
    @classmethod
    def _divide_pair(cls, value: list | None) -> list | None:
        return _pair(value, "divide には [割られる数, 割る数] の2つを書いてください"
                            " (例: {divide: [{field: amount}, 2]})")

    @field_validator("days_between")
    @classmethod
    def _days_between_pair(cls, value: list | None) -> list | None:
        return _pair(value, "days_between には [前の日付, 後の日付] の2つを書いてください"
                            " (例: {days_between: [{field: start_date}, {field: end_date}]})")

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> Expression:
        present = [name for name in OPERATORS if getattr(self, name) is not None]
        if len(present) != 1:
            names = ", ".join(name.rstrip("_") for name in OPERATORS if name != "literal")
            raise ValueError(f"式には演算を1つだけ書いてください (数値、または {names} のどれか)")
        return self

    def operator(self) -> str:
        return next(name for name in OPERATORS if getattr(self, name) is not None)

    # --- structure ---------------------------------------------------------------------

    def child_nodes(self) -> list[tuple[Path, Expression]]:
        """The expressions directly inside this one with their paths relative to it, except
        ``sum.of`` (its fields are the items'; see ``references``)."""
        children: list[tuple[Path, Expression]] = []
        for name in ("add", "subtract", "multiply", "divide", "min", "max", "days_between"):
            children.extend(((name, i), child) for i, child in enumerate(getattr(self, name) or []))
        if self.if_ is not None:
            children += [(("if", "then"), self.if_.then), (("if", "else"), self.if_.else_)]
        for name in ("floor", "ceil", "round"):
            rounding = getattr(self, name)
            if rounding is not None:
                children.append(((name, "of"), rounding.of))
        for name, shift, key in (("add_days", self.add_days, "days"), ("add_months", self.add_months, "months"),
                                 ("add_years", self.add_years, "years")):
            if shift is not None:
                children += [((name, "to"), shift.to), ((name, key), getattr(shift, key))]
        if self.period_end is not None:
            unit, length = self.period_end.length()
            children += [(("period_end", "from"), self.period_end.from_), (("period_end", unit), length)]
        for name in ("age", "school_grade"):
            birth_on = getattr(self, name)
            if birth_on is not None:
                children.append(((name, "birth"), birth_on.birth))
                if birth_on.on is not None:
                    children.append(((name, "on"), birth_on.on))
        if self.reaches_age is not None:
            children.append((("reaches_age", "birth"), self.reaches_age.birth))
        for name in ("fiscal_year", "fiscal_year_end"):
            inner = getattr(self, name)
            if inner is not None:
                children.append(((name,), inner))
        return children

    def _children(self) -> list[Expression]:
        return [child for _, child in self.child_nodes()]

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
            refs.computed |= self.if_.when.computed_references()
        if self.sum is not None:
            refs.pages.add(self.sum.page)
            inner = self.sum.of.references()
            refs.item_fields |= inner.fields | inner.item_fields
            refs.pages |= inner.pages
            refs.computed |= inner.computed
        for child in self._children():
            refs.merge(child.references())
        return refs

    def result_type(self, definition: Definitions, _seen: frozenset[str] = frozenset()) -> Kind:
        """"number" or "date": what this expression evaluates to (when it is computable).

        Read from the outermost operator only; ``type_problems`` says where operands do not fit.
        A field reads as a date when it is a date question; an unknown field or computed id
        reads as a number (it is reported on its own).
        """
        if self.field is not None:
            return _field_kind(definition, self.field)
        if self.computed is not None:
            if self.computed in _seen:
                return "number"  # a cycle, reported by the checker
            found = _computed_expression(definition, self.computed)
            return found.result_type(definition, _seen | {self.computed}) if found is not None else "number"
        if self.if_ is not None:
            return self.if_.then.result_type(definition, _seen)
        if self.min is not None or self.max is not None:
            return (self.min or self.max or [])[0].result_type(definition, _seen)
        if any(getattr(self, name) is not None for name in DATE_RESULTS):
            return "date"
        return "number"

    def type_problems(self, definition: Definitions, path: Path = ()) -> Iterator[tuple[Path, str]]:
        """Operands of the wrong kind (a date added like a number, a number given as a birth date),
        each at its own path with what to write instead. Recurses into every child."""

        def kind(expression: Expression) -> Kind:
            return expression.result_type(definition)

        def want(child_path: Path, expression: Expression, wanted: Kind, role: str) -> Iterator[tuple[Path, str]]:
            if kind(expression) != wanted:
                found = KIND_WORDS[kind(expression)]
                yield (*path, *child_path), (f"{role} には{KIND_WORDS[wanted]}になる式を書いてください "
                                             f"({found}になっています)")

        op = self.operator()
        if op in ("add", "subtract") and any(kind(child) == "date" for child in getattr(self, op)):
            i = next(i for i, child in enumerate(getattr(self, op)) if kind(child) == "date")
            advice = ("日付に日数を足すには {add_days: {to: 日付, days: 日数}} を"
                      if op == "add" else "日付の間の日数は {days_between: [前の日付, 後の日付]} を")
            yield (*path, op, i), f"{op} で日付は計算できません。{advice}使ってください"
        elif op in ("multiply", "divide"):
            for i, child in enumerate(getattr(self, op)):
                yield from want((op, i), child, "number", f"{op} の{i + 1}番目")
        elif op in ("min", "max"):
            operands = getattr(self, op)
            first = kind(operands[0])
            for i, child in enumerate(operands[1:], start=1):
                if kind(child) != first:
                    yield (*path, op, i), (f"{op} には数値どうし、または日付どうしを並べてください "
                                           f"(1番目は{KIND_WORDS[first]}、{i + 1}番目は{KIND_WORDS[kind(child)]}です)")
        elif op == "if_" and self.if_ is not None and kind(self.if_.then) != kind(self.if_.else_):
            yield (*path, "if", "else"), (f"if の then と else は同じ種類の値にしてください "
                                          f"(then は{KIND_WORDS[kind(self.if_.then)]}、"
                                          f"else は{KIND_WORDS[kind(self.if_.else_)]}です)")
        elif op == "sum" and self.sum is not None:
            yield from want(("sum", "of"), self.sum.of, "number", "sum の of")
        elif op in ("floor", "ceil", "round"):
            yield from want((op, "of"), getattr(self, op).of, "number", f"{op} の of")
        elif op in ("add_days", "add_months", "add_years"):
            shift = getattr(self, op)
            key = {"add_days": "days", "add_months": "months", "add_years": "years"}[op]
            yield from want((op, "to"), shift.to, "date", f"{op} の to")
            yield from want((op, key), getattr(shift, key), "number", f"{op} の {key}")
        elif op == "period_end" and self.period_end is not None:
            unit, length = self.period_end.length()
            yield from want((op, "from"), self.period_end.from_, "date", "period_end の from")
            yield from want((op, unit), length, "number", f"period_end の {unit}")
        elif op == "days_between":
            for i, child in enumerate(self.days_between or []):
                yield from want((op, i), child, "date", f"days_between の{i + 1}番目")
        elif op in ("age", "school_grade"):
            birth_on = getattr(self, op)
            yield from want((op, "birth"), birth_on.birth, "date", f"{op} の birth")
            if birth_on.on is not None:
                yield from want((op, "on"), birth_on.on, "date", f"{op} の on")
        elif op == "reaches_age" and self.reaches_age is not None:
            yield from want((op, "birth"), self.reaches_age.birth, "date", "reaches_age の birth")
        elif op in ("fiscal_year", "fiscal_year_end"):
            yield from want((op,), getattr(self, op), "date", op)
        for child_path, child in self.child_nodes():
            yield from child.type_problems(definition, (*path, *child_path))
        if self.sum is not None:
            yield from self.sum.of.type_problems(definition, (*path, "sum", "of"))

    # --- evaluation --------------------------------------------------------------------

    def evaluate(self, answers: AnswerLookup, env: Environment) -> Value:
        """Evaluate with Decimal arithmetic (money must not pick up float error).

        Unanswered numbers count as 0; an unanswered date, a division by zero or a date beyond
        the calendar gives None, and None goes through to the result. The checker has refused
        cycles between computed values before we get here.
        """
        # Exactly one operator is set (the model validator saw to it); testing the attributes
        # themselves lets the type checker follow along.
        if self.literal is not None:
            return Decimal(str(self.literal))
        if self.field is not None:
            return answer_value(answers.value(self.field))
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
                value = _number(self.sum.of.evaluate(ItemAnswers(item, answers), env))
                if value is None:
                    return None
                total += value
            return bounded(total)
        if self.if_ is not None:
            branch = self.if_.then if self.if_.when.evaluate(answers) else self.if_.else_
            return branch.evaluate(answers, env)
        if self.today is not None:
            return answers.today
        if self.date_ is not None:
            return self.date_
        op = self.operator()
        if op in _DATE_OPERATORS:
            return _DATE_OPERATORS[op](self, answers, env)
        if op in ("floor", "ceil", "round"):
            rounding: RoundTo = getattr(self, op)
            return round_to(_number(rounding.of.evaluate(answers, env)), rounding.unit(), op)
        values = [child.evaluate(answers, env) for child in getattr(self, op)]
        if any(value is None for value in values):
            return None
        if op in ("min", "max"):
            if all(isinstance(v, date) for v in values) or all(isinstance(v, Decimal) for v in values):
                return min(values) if op == "min" else max(values)
            return None
        numbers = [v for v in values if isinstance(v, Decimal)]
        if len(numbers) != len(values):
            return None  # a date where a number belongs (the checker refuses it)
        try:
            if op == "add":
                return bounded(sum(numbers, Decimal(0)))
            if op == "subtract":
                return bounded(numbers[0] - sum(numbers[1:], Decimal(0)))
            if op == "multiply":
                product: Decimal | None = Decimal(1)
                for value in numbers:
                    product = bounded(product * value) if product is not None else None
                return product
            if op == "divide":
                if numbers[1] == 0:
                    return None
                return bounded(numbers[0] / numbers[1])
        except (ArithmeticError, ValueError):
            return None
        raise AssertionError(f"operator {op} not evaluated")


DATE_RESULTS = ("today", "add_days", "add_months", "add_years", "reaches_age", "fiscal_year_end", "date_",
                "period_end")
KIND_WORDS = {"number": "数値", "date": "日付"}


class Environment(Protocol):
    """What an expression needs from its definition besides the answers."""

    def choice_amounts(self, field_id: str) -> Mapping[str, Decimal]: ...

    def computed(self, computed_id: str) -> Expression: ...


class NamedExpression(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def expression(self) -> Expression: ...


class Definitions(Protocol):
    """What ``result_type`` needs from a definition (formsvc.definitions.schema.FormDefinition)."""

    @property
    def computed(self) -> Sequence[NamedExpression]: ...

    def field_by_id(self, field_id: str) -> Any: ...


def _field_kind(definition: Definitions, field_id: str) -> Kind:
    spec = definition.field_by_id(field_id)
    return "date" if getattr(spec, "type", None) == "date" else "number"


def _computed_expression(definition: Definitions, computed_id: str) -> Expression | None:
    return next((item.expression for item in definition.computed if item.id == computed_id), None)


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


# --- numbers -----------------------------------------------------------------------------

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
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back: 4.911, not 4.910999999…
    try:
        number = Decimal(str(value))  # str() of an int of over 4,300 digits raises ValueError
    except (ArithmeticError, ValueError):
        return Decimal(0)
    if not number.is_finite() or number.adjusted() >= MAX_ANSWER_DIGITS:
        return Decimal(0)
    return number


def answer_value(value: Any) -> Decimal | date:
    """An answer read by ``{field: id}``: a date question's date, else a number (see to_decimal)."""
    if isinstance(value, date):
        return value
    return to_decimal(value)


def _number(value: Value) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


_ROUNDING = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "round": ROUND_HALF_UP}


def round_to(value: Decimal | None, unit: Decimal, how: str) -> Decimal | None:
    """``value`` to a multiple of ``unit``: floor (切り捨て, toward −∞), ceil (切り上げ, toward
    +∞) or round (四捨五入: half away from zero, so 2.5 → 3 and −2.5 → −3)."""
    if value is None:
        return None
    try:
        multiple = (value / unit).quantize(Decimal(1), rounding=_ROUNDING[how])
        result = multiple * unit
    except (ArithmeticError, InvalidOperation):
        return None
    # 1000 × 12 reads "12000", and 0.01 × 491 reads "4.91" (not 4.910 or 1.2E+4).
    places = max(0, -unit.normalize().as_tuple().exponent)  # type: ignore[operator]
    return bounded(result.quantize(Decimal(1).scaleb(-places)))


# --- dates -------------------------------------------------------------------------------

def _date(value: Value) -> date | None:
    return value if isinstance(value, date) else None


def _whole(value: Value, limit: int) -> int | None:
    """A number of days/months/years to shift by: whole and not absurd, else None."""
    if not isinstance(value, Decimal) or value != value.to_integral_value() or abs(value) > limit:
        return None
    return int(value)


def _shift(expression: Expression, answers: AnswerLookup, env: Environment) -> date | None:
    for name, key, limit, move in (
        ("add_days", "days", MAX_DATE_SHIFT_DAYS, dates.add_days),
        ("add_months", "months", MAX_DATE_SHIFT_MONTHS, dates.add_months),
        ("add_years", "years", MAX_DATE_SHIFT_YEARS, dates.add_years),
    ):
        shift = getattr(expression, name)
        if shift is None:
            continue
        start = _date(shift.to.evaluate(answers, env))
        amount = _whole(getattr(shift, key).evaluate(answers, env), limit)
        if start is None or amount is None:
            return None
        try:
            return move(start, amount)
        except (OverflowError, ValueError):
            return None
    return None


def _period_end(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    period = expression.period_end
    if period is None:
        return None
    unit, length = period.length()
    start = _date(period.from_.evaluate(answers, env))
    amount = _whole(length.evaluate(answers, env), PERIOD_LIMITS[unit])
    if start is None or amount is None or amount < 1:
        return None  # a length of none or less, computed from answers, is no period
    try:
        return dates.period_end(start, amount, unit)  # type: ignore[arg-type]  # one of PERIOD_UNITS
    except (OverflowError, ValueError):
        return None


def _birth_and_day(birth_on: BirthOn, answers: AnswerLookup, env: Environment) -> tuple[date, date] | None:
    birth = _date(birth_on.birth.evaluate(answers, env))
    on = answers.today if birth_on.on is None else _date(birth_on.on.evaluate(answers, env))
    return (birth, on) if birth is not None and on is not None else None


def _age(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    pair = _birth_and_day(expression.age, answers, env) if expression.age is not None else None
    return None if pair is None else Decimal(dates.age(*pair))


def _school_grade(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    grade = expression.school_grade
    pair = _birth_and_day(grade, answers, env) if grade is not None else None
    return None if pair is None else Decimal(dates.school_grade(*pair))


def _reaches_age(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    if expression.reaches_age is None:
        return None
    birth = _date(expression.reaches_age.birth.evaluate(answers, env))
    try:
        return None if birth is None else dates.reaches_age(birth, expression.reaches_age.age)
    except (OverflowError, ValueError):
        return None


def _days_between(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    start, end = (_date(child.evaluate(answers, env)) for child in expression.days_between or [])
    return None if start is None or end is None else Decimal(dates.days_between(start, end))


def _fiscal(expression: Expression, answers: AnswerLookup, env: Environment) -> Value:
    if expression.fiscal_year is not None:
        day = _date(expression.fiscal_year.evaluate(answers, env))
        return None if day is None else Decimal(dates.fiscal_year(day))
    inner = expression.fiscal_year_end
    day = _date(inner.evaluate(answers, env)) if inner is not None else None
    try:
        return None if day is None else dates.fiscal_year_end(day)
    except ValueError:  # the 年度 of a day in 9999 ends in 10000
        return None


_DATE_OPERATORS: dict[str, Callable[[Expression, AnswerLookup, Environment], Value]] = {
    "add_days": _shift, "add_months": _shift, "add_years": _shift, "period_end": _period_end,
    "days_between": _days_between, "age": _age, "school_grade": _school_grade,
    "reaches_age": _reaches_age, "fiscal_year": _fiscal, "fiscal_year_end": _fiscal,
}


# Conditions compare expressions (``expression:``) and expressions test conditions: completed
# here, where both exist (formsvc.vocabulary.conditions imports this module at its end).
Condition.model_rebuild(_types_namespace={"Expression": Expression, "Condition": Condition})
CountRef.model_rebuild(_types_namespace={"Expression": Expression, "Condition": Condition})
SumOver.model_rebuild()
IfThenElse.model_rebuild()
RoundTo.model_rebuild()
AddDays.model_rebuild()
AddMonths.model_rebuild()
AddYears.model_rebuild()
PeriodEnd.model_rebuild()
BirthOn.model_rebuild()
ReachesAge.model_rebuild()
Expression.model_rebuild()
