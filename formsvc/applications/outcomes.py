"""What an application leads to, as residents and staff are told it: the computed values
(with benefits and deadlines told apart), the next steps and procedures (outcomes) that apply,
and the documents that apply.

The check page reads them from the answers as they are (a live ``Flow``). Everything shown after
sending (done page, e-mail, staff detail, CSV, API, record) reads the computed values stored with
the submission (``Submission.computed``), never computed again: a later fix to a formula must not
change what a resident was told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.definitions.schema import Computed, Document, FormDefinition
from formsvc.fields.choices import ChoiceSpec
from formsvc.vocabulary.conditions import Condition, FieldRef

# A computed value: a number (Decimal), a date, or None ("cannot be computed yet").
Value = Decimal | date | None

ROLES = ("value", "benefit", "deadline")
# How each role is headed and labelled wherever computed values are listed (ja, en).
ROLE_HEADINGS = {
    "value": ("計算結果", "Calculated"),
    "benefit": ("給付額・補助金額の見込み", "Benefit or subsidy (estimate)"),
    "deadline": ("期限", "Deadlines"),
}
# The word added to a label in the CSV and the API, unless the label already says it.
ROLE_WORDS = {"benefit": ("給付額・補助金額", ("給付", "補助", "助成", "支給")),
              "deadline": ("期限", ("期限", "締切", "まで"))}
NOT_COMPUTED = ("（未確定）", "(not determined)")
DEFAULT_OUTCOMES_TITLE = ("あなたに必要な手続き", "Procedures you need to do")
HOW_WORDS = {
    "bring": ("窓口に持参", "bring to the counter"),
    "attach": ("申請時に添付", "attach when applying"),
    "either": ("添付または持参", "attach or bring"),
}
CONDITIONAL = ("該当する方のみ", "Only if it applies to you")


def _pick(words: tuple[str, str], locale: str) -> str:
    return words[1] if locale == "en" else words[0]


# --- computed values ---------------------------------------------------------------------------

def role_of(item: Computed) -> str:
    role = getattr(item, "role", "value")
    return role if role in ROLES else "value"


@dataclass(frozen=True)
class ComputedEntry:
    """One computed value as shown: its label, its text in the reader's language, its role and
    the machine-readable text stored (None: it could not be computed)."""

    id: str
    label: str
    text: str
    role: str
    stored: str | None
    day: date | None = None  # a deadline's date, for <time datetime>

    @property
    def header(self) -> str:
        """The label as an API label: a benefit or deadline says so."""
        return role_labelled(self.label, self.role)


def role_labelled(label: str, role: str) -> str:
    """「支給見込額（給付額・補助金額）」, 「届出（期限）」: a benefit or a deadline says so, unless its
    label already does (「補助金額」, 「届出の期限」)."""
    words = ROLE_WORDS.get(role)
    if words is None or any(word in label for word in words[1]):
        return label
    return f"{label}（{words[0]}）"


def unit_text(item: Computed, locale: str = "ja") -> str:
    """The unit as text (a plain string, or Text with an English form)."""
    unit: Any = item.unit
    if unit is None:
        return ""
    return unit.get(locale) if hasattr(unit, "get") else str(unit)


def csv_header(item: Computed) -> str:
    """A computed value's CSV header: its label, its role, and its unit (the cell is the bare number)."""
    header = role_labelled(item.label.ja, role_of(item))
    unit = unit_text(item)
    return f"{header}（{unit}）" if unit and role_of(item) != "deadline" else header


def computed_entry(item: Computed, value: Value, locale: str) -> ComputedEntry:
    text = _pick(NOT_COMPUTED, locale) if value is None else item.display(value, locale)
    stored = item.to_json(value) if value is not None else None
    return ComputedEntry(item.id, item.label.get(locale), text, role_of(item), stored,
                         value if isinstance(value, date) else None)


def computed_entries(values: Iterable[tuple[Computed, Value]], locale: str) -> list[ComputedEntry]:
    return [computed_entry(item, value, locale) for item, value in values]


def grouped(entries: Sequence[ComputedEntry], locale: str) -> list[tuple[str, str, list[ComputedEntry]]]:
    """(role, heading, entries) for each role that has entries: plain values, then benefits, then
    deadlines, so that an amount received is never read as a fee and a date is read as a 期限."""
    return [(role, _pick(ROLE_HEADINGS[role], locale), [entry for entry in entries if entry.role == role])
            for role in ROLES if any(entry.role == role for entry in entries)]


def to_stored(values: Iterable[tuple[Computed, Value]]) -> dict[str, str | None]:
    """``Submission.computed``: {computed id: value as text ("4.91", "2027-03-31"), or None}."""
    return {item.id: (item.to_json(value) if value is not None else None) for item, value in values}


def stored_values(definition: FormDefinition, stored: Mapping[str, Any] | None) -> list[tuple[Computed, Value]]:
    """The values stored with a submission, in the definition's order. A value that was not
    stored (an older submission, or one not shown) is left out, not computed again; a stored text
    that cannot be read back (changed by hand in the database) reads as not computed."""
    stored = stored if isinstance(stored, Mapping) else {}
    values: list[tuple[Computed, Value]] = []
    for item in definition.computed:
        if item.id not in stored:
            continue
        text = stored[item.id]
        value: Value = None
        if isinstance(text, str):
            try:
                value = item.from_json(text)
            except (ValueError, ArithmeticError, TypeError):
                value = None
        values.append((item, value))
    return values


# --- next steps and outcomes -------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeEntry:
    id: str
    title: str
    body: str | None
    deadline_label: str | None
    deadline: str | None   # the date as text (和暦 etc. as the computed value shows it)
    deadline_day: date | None


@dataclass(frozen=True)
class DocumentEntry:
    name: str
    how: str
    note: str | None
    condition: str | None     # 「該当する方のみ」 with the condition in words, for the full list
    attach: bool


@dataclass(frozen=True)
class Guidance:
    """What applies to one application: next steps, outcomes and the documents."""

    next_steps: list[str]
    outcomes_title: str
    outcomes: list[OutcomeEntry]
    documents: list[DocumentEntry]


def _holds(condition: Condition | None, flow: Flow) -> bool:
    return condition is None or condition.evaluate(flow)


def next_steps(flow: Flow, locale: str) -> list[str]:
    steps = flow.definition.next_steps
    if not isinstance(steps, list):
        return [steps.get(locale)]
    return [step.text.get(locale) for step in steps if _holds(step.show_if, flow)]


def outcomes(flow: Flow, values: Sequence[tuple[Computed, Value]], locale: str) -> list[OutcomeEntry]:
    """The outcomes whose condition holds; a deadline is the computed value given (the stored one
    after sending), left out when it was not shown or could not be computed."""
    by_id = {item.id: (item, value) for item, value in values}
    result = []
    for outcome in flow.definition.outcomes:
        if not _holds(outcome.show_if, flow):
            continue
        label = text = day = None
        found = by_id.get(outcome.deadline) if outcome.deadline else None
        if found is not None and found[1] is not None:
            item, value = found
            label, text = item.label.get(locale), item.display(value, locale)
            day = value if isinstance(value, date) else None
        result.append(OutcomeEntry(outcome.id, outcome.title.get(locale),
                                   outcome.body.get(locale) if outcome.body else None, label, text, day))
    return result


def outcomes_title(definition: FormDefinition, locale: str) -> str:
    if definition.outcomes_title is not None:
        return definition.outcomes_title.get(locale)
    return _pick(DEFAULT_OUTCOMES_TITLE, locale)


def documents(definition: FormDefinition, locale: str, flow: Flow | None = None) -> list[DocumentEntry]:
    """With ``flow``: the documents that apply to its answers. Without (the start page, before any
    answer): every document, a conditional one marked 「該当する方のみ」 with its condition in words."""
    result = []
    for document in definition.documents:
        if flow is not None and not _holds(document.show_if, flow):
            continue
        condition = None
        if flow is None and document.show_if is not None:
            words = condition_words(document.show_if, definition, locale)
            condition = _pick(CONDITIONAL, locale) + (f"（{words}）" if locale != "en" and words
                                                       else f" ({words})" if words else "")
        result.append(_document_entry(document, locale, condition))
    return result


def _document_entry(document: Document, locale: str, condition: str | None) -> DocumentEntry:
    return DocumentEntry(document.name.get(locale), _pick(HOW_WORDS[document.how], locale),
                         document.note.get(locale) if document.note else None, condition,
                         document.how in ("attach", "either"))


def guidance(flow: Flow, values: Sequence[tuple[Computed, Value]], locale: str) -> Guidance:
    """Everything that applies to ``flow``'s answers; ``values`` are the computed values to show
    deadlines from (``flow.computed_values()`` before sending, ``stored_values`` after)."""
    return Guidance(next_steps(flow, locale), outcomes_title(flow.definition, locale),
                    outcomes(flow, values, locale), documents(flow.definition, locale, flow))


# --- conditions in words ---------------------------------------------------------------------

def condition_words(condition: Condition, definition: FormDefinition, locale: str) -> str | None:
    """A document's condition as a resident reads it: 「申請する人」が「代理人」である場合.

    Only answers compared with choices, yes/no or whether they were answered are put in words;
    anything else (dates, counts, computed values, not) gives None, and the page says only
    「該当する方のみ」 rather than something half right."""
    phrase = _phrase(condition, definition, locale, top=True)
    if phrase is None:
        return None
    return f"if {phrase}" if locale == "en" else f"{phrase}場合"


def _phrase(condition: Condition, definition: FormDefinition, locale: str, top: bool = False) -> str | None:
    children = condition.all if condition.all is not None else condition.any
    if children is not None:
        parts = [_phrase(child, definition, locale) for child in children]
        if any(part is None for part in parts):
            return None
        if locale == "en":
            joined = (" and " if condition.all is not None else " or ").join(str(p) for p in parts)
        else:
            joined = ("、かつ" if condition.all is not None else "、または").join(str(p) for p in parts)
        return joined if top or len(parts) == 1 else f"（{joined}）" if locale != "en" else f"({joined})"
    if condition.field is None or getattr(condition, "count", None) is not None:
        return None
    if any(isinstance(getattr(condition, name, None), FieldRef) for name in ("equals", "not_equals")):
        return None
    spec = definition.field_by_id(condition.field)
    if spec is None or spec.label is None:
        return None
    label = spec.label.get(locale)
    en = locale == "en"
    if condition.answered is not None:
        if en:
            return f"you answered \u201c{label}\u201d" if condition.answered else f"\u201c{label}\u201d is not answered"
        return f"「{label}」に回答した" if condition.answered else f"「{label}」に回答していない"
    operators = [name for name in ("equals", "not_equals", "one_of", "contains")
                 if getattr(condition, name) is not None]
    if len(operators) != 1:
        return None  # a comparison (gt, lte…) or an operator added later
    operator = operators[0]
    operand = getattr(condition, operator)
    values = operand if isinstance(operand, list) else [operand]
    words = [_answer_words(spec, value, locale) for value in values]
    if any(word is None for word in words):
        return None
    quoted = [f"\u201c{w}\u201d" if en else f"「{w}」" for w in words]
    if operator == "equals":
        return f"\u201c{label}\u201d is {quoted[0]}" if en else f"「{label}」が{quoted[0]}である"
    if operator == "not_equals":
        return f"\u201c{label}\u201d is not {quoted[0]}" if en else f"「{label}」が{quoted[0]}以外である"
    if operator == "one_of":
        return (f"\u201c{label}\u201d is {' or '.join(quoted)}" if en
                else f"「{label}」が{'または'.join(quoted)}である")
    return f"you chose {quoted[0]} for \u201c{label}\u201d" if en else f"「{label}」で{quoted[0]}を選んだ"


def _answer_words(spec: Any, value: Any, locale: str) -> str | None:
    """A compared value as the question shows that answer (a choice's label, はい/いいえ)."""
    if spec.literal_words(value) is None:
        return None
    if isinstance(spec, ChoiceSpec):
        return spec.choice_label(str(value), locale)
    return spec.display(value, locale) or None


# --- after sending ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    """What a sent application leads to, read from the submission: the stored computed values
    and what applies to the stored answers (conditions as on the day it was submitted)."""

    computed: list[ComputedEntry]
    guidance: Guidance

    def groups(self, locale: str) -> list[tuple[str, str, list[ComputedEntry]]]:
        return grouped(self.computed, locale)


def sent(definition: FormDefinition, answers: Mapping[str, Any], stored: Mapping[str, Any] | None,
         submitted_on: date, locale: str) -> Sent:
    values = stored_values(definition, stored)
    flow = Flow(definition, Answers.from_json(dict(answers)), submitted_on)
    return Sent(computed_entries(values, locale), guidance(flow, values, locale))
