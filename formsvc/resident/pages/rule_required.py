"""Questions that are optional in themselves but required in some cases, so that their label
does not say ※任意 to a resident who will then be told to answer them (issue 16).

Two things make an optional question required: its own ``required_if`` (its hint already says
when: formsvc.resident.pages.reveal.condition_hint), and a cross-field rule whose ``check`` is
that the question is answered — 「出す場所で「その他」を選んだ場合は、詳しい説明を入力してください」 is
``when: {field: put_out_place, equals: other}, check: {field: put_out_note, answered: true}``.
Such a rule's ``when`` says, in words, when the question must be answered.
"""

from __future__ import annotations

from formsvc.applications.flow import Flow
from formsvc.definitions.schema import Page, Rule
from formsvc.fields import FieldSpec
from formsvc.resident.pages.reveal import describe
from formsvc.vocabulary.conditions import Condition


def answered_fields(check: Condition) -> set[str]:
    """The fields that ``check`` holds only when they are answered: ``{field: x, answered: true}``,
    ``{not: {field: x, answered: false}}``, or one of those among an ``all``. (An ``any`` asks
    for one of several answers: none of them is required on its own.)"""
    if check.all is not None:
        return set().union(*(answered_fields(child) for child in check.all))
    inner = check.not_
    if inner is not None and inner.field and inner.answered is False and inner.expression is None:
        return {inner.field}
    if check.field and check.answered is True and check.expression is None:
        return {check.field}
    return set()


def requiring_rules(spec: FieldSpec, page: Page, rules: list[Rule]) -> list[Rule]:
    """The rules checked on ``page`` that require ``spec`` to be answered (on a repeating page,
    those checked for each of its items)."""
    for_each = page.id if page.repeat is not None else None
    return [rule for rule in rules if rule.for_each == for_each and spec.id in answered_fields(rule.check)]


def rule_requirement(spec: FieldSpec, page: Page, flow: Flow, locale: str) -> tuple[bool, bool, str | None]:
    """(required always, required in some cases, when in words) for ``spec`` by the rules: a rule
    without ``when`` makes it always required; one with ``when`` in the cases it says."""
    if spec.required or not spec.has_answer:
        return False, False, None
    rules = requiring_rules(spec, page, flow.definition.rules)
    if any(rule.when is None for rule in rules):
        return True, False, None
    if not rules:
        return False, False, None
    ja = locale == "ja"
    whens = [describe(rule.when, flow, locale) for rule in rules if rule.when is not None]
    unique = list(dict.fromkeys(whens))
    when = ("、または".join(text.removesuffix("場合") for text in unique) + "場合") if ja \
        else " or ".join(unique[:1] + [text.removeprefix("if ") for text in unique[1:]])
    hint = f"{when}は必ず答えてください。" if ja else f"You must answer this {when}."
    return False, True, hint
