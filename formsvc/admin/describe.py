"""Parts of a definition in words an administrator reads: field types, conditions, expressions, values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from formsvc.definitions.schema import FormDefinition
from formsvc.fields import REGISTRY
from formsvc.fields.base import registered_types
from formsvc.vocabulary.common import LocalizedText
from formsvc.vocabulary.conditions import Condition, DateOffset, FieldRef
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
    if isinstance(value, DateOffset):
        return offset_words(value.days_from_today)
    if isinstance(value, dict) and "days_from_today" in value:
        return offset_words(int(value["days_from_today"]))
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def offset_words(days: int) -> str:
    if days == 0:
        return "今日"
    return f"今日から{days}日後" if days > 0 else f"今日の{-days}日前"


def value_words(value: Any) -> str:
    """An option's value as the history and the diff show it."""
    if value is None:
        return "なし"
    if isinstance(value, LocalizedText):
        return value.ja
    if isinstance(value, dict):
        if set(value) <= {"ja", "en"} and "ja" in value:
            return str(value["ja"])
        if "days_from_today" in value:
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


def condition(cond: Condition | None, definition: FormDefinition) -> str:
    if cond is None:
        return "なし（いつも表示）"
    return _condition(cond, definition, top=True)


def _condition(cond: Condition, definition: FormDefinition, top: bool = False) -> str:
    if cond.all is not None or cond.any is not None:
        joiner = " かつ " if cond.all is not None else " または "
        words = joiner.join(_condition(child, definition) for child in cond.children())
        return words if top else f"（{words}）"
    if cond.not_ is not None:
        return f"次に当てはまらない：{_condition(cond.not_, definition)}"
    # A leaf is about a repeating page's count or about one field's answer.
    field_id = cond.field or ""
    spec = definition.field_by_id(field_id) if field_id else None
    if cond.count:
        page = definition.page_by_id(cond.count)
        subject = f"「{text(page.title) if page else cond.count}」の件数"
    else:
        subject = f"「{text(spec.label) if spec is not None and spec.label else field_id}」"
    if cond.answered is not None:
        return f"{subject}に回答あり" if cond.answered else f"{subject}が未回答"
    if cond.equals is not None:
        return f"{subject}が{_operand(cond.equals, spec, definition)}"
    if cond.not_equals is not None:
        return f"{subject}が{_operand(cond.not_equals, spec, definition)}以外"
    if cond.one_of is not None:
        return f"{subject}が{''.join(_operand(v, spec, definition) for v in cond.one_of)}のどれか"
    if cond.contains is not None:
        return f"{subject}で{_operand(cond.contains, spec, definition)}を選択"
    for name, words in (("gt", "より大きい"), ("gte", "以上"), ("lt", "より小さい"), ("lte", "以下")):
        operand = getattr(cond, name)
        if operand is not None:
            return f"{subject}が{_operand(operand, spec, definition)}{words}"
    return subject


def _operand(value: Any, spec, definition: FormDefinition) -> str:
    if isinstance(value, FieldRef):
        other = definition.field_by_id(value.field)
        return f"「{text(other.label) if other is not None and other.label else value.field}」の回答"
    if isinstance(value, DateOffset):
        return offset_words(value.days_from_today)
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

def expression(expr: Expression, definition: FormDefinition, money: bool = False) -> str:
    """An expression in words: 「通数」 × 300円 + …"""
    return _expression(expr, definition, money, nested=False)


def _expression(expr: Expression, definition: FormDefinition, money: bool, nested: bool = True) -> str:
    # Exactly one operator is set (the model's validator saw to it); testing the attributes
    # themselves lets the type checker follow along.
    if expr.literal is not None:
        return yen(expr.literal) if money else number(expr.literal)
    if expr.field is not None:
        spec = definition.field_by_id(expr.field)
        return f"「{text(spec.label) if spec is not None and spec.label else expr.field}」"
    if expr.amount is not None:
        spec = definition.field_by_id(expr.amount)
        return f"「{text(spec.label) if spec is not None and spec.label else expr.amount}」の選択肢の金額"
    if expr.count is not None:
        page = definition.page_by_id(expr.count)
        return f"「{text(page.title) if page else expr.count}」の件数"
    if expr.computed is not None:
        found = next((c for c in definition.computed if c.id == expr.computed), None)
        return f"「{text(found.label) if found else expr.computed}」"
    if expr.sum is not None:
        page = definition.page_by_id(expr.sum.page)
        inner = _expression(expr.sum.of, definition, money, nested=False)
        return f"「{text(page.title) if page else expr.sum.page}」の各件の {inner} の合計"
    if expr.if_ is not None:
        return (f"（{condition(expr.if_.when, definition)} のとき {_expression(expr.if_.then, definition, money)}、"
                f"それ以外は {_expression(expr.if_.else_, definition, money)}）")
    op = expr.operator()
    parts = [_expression(child, definition, money) for child in getattr(expr, op)]
    if op in ("min", "max"):
        return f"{'最小' if op == 'min' else '最大'}（{'、'.join(parts)}）"
    symbol = {"add": " + ", "subtract": " − ", "multiply": " × "}[op]
    words = symbol.join(parts)
    return f"（{words}）" if nested and len(parts) > 1 and op != "multiply" else words
