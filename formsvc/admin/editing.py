"""The structured editor's changes, as pure functions from YAML source to YAML source.

Each function reads the definition's YAML, applies one change (add, move or remove a page or a
question; change labels, hints, choices, options, conditions, the fee) through
formsvc.admin.yaml_edit, and returns the new YAML: comments and the layout of everything else
are kept. Nothing here validates the result; the caller saves it through the same check as the
YAML view (formsvc.admin.working_copies.check_source), which refuses an invalid definition.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from formsvc.admin import yaml_edit
from formsvc.admin.yaml_edit import EditError
from formsvc.definitions.schema import FormDefinition
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import admin_options
from formsvc.fields.date import date_bound_from_text, date_bound_text

__all__ = ["EditError"]

# Canonical key order: a new key goes after the keys that come before it here.
TOP_KEYS = ("$schema", "id", "title", "description", "eligibility", "department", "life_events",
            "authentication", "time_needed_minutes", "valid_from", "valid_until", "fee", "computed",
            "documents", "declaration", "next_steps", "outcomes_title", "outcomes", "retention",
            "choice_lists", "pages", "rules", "same_day_issue", "channels")
DEPARTMENT_KEYS = ("name", "contact")
PAGE_KEYS = ("id", "title", "description", "kind", "show_if", "repeat", "fields")
# A question's keys: these, with the type's own options (formsvc.fields.admin_options) between.
FIELD_KEYS_BEFORE_OPTIONS = ("type", "id", "label", "hint", "required")
FIELD_KEYS_AFTER_OPTIONS = ("choices", "choice_list", "show_if", "prefill", "prefill_editable")
FEE_KEYS = ("amount", "description", "payment")


def _after(order: tuple[str, ...], key: str) -> tuple[str, ...]:
    """The keys a new ``key`` may follow, nearest first."""
    if key not in order:
        return tuple(reversed(order))
    return tuple(reversed(order[:order.index(key)]))


# --- Text values ------------------------------------------------------------------------------

def text_value(ja: str, en: str = "", strip: bool = True) -> str | dict | None:
    """A Text as people write it: a plain string, or {ja, en} when there is English.

    Without ``strip`` the spaces around each text are kept (an empty text is still none)."""
    ja, en = (ja or ""), (en or "")
    if strip:
        ja, en = ja.strip(), en.strip()
    if not ja.strip():
        return None
    return {"ja": ja, "en": en} if en.strip() else ja


def text_parts(value: Any) -> tuple[str, str]:
    """(Japanese, English) of a Text written either way."""
    if isinstance(value, dict):
        return str(value.get("ja") or ""), str(value.get("en") or "")
    return ("" if value is None else str(value)), ""


# --- finding things ---------------------------------------------------------------------------

def page_index(data: dict, page_id: str) -> int:
    for index, page in enumerate(data.get("pages") or []):
        if isinstance(page, dict) and page.get("id") == page_id:
            return index
    raise EditError(f"ページ「{page_id}」はありません")


def field_index(data: dict, page_id: str, field_id: str) -> tuple[int, int]:
    p = page_index(data, page_id)
    for index, spec in enumerate(data["pages"][p].get("fields") or []):
        if isinstance(spec, dict) and spec.get("id") == field_id:
            return p, index
    raise EditError(f"項目「{field_id}」はページ「{page_id}」にありません")


def _update(source: str, path: tuple, current: dict, changes: dict[str, Any], order: tuple[str, ...]) -> str:
    """Set (or, for None, remove) each changed key of the mapping at ``path``."""
    for key, value in changes.items():
        if current.get(key) == value and (value is not None or key not in current):
            continue
        if value is None:
            if key in current:
                source = yaml_edit.delete_key(source, (*path, key))
        else:
            source = yaml_edit.set_value(source, (*path, key), value, after=_after(order, key))
        current = _at(yaml_edit.load(source), path)
    return source


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


# --- the procedure ----------------------------------------------------------------------------

def update_procedure(source: str, changes: dict[str, Any]) -> str:
    """Top-level keys (title, description, department, fee …); None removes an optional key."""
    return _update(source, (), yaml_edit.load(source), changes, TOP_KEYS)


def update_department(source: str, name: Any) -> str:
    """The department's name (a Text); its contact and everything else are left as written."""
    data = yaml_edit.load(source)
    department = data.get("department")
    if not isinstance(department, dict):
        return yaml_edit.set_value(source, ("department",), {"name": name}, after=_after(TOP_KEYS, "department"))
    return _update(source, ("department",), department, {"name": name}, DEPARTMENT_KEYS)


def update_fee(source: str, amount: Any | None, description: str | dict | None) -> str:
    """Set the fee's amount expression and description; amount None makes the procedure free."""
    data = yaml_edit.load(source)
    if amount is None:
        return yaml_edit.delete_key(source, ("fee",)) if "fee" in data else source
    if not isinstance(data.get("fee"), dict):
        fee = {"amount": amount}
        if description is not None:
            fee["description"] = description
        return yaml_edit.set_value(source, ("fee",), fee, after=_after(TOP_KEYS, "fee"))
    return _update(source, ("fee",), data["fee"], {"amount": amount, "description": description}, FEE_KEYS)


def rename(source: str, form_id: str, title: Any) -> str:
    """The same definition under another id and title (creating a procedure by copying one)."""
    source = yaml_edit.set_value(source, ("id",), form_id, after=_after(TOP_KEYS, "id"))
    return yaml_edit.set_value(source, ("title",), title, after=_after(TOP_KEYS, "title"))


# --- pages ------------------------------------------------------------------------------------

def add_page(source: str, page_id: str, title: Any, kind: str = "question") -> str:
    page: dict[str, Any] = {"id": page_id, "title": title}
    if kind == "exit":
        page["kind"] = "exit"
    page["fields"] = []
    data = yaml_edit.load(source)
    return yaml_edit.insert_item(source, ("pages",), len(data.get("pages") or []), page)


def move_page(source: str, page_id: str, step: int) -> str:
    data = yaml_edit.load(source)
    index = page_index(data, page_id)
    target = index + step
    if not 0 <= target < len(data["pages"]):
        raise EditError("これ以上移動できません")
    return yaml_edit.move_item(source, ("pages",), index, target)


def move_page_to(source: str, page_id: str, position: int) -> str:
    """Move a page to ``position`` (1 is the first) of the list of pages."""
    data = yaml_edit.load(source)
    index = page_index(data, page_id)
    return yaml_edit.move_item(source, ("pages",), index, _target(index, position, len(data["pages"])))


def _target(index: int, position: int, count: int) -> int:
    """The list index of ``position`` (1-based) for the item now at ``index`` of ``count`` items."""
    if not 1 <= position <= count:
        raise EditError(f"移動先は1番目から{count}番目までの中から選んでください")
    if position - 1 == index:
        raise EditError(f"すでに{position}番目にあります。別の移動先を選んでください")
    return position - 1


def remove_page(source: str, page_id: str) -> str:
    return yaml_edit.delete_item(source, ("pages",), page_index(yaml_edit.load(source), page_id))


def update_page(source: str, page_id: str, changes: dict[str, Any]) -> str:
    data = yaml_edit.load(source)
    index = page_index(data, page_id)
    return _update(source, ("pages", index), data["pages"][index], changes, PAGE_KEYS)


# --- questions (fields) -----------------------------------------------------------------------

def new_field(type_: str, field_id: str, label: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A question as the "add a question" form makes it, in the canonical key order."""
    spec: dict[str, Any] = {"type": type_, "id": field_id}
    if label is not None:
        spec["label"] = label
    spec.update({key: value for key, value in (extra or {}).items() if value is not None})
    return spec


def add_field(source: str, page_id: str, spec: dict[str, Any]) -> str:
    data = yaml_edit.load(source)
    index = page_index(data, page_id)
    fields = data["pages"][index].get("fields") or []
    if "fields" not in data["pages"][index]:
        return yaml_edit.set_value(source, ("pages", index, "fields"), [spec], after=_after(PAGE_KEYS, "fields"))
    return yaml_edit.insert_item(source, ("pages", index, "fields"), len(fields), spec)


def move_field(source: str, page_id: str, field_id: str, step: int) -> str:
    data = yaml_edit.load(source)
    p, f = field_index(data, page_id, field_id)
    target = f + step
    if not 0 <= target < len(data["pages"][p]["fields"]):
        raise EditError("これ以上移動できません")
    return yaml_edit.move_item(source, ("pages", p, "fields"), f, target)


def move_field_to(source: str, page_id: str, field_id: str, position: int) -> str:
    """Move a question to ``position`` (1 is the first) of its page's items as written (a shared
    block's ``use:`` counts as one item)."""
    data = yaml_edit.load(source)
    p, f = field_index(data, page_id, field_id)
    count = len(data["pages"][p]["fields"])
    return yaml_edit.move_item(source, ("pages", p, "fields"), f, _target(f, position, count))


def remove_field(source: str, page_id: str, field_id: str) -> str:
    p, f = field_index(yaml_edit.load(source), page_id, field_id)
    return yaml_edit.delete_item(source, ("pages", p, "fields"), f)


def use_index(data: dict, page_id: str, index: int, block_id: str) -> tuple[int, int]:
    """(page, item) of the ``use: block_id`` written as item ``index`` of the page's fields."""
    p = page_index(data, page_id)
    items = data["pages"][p].get("fields") or []
    if not 0 <= index < len(items) or not isinstance(items[index], dict) or items[index].get("use") != block_id:
        raise EditError(f"共通ブロック「{block_id}」はページ「{page_id}」のその位置にありません。"
                        "画面を開き直してください")
    return p, index


def move_use(source: str, page_id: str, index: int, block_id: str, step: int) -> str:
    """Move a shared block's ``use:`` (all its questions, as one item) up or down the page."""
    data = yaml_edit.load(source)
    p, f = use_index(data, page_id, index, block_id)
    target = f + step
    if not 0 <= target < len(data["pages"][p]["fields"]):
        raise EditError("これ以上移動できません")
    return yaml_edit.move_item(source, ("pages", p, "fields"), f, target)


def move_use_to(source: str, page_id: str, index: int, block_id: str, position: int) -> str:
    """Move a shared block's ``use:`` to ``position`` (1 is the first) of the page's items."""
    data = yaml_edit.load(source)
    p, f = use_index(data, page_id, index, block_id)
    count = len(data["pages"][p]["fields"])
    return yaml_edit.move_item(source, ("pages", p, "fields"), f, _target(f, position, count))


def remove_use(source: str, page_id: str, index: int, block_id: str) -> str:
    p, f = use_index(yaml_edit.load(source), page_id, index, block_id)
    return yaml_edit.delete_item(source, ("pages", p, "fields"), f)


def update_field(source: str, page_id: str, field_id: str, changes: dict[str, Any]) -> str:
    data = yaml_edit.load(source)
    p, f = field_index(data, page_id, field_id)
    current = data["pages"][p]["fields"][f]
    return _update(source, ("pages", p, "fields", f), current, changes, field_keys(current.get("type")))


def field_keys(type_: Any) -> tuple[str, ...]:
    """A question's keys in canonical order (a new key goes after the keys before it here)."""
    own = tuple(option_fields(type_)) if type_ in REGISTRY else ()
    return (*FIELD_KEYS_BEFORE_OPTIONS, *own, *FIELD_KEYS_AFTER_OPTIONS)


# --- choices as one line each: `value: ラベル` ----------------------------------------------------

@dataclass(frozen=True)
class ChoiceLine:
    value: str
    label: str


def choices_text(raw_choices: list | None) -> str:
    """The choices as the editor's textarea shows them, one `value: ラベル` per line."""
    lines = []
    for item in raw_choices or []:
        if isinstance(item, dict):
            value = str(item.get("value", ""))
            label = text_parts(item.get("label"))[0]
        else:
            value = label = str(item)
        lines.append(label if value == label else f"{value}: {label}")
    return "\n".join(lines)


def parse_choice_lines(text: str) -> list[ChoiceLine]:
    """`value: ラベル` per line (a line without a colon is both); blank lines are ignored."""
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        normalised = line.replace("：", ":", 1) if ":" not in line else line
        if ":" in normalised:
            value, label = (part.strip() for part in normalised.split(":", 1))
        else:
            value = label = line
        result.append(ChoiceLine(value or label, label or value))
    return result


def merged_choices(lines: list[ChoiceLine], raw_choices: list | None, exclusive: list[str] | None = None) -> list:
    """The new choices, keeping each existing choice's hint, amount, exclusive flag and English
    label (by value); ``exclusive`` (when given) are the values of the choices that cannot be
    combined with others (「該当なし」 of a checkboxes question).

    The English label is kept only while the Japanese label is unchanged, so a resident never sees
    a translation of words that are no longer there.
    """
    existing: dict[str, dict] = {}
    for raw in raw_choices or []:
        if isinstance(raw, dict):
            existing[str(raw.get("value"))] = raw
    result: list = []
    for line in lines:
        old = existing.get(line.value)
        item: dict[str, Any] = {"value": line.value}
        if old is not None:
            ja, en = text_parts(old.get("label"))
            item["label"] = text_value(line.label, en if ja == line.label else "")
            for key, value in old.items():
                if key not in ("value", "label"):
                    item[key] = value  # hint, amount, exclusive and whatever the YAML adds
        else:
            item["label"] = line.label
        if exclusive is not None:
            if line.value in exclusive:
                item["exclusive"] = True
            elif item.get("exclusive") is not False:
                item.pop("exclusive", None)
        if set(item) == {"value", "label"} and item["label"] == line.value and old is None:
            result.append(line.value)  # written as people write short lists: [本人, 代理人]
        else:
            result.append(item)
    return result


def exclusive_values(raw_choices: list | None) -> list[str]:
    """The values of the choices written with ``exclusive: true``."""
    return [str(raw.get("value")) for raw in raw_choices or []
            if isinstance(raw, dict) and raw.get("exclusive") is True]


# --- date bounds: a date, or days and months from today -----------------------------------------

MONTHS_BOUND = re.compile(r"(?:today|今日)([+-]\d{1,4})(?:m|か月|ヶ月|カ月)([+-]\d{1,5})?")


def bound_text(value: Any) -> str:
    """A date bound as administrators type it: 2025-04-01, today+7, today-3m (3 months ago),
    today+1m-1 (a month from today, less a day)."""
    if isinstance(value, dict) and value.get("months_from_today"):
        months, days = int(value["months_from_today"]), int(value.get("days_from_today") or 0)
        return f"today{months:+d}m" + (f"{days:+d}" if days else "")
    return date_bound_text(value)


def bound_from_text(text: str) -> date | dict | None:
    """What ``bound_text`` writes, read back (None when it cannot be read)."""
    typed = unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()
    match = MONTHS_BOUND.fullmatch(typed)
    if match is None:
        return date_bound_from_text(typed)
    bound: dict[str, int] = {"months_from_today": int(match.group(1))}
    if match.group(2):
        bound["days_from_today"] = int(match.group(2))
    return bound


def same_bound(written: Any, typed: Any) -> bool:
    """Whether two bounds mean the same day ({days_from_today: 0, months_from_today: -3} is -3m)."""
    if isinstance(written, dict) and isinstance(typed, dict):
        def key(bound: dict) -> tuple[int, int, int | None]:
            business = bound.get("business_days_from_today")
            return (int(bound.get("months_from_today") or 0), int(bound.get("days_from_today") or 0),
                    None if business is None else int(business))
        return key(written) == key(typed)
    return written == typed


# --- conditions (a small form: question, operator, value) ---------------------------------------

SIMPLE_OPERATORS = ("equals", "not_equals", "one_of", "contains", "answered", "gt", "gte", "lt", "lte")


@dataclass(frozen=True)
class SimpleCondition:
    field: str
    operator: str
    value: str


def simple_condition(raw: Any) -> SimpleCondition | None:
    """The condition as the small form shows it, or None when it is more than one comparison."""
    if not isinstance(raw, dict) or set(raw) - {"field", *SIMPLE_OPERATORS} or "field" not in raw:
        return None
    operators = [key for key in raw if key in SIMPLE_OPERATORS]
    if len(operators) != 1:
        return None
    operator = operators[0]
    value = raw[operator]
    if isinstance(value, dict):
        if "days_from_today" in value and len(value) == 1:
            return SimpleCondition(str(raw["field"]), operator, date_bound_text(value))
        return None
    text = "、".join(_value_text(v) for v in value) if isinstance(value, list) else _value_text(value)
    return SimpleCondition(str(raw["field"]), operator, text)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


class ConditionInvalid(ValueError):
    """The small condition form cannot be turned into a condition (message for the administrator)."""


def build_condition(definition: FormDefinition, field_id: str, operator: str, text: str) -> dict:
    """The condition for ``field`` ``operator`` ``text``, with the value read by the question's type.

    Choice questions accept a choice's value or its label; yes/no questions はい/いいえ (or true/false);
    numbers and dates are read as such; dates also as today+7 / today-1 (days from today).
    """
    spec = definition.field_by_id(field_id)
    if spec is None:
        raise ConditionInvalid("条件に使う項目を選んでください")
    if operator not in SIMPLE_OPERATORS:
        raise ConditionInvalid("比べ方を選んでください")
    text = (text or "").strip()
    if operator == "answered":
        return {"field": field_id, "answered": text.lower() not in ("false", "いいえ", "なし", "未回答")}
    if not text:
        raise ConditionInvalid("比べる値を入力してください")
    if operator == "one_of":
        parts = [part.strip() for part in text.replace(",", "、").split("、") if part.strip()]
        return {"field": field_id, "one_of": [_read_value(spec, part) for part in parts]}
    return {"field": field_id, operator: _read_value(spec, text)}


def _read_value(spec, text: str) -> Any:
    try:
        return spec.condition_value(text)
    except ValueError as error:
        raise ConditionInvalid(str(error)) from None


def option_fields(type_: str) -> list[str]:
    """The type's own options (besides the keys every question has), in the canonical order."""
    return list(admin_options(REGISTRY[type_]))
