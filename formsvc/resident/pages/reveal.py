"""Conditional reveal: a question whose ``show_if`` reads an earlier question of the same page
(or item) is on the page from the start, with a hint saying when to answer it (「「就労」で「はい」
と答えた場合に答えてください」), so the page works without JavaScript; the server decides again
when the page is sent, and a question that does not apply is neither validated nor stored.

With JavaScript (static/js/formsvc.js), the question is hidden until it applies. The script is
given the condition in a small form of its own (``reveal_script``): input names and the values a
browser sends for them. Conditions it cannot follow (comparisons, dates) give no script, and the
question simply stays shown with its hint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from formsvc.applications.flow import Flow
from formsvc.definitions.schema import Page
from formsvc.fields import FieldSpec
from formsvc.vocabulary.conditions import COMPARISONS, AnswerLookup, Condition
from formsvc.vocabulary.values import format_date

# What the script can test on an input: the operator and the values the browser sends.
SCRIPTABLE = ("equals", "not_equals", "one_of", "contains", "answered")


def is_revealed(spec: FieldSpec, page: Page) -> bool:
    """Whether the question's ``show_if`` reads an earlier question of its page."""
    return spec.show_if is not None and bool(spec.show_if.field_references() & {f.id for f in page.fields})


def condition_hint(spec: FieldSpec, page: Page, flow: Flow, locale: str) -> str | None:
    """「…場合に答えてください」 for a revealed question, 「…場合は必ず答えてください」 for one with
    ``required_if``; both when both apply. None when neither does."""
    parts: list[str] = []
    if is_revealed(spec, page) and spec.show_if is not None:
        when = describe(spec.show_if, flow, locale)
        parts.append(f"{when}に答えてください。" if locale == "ja" else f"Answer this only {when}.")
    if spec.required_if is not None:
        when = describe(spec.required_if, flow, locale)
        parts.append(f"{when}は必ず答えてください。" if locale == "ja" else f"You must answer this {when}.")
    return " ".join(parts) or None


def describe(condition: Condition, flow: Flow, locale: str) -> str:
    """A condition in words: 「「就労」で「はい」と答えた場合」 / 'if you answered "Yes" to "Working"'."""
    ja = locale == "ja"
    if condition.all is not None:
        inner = [_clause(child, flow, locale) for child in condition.all]
        return ("、かつ".join(inner) + "場合") if ja else "if " + " and ".join(inner)
    if condition.any is not None:
        inner = [_clause(child, flow, locale) for child in condition.any]
        return ("、または".join(inner) + "場合") if ja else "if " + " or ".join(inner)
    return (_clause(condition, flow, locale) + "場合") if ja else "if " + _clause(condition, flow, locale)


def _clause(condition: Condition, flow: Flow, locale: str) -> str:
    ja = locale == "ja"
    if condition.all is not None or condition.any is not None:
        text = describe(condition, flow, locale)
        return f"（{text.removesuffix('場合')}）" if ja else f"({text.removeprefix('if ')})"
    if condition.not_ is not None:
        inner = _clause(condition.not_, flow, locale)
        return f"「{inner}」に当てはまらない" if ja else f"not ({inner})"
    if condition.expression is not None:
        return _expression_clause(condition, flow, locale)
    if condition.signed_in_with_card is not None:
        if ja:
            return "マイナンバーカードでログインしている" if condition.signed_in_with_card \
                else "マイナンバーカードでログインしていない"
        return "you signed in with your My Number card" if condition.signed_in_with_card \
            else "you did not sign in with your My Number card"
    spec = flow.definition.field_by_id(condition.field) if condition.field else None
    if spec is None:  # a count: say it plainly
        return "件数の条件に当てはまる" if ja else "the number of entries fits"
    label = spec.label.get(locale)
    if condition.answered is not None:
        if ja:
            return f"「{label}」を入力した" if condition.answered else f"「{label}」を入力しなかった"
        return f'you answered "{label}"' if condition.answered else f'you left "{label}" empty'
    if condition.one_of is not None:
        shown = [spec.display(value, locale) or str(value) for value in condition.one_of]
        if ja:
            return f"「{label}」が" + "".join(f"「{text}」" for text in shown) + "のどれかの"
        return f'your answer to "{label}" is one of ' + ", ".join(f'"{text}"' for text in shown)
    for name in ("equals", "contains", "not_equals", *COMPARISONS):
        operand = getattr(condition, name)
        if operand is None:
            continue
        text = _operand_text(spec, operand, name, flow, locale)
        if ja:
            return {"equals": f"「{label}」で「{text}」と答えた", "contains": f"「{label}」で「{text}」を選んだ",
                    "not_equals": f"「{label}」が「{text}」以外の", "gt": f"「{label}」が{text}より大きい",
                    "gte": f"「{label}」が{text}以上の", "lt": f"「{label}」が{text}より小さい",
                    "lte": f"「{label}」が{text}以下の"}[name]
        return {"equals": f'you answered "{text}" to "{label}"', "contains": f'you chose "{text}" in "{label}"',
                "not_equals": f'your answer to "{label}" is not "{text}"', "gt": f'"{label}" is over {text}',
                "gte": f'"{label}" is {text} or more', "lt": f'"{label}" is under {text}',
                "lte": f'"{label}" is {text} or less'}[name]
    return label


def _expression_clause(condition: Condition, flow: Flow, locale: str) -> str:
    """An ``expression:`` comparison in words: 「「生年月日」からみた2026年3月31日の満年齢が15以上の」."""
    ja = locale == "ja"
    expression = condition.expression
    subject = "計算した値" if ja else "the calculated value"
    birth_on = expression.age or expression.school_grade if expression is not None else None
    if expression is not None and birth_on is not None and birth_on.birth.field is not None:
        birth = flow.definition.field_by_id(birth_on.birth.field)
        label = birth.label.get(locale) if birth is not None else birth_on.birth.field
        day = birth_on.on.date_ if birth_on.on is not None else None
        when = format_date(day, locale) if day is not None else ("今日" if ja else "today")
        if birth_on.on is not None and day is None and birth_on.on.today is None:
            when = "基準日" if ja else "the reference day"
        what = ("満年齢" if ja else "age") if expression.age is not None else ("学年" if ja else "school year")
        subject = f"「{label}」からみた{when}の{what}" if ja else f'the {what} on {when} by "{label}"'
    if condition.answered is not None:
        if ja:
            return f"{subject}が計算できる" if condition.answered else f"{subject}が計算できない"
        return f"{subject} can be calculated" if condition.answered else f"{subject} cannot be calculated yet"
    words_ja = {"equals": "{}が{}の", "not_equals": "{}が{}以外の", "gt": "{}が{}より大きい", "gte": "{}が{}以上の",
                "lt": "{}が{}より小さい", "lte": "{}が{}以下の"}
    words_en = {"equals": "{} is {}", "not_equals": "{} is not {}", "gt": "{} is over {}",
                "gte": "{} is {} or more", "lt": "{} is under {}", "lte": "{} is {} or less"}
    for name in words_ja:
        operand = getattr(condition, name)
        if operand is None:
            continue
        value = format_date(operand, locale) if isinstance(operand, date) else str(operand)
        return (words_ja if ja else words_en)[name].format(subject, value)
    if condition.one_of is not None:
        values = "、".join(map(str, condition.one_of))
        return f"{subject}が{values}のどれかの" if ja else f"{subject} is one of {values}"
    return subject


def _operand_text(spec: FieldSpec, operand: Any, name: str, flow: Flow, locale: str) -> str:
    other = getattr(operand, "field", None)
    if isinstance(other, str):
        other_spec = flow.definition.field_by_id(other)
        return f"「{other_spec.label.get(locale)}」" if other_spec is not None and locale == "ja" else \
            (other_spec.label.get(locale) if other_spec is not None else other)
    if hasattr(operand, "days_from_today"):
        days = operand.days_from_today
        return f"今日から{days}日" if locale == "ja" else f"{days} days from today"
    if name in ("equals", "not_equals", "contains"):
        shown = spec.display([operand] if spec.several_choices else operand, locale)
        return shown or str(operand)
    return str(operand)


def reveal_script(spec: FieldSpec, page: Page, answers: AnswerLookup) -> str | None:
    """The condition for the script, as JSON; None when the script cannot follow it (the question
    then stays shown, with its hint). Answers of earlier pages are decided here (``const``)."""
    if not is_revealed(spec, page) or spec.show_if is None:
        return None
    own = {field.id: field for field in page.fields}
    script = _script(spec.show_if, own, answers)
    return json.dumps(script, ensure_ascii=False, separators=(",", ":")) if script is not None else None


def _script(condition: Condition, own: Mapping[str, FieldSpec], answers: AnswerLookup) -> dict[str, Any] | None:
    for name in ("all", "any"):
        children = getattr(condition, name)
        if children is not None:
            parts = [_script(child, own, answers) for child in children]
            return None if any(part is None for part in parts) else {name: parts}
    if condition.not_ is not None:
        inner = _script(condition.not_, own, answers)
        return None if inner is None else {"not": inner}
    if condition.expression is not None and condition.field_references() & set(own):
        return None  # computed from this page's answers (an age from a birth date): the server decides
    spec = own.get(condition.field or "")
    if spec is None or condition.count:
        # Not on this page: the answers given already decide it (inside an item, as the server
        # reads them: the item's and its parent item's answers first).
        return {"const": condition.evaluate(answers)}
    operator = next((name for name in SCRIPTABLE if getattr(condition, name) is not None), None)
    if operator is None or hasattr(getattr(condition, operator), "field"):
        return None
    if operator == "answered":
        return {"input": spec.id, "op": "answered", "values": [bool(condition.answered)]}
    literals = condition.one_of if operator == "one_of" else [getattr(condition, operator)]
    values: list[str] = []
    for literal in literals or []:
        inputs = spec.form_inputs([literal] if spec.several_choices else literal)
        if list(inputs) != [spec.id] or len(inputs[spec.id]) != 1:
            return None  # an answer typed into several inputs (a date): left to the server
        values.append(str(inputs[spec.id][0]))
    return {"input": spec.id, "op": operator, "values": values}
