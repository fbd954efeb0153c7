"""Parts of a definition in words an administrator reads: field types, conditions, expressions, values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from formsvc.definitions.schema import FormDefinition
from formsvc.fields import REGISTRY
from formsvc.fields.base import registered_types
from formsvc.forms.periods import japanese_date
from formsvc.vocabulary.common import LocalizedText
from formsvc.vocabulary.conditions import ComputedRef, Condition, CountRef, DateOffset, FieldRef
from formsvc.vocabulary.expressions import Expression


def field_types() -> list[tuple[str, tuple[str, str]]]:
    """Every field type with its (Japanese, English) name, in the "add a question" menu's order."""
    return [(cls.model_fields["type"].default, cls.type_label) for cls in registered_types()]


def type_name(type_: str) -> str:
    """A type's Japanese name (its id, for a type no longer registered)."""
    return REGISTRY[type_].type_label[0] if type_ in REGISTRY else type_


def text(value: LocalizedText | str | None) -> str:
    if value is None:
        return ""
    return value.ja if isinstance(value, LocalizedText) else str(value)


def number(value: Any) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        if amount == amount.to_integral_value():
            return f"{int(amount):,}"
        return f"{amount.normalize():f}"
    return str(value)


def yen(value: Any) -> str:
    return f"{number(value)}円"


def date_bound(value: Any) -> str:
    business = getattr(value, "business_days_from_today", None) if not isinstance(value, dict) \
        else value.get("business_days_from_today")
    if business is not None:
        return f"今日から{int(business)}開庁日後"
    if isinstance(value, DateOffset):
        return offset_words(value.days_from_today, value.months_from_today)
    if isinstance(value, dict) and ("days_from_today" in value or "months_from_today" in value):
        return offset_words(int(value.get("days_from_today") or 0), int(value.get("months_from_today") or 0))
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def offset_words(days: int, months: int = 0) -> str:
    """A day counted from today: 今日, 今日から7日後, 今日の3か月前."""
    if days == 0 and months == 0:
        return "今日"
    span = shift_words(days=days, months=months)
    return f"今日から{span}" if days >= 0 and months >= 0 else f"今日の{span}"


def shift_words(days: int | None = None, months: int | None = None, years: int | None = None) -> str:
    """A shift of a date in words: 3か月後, 1年2か月前, 10日後 (all of one sign, as written)."""
    values = [(years or 0, "年"), (months or 0, "か月"), (days or 0, "日")]
    if all(value == 0 for value, _ in values):
        return "同じ日"
    later = all(value >= 0 for value, _ in values)
    if later or all(value <= 0 for value, _ in values):
        words = "".join(f"{abs(value):,}{unit}" for value, unit in values if value)
        return f"{words}{'後' if later else '前'}"
    return "、".join(f"{abs(value):,}{unit}{'後' if value > 0 else '前'}" for value, unit in values if value)


# How a document is handed in (documents[].how).
HOW_WORDS = {"bring": "窓口に持参", "attach": "添付", "either": "持参または添付"}

# Words for the values of options that are a closed list (a Literal), e.g. text check_digit.
LITERAL_WORDS = {"insurer_number": "保険者番号（6桁または8桁。最後の1桁が検証番号）"}


def value_words(value: Any) -> str:
    """An option's value as the history and the diff show it."""
    if value is None:
        return "なし"
    if isinstance(value, LocalizedText):
        return value.ja
    if isinstance(value, dict):
        if set(value) <= {"ja", "en"} and "ja" in value:
            return str(value["ja"])
        if "days_from_today" in value or "business_days_from_today" in value:
            return date_bound(value)
        return "、".join(f"{key}: {value_words(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "、".join(value_words(item) for item in value)
    if isinstance(value, bool | int | float | Decimal):
        return number(value)
    if isinstance(value, DateOffset | date):
        return date_bound(value)
    return str(value)


# --- conditions -------------------------------------------------------------------------------

OPERATOR_WORDS = {
    "equals": "が次と等しい",
    "not_equals": "が次と等しくない",
    "one_of": "が次のどれか（「、」で区切る）",
    "contains": "で次を選んでいる",
    "answered": "に回答がある／ない",
    "gt": "が次より大きい",
    "gte": "が次以上",
    "lt": "が次より小さい",
    "lte": "が次以下",
}
COMPARISON_WORDS = {"gt": "より大きい", "gte": "以上", "lt": "より小さい", "lte": "以下"}
# The same comparisons between dates.
DATE_COMPARISON_WORDS = {"gt": "より後", "gte": "以降", "lt": "より前", "lte": "まで"}


def condition(cond: Condition | None, definition: FormDefinition) -> str:
    if cond is None:
        return "なし（いつも表示）"
    return _condition(cond, definition, top=True)


def _label(spec: Any, fallback: str) -> str:
    return text(spec.label) if spec is not None and getattr(spec, "label", None) else fallback


def _computed_named(definition: FormDefinition, computed_id: str) -> Any:
    return next((item for item in definition.computed if item.id == computed_id), None)


def page_name(definition: FormDefinition, page_id: str) -> str:
    page = definition.page_by_id(page_id)
    return text(page.title) if page is not None else page_id


def count_words(definition: FormDefinition, page_id: str, where: Condition | None) -> str:
    """「世帯員」の件数, or 「世帯員」のうち「続柄」が「世帯主」の件数."""
    if where is None:
        return f"「{page_name(definition, page_id)}」の件数"
    return f"「{page_name(definition, page_id)}」のうち{_condition(where, definition)}の件数"


def _condition(cond: Condition, definition: FormDefinition, top: bool = False) -> str:
    if cond.all is not None or cond.any is not None:
        joiner = " かつ " if cond.all is not None else " または "
        words = joiner.join(_condition(child, definition) for child in cond.children())
        return words if top else f"（{words}）"
    if cond.not_ is not None:
        return f"次に当てはまらない：{_condition(cond.not_, definition)}"
    if cond.signed_in_with_card is not None:
        return "マイナンバーカードでログインしている" if cond.signed_in_with_card \
            else "マイナンバーカードでログインしていない"
    # A leaf is about a repeating page's count, a computed value or one field's answer.
    field_id = cond.field or ""
    spec = definition.field_by_id(field_id) if field_id else None
    computed_id = cond.computed
    is_date = spec is not None and spec.type == "date"
    if cond.count:
        subject = count_words(definition, cond.count, cond.where)
    elif computed_id:
        found = _computed_named(definition, computed_id)
        subject = f"計算値「{_label(found, computed_id)}」"
        is_date = found is not None and found.role == "deadline"
    elif (computing := cond.expression) is not None:  # {expression: {age: ...}, gte: 15}
        subject = f"式「{expression(computing, definition)}」"
        is_date = computing.result_type(definition) == "date"
    else:
        subject = f"「{_label(spec, field_id)}」"
    if cond.answered is not None:
        if computed_id:
            return f"{subject}が計算できる" if cond.answered else f"{subject}がまだ計算できない"
        return f"{subject}に回答あり" if cond.answered else f"{subject}が未回答"
    if cond.equals is not None:
        return f"{subject}が{_operand(cond.equals, spec, definition)}"
    if cond.not_equals is not None:
        return f"{subject}が{_operand(cond.not_equals, spec, definition)}以外"
    if cond.one_of is not None:
        return f"{subject}が{''.join(_operand(v, spec, definition) for v in cond.one_of)}のどれか"
    if cond.contains is not None:
        return f"{subject}で{_operand(cond.contains, spec, definition)}を選択"
    matches = cond.matches
    if matches is not None:
        return f"{subject}が形式「{matches}」に一致"
    for name in COMPARISON_WORDS:
        operand = getattr(cond, name)
        if operand is None:
            continue
        dated = is_date or _is_date_operand(operand, definition)
        within = _within_words(name, operand, definition) if dated else None
        if within is not None:
            return f"{subject}が{within}"
        words = (DATE_COMPARISON_WORDS if dated else COMPARISON_WORDS)[name]
        return f"{subject}が{_operand(operand, spec, definition)}{words}"
    return subject


def _is_date_operand(operand: Any, definition: FormDefinition) -> bool:
    if isinstance(operand, date | DateOffset):
        return True
    if isinstance(operand, FieldRef):
        other = definition.field_by_id(operand.field)
        return (other is not None and other.type == "date") or _shifted(operand)
    return _shifted(operand)


def _shifted(operand: Any) -> bool:
    return isinstance(operand, FieldRef | ComputedRef) and operand.has_offset()


def _within_words(name: str, operand: Any, definition: FormDefinition) -> str | None:
    """「死亡日」から3か月以内: an answer at most some time after another date (lte a later day)."""
    if name != "lte" or not _shifted(operand) or isinstance(operand, DateOffset):
        return None
    days, months, years = (getattr(operand, key, None) or 0 for key in ("days", "months", "years"))
    if min(days, months, years) < 0:
        return None
    span = shift_words(days=days, months=months, years=years).removesuffix("後")
    return f"{_reference(operand, definition)}から{span}以内"


def _reference(value: Any, definition: FormDefinition) -> str:
    """Another answer, a computed value or a count, named without its shift."""
    if isinstance(value, FieldRef):
        return f"「{_label(definition.field_by_id(value.field), value.field)}」"
    if isinstance(value, ComputedRef):
        return f"計算値「{_label(_computed_named(definition, value.computed), value.computed)}」"
    if isinstance(value, CountRef):
        return count_words(definition, value.count, value.where)
    return str(value)


def _operand(value: Any, spec, definition: FormDefinition) -> str:
    if isinstance(value, FieldRef | ComputedRef):
        name = _reference(value, definition)
        if _shifted(value):
            return f"{name}の{shift_words(value.days, value.months, value.years)}"
        return f"{name}の回答" if isinstance(value, FieldRef) else name
    if isinstance(value, CountRef):
        return _reference(value, definition)
    if isinstance(value, DateOffset):
        return date_bound(value)
    words = spec.literal_words(value) if spec is not None else None
    if words is not None:  # a choice's label, a yes/no question's own words
        return f"「{words}」"
    if isinstance(value, bool):
        return "「はい」" if value else "「いいえ」"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, int | float):
        return number(value)
    return f"「{value}」"


# --- expressions ------------------------------------------------------------------------------

ROUNDING_WORDS = {"floor": "切り捨て", "ceil": "切り上げ", "round": "四捨五入"}
LARGE_UNITS = {10**4: "万", 10**8: "億", 10**12: "兆"}


def rounding_unit_words(unit: Any, money: bool) -> str:
    """What rounding to ``unit`` drops: 千円未満, 1円未満, 小数点以下, 小数第3位以下."""
    amount = Decimal(str(unit))
    if amount < 1:
        places = -amount.normalize().as_tuple().exponent  # type: ignore[operator]
        return f"小数第{places + 1}位以下"
    if amount == 1:
        return "1円未満" if money else "小数点以下"
    if not money:
        return f"{number(amount)}未満"
    words = number(amount)
    if amount == 1000:
        words = "千"  # 千円未満切り捨て, as 税・手当の計算で言う
    elif amount in LARGE_UNITS:
        words = f"1{LARGE_UNITS[int(amount)]}"
    return f"{words}円未満"


def expression(expr: Expression, definition: FormDefinition, money: bool = False) -> str:
    """An expression in words: 「通数」 × 300円 + …"""
    return _expression(expr, definition, money, nested=False)


def _expression(expr: Expression, definition: FormDefinition, money: bool, nested: bool = True) -> str:
    # Exactly one operator is set (the model's validator saw to it); testing the attributes
    # themselves lets the type checker follow along.
    if expr.literal is not None:
        return yen(expr.literal) if money else number(expr.literal)
    if expr.field is not None:
        return f"「{_label(definition.field_by_id(expr.field), expr.field)}」"
    if expr.amount is not None:
        return f"「{_label(definition.field_by_id(expr.amount), expr.amount)}」の選択肢の金額"
    if expr.count is not None:
        return f"「{page_name(definition, expr.count)}」の件数"
    if expr.computed is not None:
        return f"「{_label(_computed_named(definition, expr.computed), expr.computed)}」"
    if expr.sum is not None:
        inner = _expression(expr.sum.of, definition, money, nested=False)
        return f"「{page_name(definition, expr.sum.page)}」の各件の {inner} の合計"
    if expr.if_ is not None:
        return (f"（{condition(expr.if_.when, definition)} のとき {_expression(expr.if_.then, definition, money)}、"
                f"それ以外は {_expression(expr.if_.else_, definition, money)}）")
    op = expr.operator()
    special = _date_or_rounding(op, expr, definition, money)
    if special is not None:
        return special
    # In a product a fraction is a rate (× 0.1), not an amount of money; a divisor is never money.
    parts = [_expression(child, definition, money and op != "divide" and not _rate(op, child))
             for child in getattr(expr, op)]
    if op in ("min", "max"):
        return f"{'最小' if op == 'min' else '最大'}（{'、'.join(parts)}）"
    symbol = {"add": " + ", "subtract": " − ", "multiply": " × ", "divide": " ÷ "}[op]
    words = symbol.join(parts)
    return f"（{words}）" if nested and len(parts) > 1 and op not in ("multiply", "divide") else words


def _rate(op: str, child: Expression) -> bool:
    return op == "multiply" and child.literal is not None and abs(child.literal) < 1


def _date_or_rounding(op: str, expr: Expression, definition: FormDefinition, money: bool) -> str | None:
    """The words of the rounding and date operators (None for the others)."""

    def words(child: Expression | None, inner_money: bool = False) -> str:
        return "今日" if child is None else _expression(child, definition, inner_money)

    if op in ROUNDING_WORDS:
        rounding = getattr(expr, op)
        inner = words(rounding.of, money)
        if any(symbol in inner for symbol in (" + ", " − ", " × ", " ÷ ")) and not inner.startswith("（"):
            inner = f"（{inner}）"
        return f"{inner}の{rounding_unit_words(rounding.to, money)}{ROUNDING_WORDS[op]}"
    if op == "today":
        return "今日"
    if op == "date_" and expr.date_ is not None:  # {date: 2026-04-01}
        return japanese_date(expr.date_)
    if op in ("add_days", "add_months", "add_years"):
        shift = getattr(expr, op)
        key, unit = {"add_days": ("days", "日"), "add_months": ("months", "か月"), "add_years": ("years", "年")}[op]
        amount = getattr(shift, key)
        if amount.literal is not None:
            value = int(amount.literal)
            return f"{words(shift.to)}の{abs(value):,}{unit}{'後' if value >= 0 else '前'}"
        return f"{words(shift.to)}の（{words(amount)}）{unit}後"
    if op == "period_end" and expr.period_end is not None:
        # 民法140条・143条: the day itself is not counted.
        key, length = expr.period_end.length()
        unit = {"days": "日", "months": "か月", "years": "年"}[key]
        amount_words = f"{int(length.literal):,}" if length.literal is not None else f"（{words(length)}）"
        return f"{words(expr.period_end.from_)}の翌日から数えて{amount_words}{unit}の期間の末日"
    if op == "days_between" and expr.days_between is not None:
        start, end = expr.days_between
        return f"{words(start)}から{words(end)}までの日数"
    if op == "age" and expr.age is not None:
        return f"{words(expr.age.on)}時点の満年齢（生年月日: {words(expr.age.birth)}）"
    if op == "school_grade" and expr.school_grade is not None:
        grade = expr.school_grade
        return f"{words(grade.on)}時点の学年（生年月日: {words(grade.birth)}）"
    if op == "reaches_age":
        reaches = expr.reaches_age
        return f"{words(reaches.birth)}の人が{reaches.age}歳に達する日" if reaches is not None else None
    if op == "fiscal_year":
        return f"{words(expr.fiscal_year)}の年度"
    if op == "fiscal_year_end":
        return f"{words(expr.fiscal_year_end)}の年度末（3月31日）"
    return None


# --- computed values, rules, outcomes -------------------------------------------------------------

ROLES = {"value": "計算結果", "benefit": "給付額・補助金額", "deadline": "期限"}


def as_text(value: Any) -> LocalizedText | None:
    """A unit written as a plain string (before units were Texts) read as a Text."""
    if value is None or isinstance(value, LocalizedText):
        return value
    return LocalizedText(ja=str(value))


def computed(item: Any, definition: FormDefinition) -> str:
    """A computed value's calculation and how it is shown: 「所得」 × 0.1の千円未満切り捨て、給付額・補助金額."""
    role = item.role
    unit = text(as_text(item.unit))
    money = role == "benefit" or unit == "円"
    words = expression(item.expression, definition, money=money)
    places = item.places
    extras = [ROLES[role]] if role != "value" and role in ROLES else []
    if places is not None:
        extras.append(f"小数点以下{places}桁で表示" if places else "整数で表示")
    if unit and not money:
        extras.append(f"単位「{unit}」")
    return words + (f"、{'、'.join(extras)}" if extras else "")


def rule(item: Any, definition: FormDefinition) -> str:
    """A rule in words: 各「世帯員」について、…のとき、…であること."""
    words = ""
    for_each = item.for_each
    if for_each:
        words += f"各「{page_name(definition, for_each)}」について、"
    if item.when is not None:
        words += f"{condition(item.when, definition)}のとき、"
    return words + f"{condition(item.check, definition)}であること"


def computed_name(computed_id: str, definition: FormDefinition) -> str:
    return f"計算値「{_label(_computed_named(definition, computed_id), computed_id)}」"


def outcome(item: Any, definition: FormDefinition) -> str:
    """When a procedure in ``outcomes`` is shown, and its deadline."""
    words = "全員" if item.show_if is None else f"{condition(item.show_if, definition)}のとき"
    if item.deadline:
        words += f"、期限: {computed_name(item.deadline, definition)}"
    return words
