"""Cross-field rules checked on a page that has field errors, so that a resident sees every
message that can be known in one round (issue 16), not the rules' only after fixing the rest.

A rule is checked only when every answer it reads was read (parsed) fine: an answer the page
refused (「2月30日」, letters in a number) is no answer to compare, and a message built on it
would be wrong. What a rule reads is found from the definition, not guessed: its conditions'
fields, the fields of the computed values they use, and every field of a repeating page they
count or total.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from formsvc.applications.flow import Flow
from formsvc.definitions.schema import FormDefinition, Page, Rule
from formsvc.vocabulary.conditions import AnswerLookup


def rule_reads(rule: Rule, definition: FormDefinition) -> set[str]:
    """The ids of the fields ``rule`` reads: in its ``when`` and its ``check``, and in the
    ``show_if`` of the question its message is shown beside."""
    fields: set[str] = set()
    pages: set[str] = set()
    computed: set[str] = set()
    for condition in (rule.when, rule.check):
        if condition is None:
            continue
        fields |= condition.field_references()
        pages |= condition.count_references()
        computed |= condition.computed_references()
    by_id = {value.id: value for value in definition.computed}
    seen: set[str] = set()
    while computed - seen:
        computed_id = (computed - seen).pop()
        seen.add(computed_id)
        if computed_id not in by_id:
            continue
        references = by_id[computed_id].expression.references()
        fields |= references.fields | references.item_fields
        pages |= references.pages
        computed |= references.computed
    for page_id in pages:
        page = definition.page_by_id(page_id)
        if page is not None:
            fields |= {spec.id for spec in page.fields}
    # Whether the message's question is asked at all depends on what its show_if reads.
    target = definition.field_by_id(rule.field)
    if target is not None and target.show_if is not None:
        fields |= target.show_if.field_references()
    return fields


def known_rule_errors(flow: Flow, page: Page, locale: str, refused: AbstractSet[str],
                      item_index: int | None = None, parent_index: int | None = None) -> dict[str, str]:
    """The messages of the rules on ``page`` that read none of the ``refused`` answers, as
    ``Flow.rule_errors`` gives them (it is used as it is when nothing was refused)."""
    if not refused:
        return flow.rule_errors(page, locale, item_index, parent_index)
    definition = flow.definition
    readable = [rule for rule in definition.rules if not rule_reads(rule, definition) & refused]
    # What the rules read: one item's scope on a repeating page, else the whole flow.
    answers: AnswerLookup
    if page.repeat is not None and item_index is not None:
        items = flow.items(page.id) if parent_index is None else flow.children(page.id, parent_index)
        if item_index >= len(items):
            return {}
        item = items[item_index]
        ids = {spec.id for spec in flow.visible_fields(page, item)}
        answers = flow.scope(page, item)
        rules = [rule for rule in readable if rule.for_each == page.id]
    else:
        ids = {spec.id for spec in flow.visible_fields(page)} if page.repeat is None \
            else {spec.id for spec in page.fields}
        answers = flow
        rules = [rule for rule in readable if rule.for_each is None]
    errors: dict[str, str] = {}
    for rule in rules:
        if rule.field not in ids or rule.field in errors:
            continue
        if rule.when is not None and not rule.when.evaluate(answers):
            continue
        if not rule.check.evaluate(answers):
            errors[rule.field] = rule.message.get(locale)
    return errors
