"""Which pages and fields a resident is asked, given their answers so far.

Conditions only look at earlier pages, or at earlier fields of the same page or item (the
checker enforces it), so walking the pages and their fields in order decides everything on the
server: skipped pages and hidden fields are not asked, not validated and not stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from formsvc.applications.answers import Answers, item_key
from formsvc.definitions.schema import Computed, FormDefinition, Page
from formsvc.fields import FieldContext, FieldSpec
from formsvc.vocabulary.conditions import AnswerLookup, Item, ItemAnswers, is_answered
from formsvc.vocabulary.expressions import Expression
from formsvc.vocabulary.values import Value

CHECK = "check"  # the pseudo page after the last one


@dataclass(frozen=True)
class AnswerRow:
    """One line of check-your-answers (and of staff pages and records)."""

    page: Page
    spec: FieldSpec
    value: Any
    text: str
    item_index: int | None = None
    verified: bool = False
    # A nested repeat (repeat.per): the index of the parent item, and the item named with its
    # parent (「世帯員 2（山田花子）の収入 1」), so every place that lists it says whose it is.
    parent_index: int | None = None
    item_title: str | None = None


class _PageScope:
    """The answers as a condition on one page (or inside one item of a repeating page) reads
    them: the item's own answers first, and a field of the page hidden by its condition as
    unanswered."""

    def __init__(self, flow: Flow, item: Mapping[str, Any] | None):
        self._flow = flow
        self._answers: AnswerLookup = flow if item is None else ItemAnswers(item, flow)
        self.hidden: set[str] = set()
        self.today = flow.today

    def value(self, field_id: str) -> Any:
        return None if field_id in self.hidden else self._answers.value(field_id)

    def items(self, page_id: str) -> Sequence[Mapping[str, Any]]:
        # Inside a parent item, a nested page's items are that item's own (ItemAnswers).
        return self._answers.items(page_id)

    def __getattr__(self, name: str) -> Any:
        # Whatever else conditions read through the flow (e.g. computed values) reads the same.
        return getattr(self._flow, name)


class Flow:
    """One application's answers walked through its definition, as on ``today`` (conditions
    may compare dates with it). It is also what conditions and expressions read the answers
    through (formsvc.vocabulary.conditions.Answers): as Python values, not as stored."""

    def __init__(self, definition: FormDefinition, answers: Answers, today: date):
        self.definition = definition
        self.answers = answers
        self.today = today

    @property
    def signed_in_with_card(self) -> bool:
        """Whether the answers were given signed in with the My Number card (the sign-in is kept
        with them: Answers.identity); conditions read it as {signed_in_with_card: true}."""
        return self.answers.identity is not None

    # --- answers as Python values ------------------------------------------------------

    def value(self, field_id: str) -> Any:
        """The answer to a question of an ordinary page (None: unanswered)."""
        spec = self.definition.field_by_id(field_id)
        stored = self.answers.answer(field_id)
        return spec.from_json(stored) if spec is not None and stored is not None else stored

    def items(self, page_id: str) -> list[Item]:
        """The items of a repeating page, each answer read as a Python value.

        Each item knows the items of the pages nested in it (``Item.nested``). The items of a
        nested page are every parent item's, in the parents' order (what a count or a total
        over the whole application reads), each knowing its parent (``Item.parent``)."""
        page = self.definition.page_by_id(page_id)
        if page is None:
            return []
        per = page.repeat.per if page.repeat is not None else None
        if per is not None:
            parent_page = self.definition.page_by_id(per)
            if parent_page is None or parent_page.repeat is None or parent_page.repeat.per is not None:
                return []  # one level only (the checker refuses anything else)
            return [child for parent in self.items(per) for child in parent.nested.get(page_id, [])]
        items = [Item(_read(page, stored), index) for index, stored in enumerate(self.answers.page_items(page_id))]
        for nested in self.definition.nested_pages(page_id):
            for item in items:
                item.nested[nested.id] = [
                    Item(_read(nested, stored), index, parent=item)
                    for index, stored in enumerate(self.answers.child_items(nested.id, item.index))]
        return items

    def children(self, page_id: str, parent_index: int) -> list[Item]:
        """The items of nested page ``page_id`` under item ``parent_index`` of its parent page."""
        page = self.definition.page_by_id(page_id)
        if page is None or page.repeat is None or page.repeat.per is None:
            return []
        parents = self.items(page.repeat.per)
        return parents[parent_index].nested.get(page_id, []) if 0 <= parent_index < len(parents) else []

    def item_title(self, page: Page, item: Item, locale: str) -> str:
        """An item as lists and records name it: 「世帯員 2」; an item of a nested page with its
        parent item, named by the parent's summary field: 「世帯員 2（山田花子）の収入 1」."""
        own = f"{page.repeat.item_label.get(locale)} {item.index + 1}" if page.repeat is not None \
            else page.title.get(locale)
        parent_page = self.definition.page_by_id(page.repeat.per) \
            if page.repeat is not None and page.repeat.per is not None else None
        if item.parent is None or parent_page is None or parent_page.repeat is None:
            return own
        whose = f"{parent_page.repeat.item_label.get(locale)} {item.parent.index + 1}"
        name = _summary(parent_page, item.parent, locale)
        if locale == "ja":
            return f"{whose}（{name}）の{own}" if name else f"{whose}の{own}"
        return f"{own} of {whose} ({name})" if name else f"{own} of {whose}"

    # --- pages -------------------------------------------------------------------------

    def is_page_shown(self, page: Page) -> bool:
        return page.show_if is None or page.show_if.evaluate(self)

    def visible_pages(self) -> list[Page]:
        """Pages asked, in order; the flow ends at the first exit page that applies."""
        pages: list[Page] = []
        for page in self.definition.pages:
            if not self.is_page_shown(page):
                continue
            per = page.repeat.per if page.repeat is not None else None
            if per is not None and per not in {shown.id for shown in pages}:
                continue  # a nested page is asked only when its parent page is
            pages.append(page)
            if page.kind == "exit":
                break
        return pages

    def exit_page(self) -> Page | None:
        pages = self.visible_pages()
        return pages[-1] if pages and pages[-1].kind == "exit" else None

    def next_page_id(self, page_id: str) -> str:
        pages = self.visible_pages()
        ids = [page.id for page in pages]
        if page_id not in ids:
            return ids[0]
        index = ids.index(page_id)
        return ids[index + 1] if index + 1 < len(ids) else CHECK

    def previous_page_id(self, page_id: str) -> str | None:
        ids = [page.id for page in self.visible_pages()]
        if page_id == CHECK:
            return ids[-1] if ids else None
        if page_id not in ids or ids.index(page_id) == 0:
            return None
        return ids[ids.index(page_id) - 1]

    def first_unfinished_page_id(self, completed: Sequence[str]) -> str:
        """Where a resident should be: the first page asked that they have not completed."""
        for page in self.visible_pages():
            if page.id not in completed or page.kind == "exit":
                return page.id
        return CHECK

    # --- fields ------------------------------------------------------------------------

    def visible_fields(self, page: Page, item: Mapping[str, Any] | None = None) -> list[FieldSpec]:
        """The fields asked on ``page`` (inside ``item``, an item of a repeating page as Python
        values, when given). A condition may look at an earlier field of the same page or item:
        a field its own condition hides reads as unanswered to the fields after it."""
        scope = _PageScope(self, item)
        shown: list[FieldSpec] = []
        for spec in page.fields:
            if spec.show_if is None or spec.show_if.evaluate(scope):
                shown.append(spec)
            else:
                scope.hidden.add(spec.id)
        return shown

    def shown_fields(self, page: Page, item: Mapping[str, Any] | None = None) -> list[FieldSpec]:
        """The fields a page of questions shows: those asked, and those whose condition looks at
        an earlier field of the same page (a conditional reveal: the answer on the page decides,
        again when the page is sent)."""
        asked = self.visible_fields(page, item)
        same_page = {spec.id for spec in page.fields}
        return [spec for spec in page.fields
                if spec in asked or (spec.show_if is not None
                                     and spec.show_if.field_references() & same_page)]

    def scope(self, page: Page, item: Mapping[str, Any] | None = None) -> _PageScope:
        """The answers as a condition on ``page`` (inside ``item``) reads them."""
        scope = _PageScope(self, item)
        scope.hidden = {spec.id for spec in page.fields} - {spec.id for spec in self.visible_fields(page, item)}
        return scope

    def missing_required(self, page: Page, item: Mapping[str, Any] | None = None) -> list[FieldSpec]:
        """Fields asked whose ``required_if`` holds and that are unanswered."""
        scope = self.scope(page, item)
        return [spec for spec in self.visible_fields(page, item)
                if spec.required_if is not None and spec.required_if.evaluate(scope)
                and not is_answered(scope.value(spec.id))]

    def pruned(self, hold_card: bool = False) -> Answers:
        """The answers limited to what is asked now (hidden answers are not kept).

        A question the card fills that is asked and unanswered gets the card's answer again,
        verified: its page may have been hidden for a while (not asked yet, or skipped by an
        answer), which dropped it. ``hold_card``: keep the card's answers for later (a draft); a
        submission never carries answers to questions it does not ask."""
        pruned = Answers(identity=self.answers.identity)
        held = self.answers.prefill
        marks = dict(self.answers.verified)
        for page in self.visible_pages():
            if page.repeat is not None and page.repeat.per is not None:
                # One list per parent item kept (the parent page comes earlier: checker).
                parents = self.items(page.repeat.per)[:len(pruned.items.get(page.repeat.per, []))]
                pruned.items[page.id] = [
                    [{spec.id: stored[spec.id] for spec in self.visible_fields(page, child)
                      if spec.has_answer and stored.get(spec.id) is not None}
                     for stored, child in zip(self.answers.child_items(page.id, parent.index),
                                              parent.nested.get(page.id, []), strict=True)]
                    for parent in parents]
                continue
            if page.repeat is not None:
                page_items = self.answers.page_items(page.id)
                for index, (stored, item) in enumerate(zip(page_items, self.items(page.id), strict=True)):
                    kept = {spec.id: stored[spec.id] for spec in self.visible_fields(page, item)
                            if spec.has_answer and stored.get(spec.id) is not None}
                    pruned.items.setdefault(page.id, []).append(kept)
                    pruned.verified.update({item_key(page.id, index, field_id): marks[key]
                                            for field_id in kept
                                            if (key := item_key(page.id, index, field_id)) in marks})
                if not page_items:
                    pruned.items[page.id] = []
                continue
            for spec in self.visible_fields(page):
                stored = self.answers.answer(spec.id)
                card = held.get(spec.id)
                if stored is None and spec.has_answer and isinstance(card, dict) and "answer" in card:
                    stored = card["answer"]
                    # A detail carried at the counter that was typed, not read from a card, is
                    # held without a mark (formsvc.counter.carryover.prefilled): not verified.
                    if card.get("verified"):
                        marks[spec.id] = card["verified"]
                if spec.has_answer and stored is not None:
                    pruned.fields[spec.id] = stored
                    if spec.id in marks:
                        # Verified marks (answers from the My Number card) stay only with their answers.
                        pruned.verified[spec.id] = marks[spec.id]
        if hold_card:
            pruned.prefill = held
        return pruned.copy()

    # --- computed values ---------------------------------------------------------------

    def choice_amounts(self, field_id: str) -> Mapping[str, Decimal]:
        spec = self.definition.field_by_id(field_id)
        return spec.amounts() if spec is not None else {}

    def computed(self, computed_id: str) -> Expression:
        return next(c.expression for c in self.definition.computed if c.id == computed_id)

    def fee(self) -> Decimal | None:
        """The fee in whole yen (None: the procedure has no fee).

        Fees are stored as whole yen, so a fraction is dropped (1円未満切り捨て, as 国等の債権債務等の
        金額の端数計算に関する法律 does; write floor/ceil/round in the definition to decide
        otherwise). A fee that cannot be computed (a division by zero, a date where a number
        belongs) or would be negative is 0: the resident is never asked to pay less than nothing.
        """
        if self.definition.fee is None:
            return None
        value = self.definition.fee.amount.evaluate(self, self)
        if not isinstance(value, Decimal) or value <= 0:
            return Decimal(0)
        return value.to_integral_value(rounding=ROUND_FLOOR)

    def computed_value(self, computed_id: str) -> Value:
        """The value of a computed item, whether it is shown or not (None: not computable, or no
        such id). Conditions read it through here (formsvc.vocabulary.conditions.AnswerLookup)."""
        if not any(c.id == computed_id for c in self.definition.computed):
            return None
        return self.computed(computed_id).evaluate(self, self)

    def computed_values(self) -> list[tuple[Computed, Value]]:
        """The computed items shown (``show_if`` holds), with their values as computed (display
        and storage round them to ``places``: Computed.display / to_json)."""
        return [(c, c.expression.evaluate(self, self)) for c in self.definition.computed
                if c.show_if is None or c.show_if.evaluate(self)]

    # --- rules -------------------------------------------------------------------------

    def rule_errors(self, page: Page, locale: str, item_index: int | None = None,
                    parent_index: int | None = None) -> dict[str, str]:
        """Messages of cross-field rules whose message belongs on ``page``.

        On a repeating page, an item (``item_index``) is checked against the rules checked once
        per item (``for_each``); the other rules read the whole list (e.g. exactly one 世帯主),
        so they are checked when the list is continued (no item given). An item of a nested
        page is item ``item_index`` under parent item ``parent_index``."""
        if page.repeat is not None and item_index is not None:
            items = self.items(page.id) if parent_index is None else self.children(page.id, parent_index)
            return self.item_rule_errors(page, items[item_index], locale) if item_index < len(items) else {}
        ids = {spec.id for spec in self.visible_fields(page)} if page.repeat is None \
            else {spec.id for spec in page.fields}
        errors: dict[str, str] = {}
        for rule in self.definition.rules:
            if rule.field not in ids or rule.field in errors or rule.for_each is not None:
                continue
            if rule.when is not None and not rule.when.evaluate(self):
                continue
            if not rule.check.evaluate(self):
                errors[rule.field] = rule.message.get(locale)
        return errors

    def item_rule_errors(self, page: Page, item: Mapping[str, Any], locale: str) -> dict[str, str]:
        """Messages of the ``for_each`` rules of ``page`` broken by one of its items."""
        ids = {spec.id for spec in self.visible_fields(page, item)}
        scope = self.scope(page, item)
        errors: dict[str, str] = {}
        for rule in self.definition.rules:
            if rule.for_each != page.id or rule.field not in ids or rule.field in errors:
                continue
            if rule.when is not None and not rule.when.evaluate(scope):
                continue
            if not rule.check.evaluate(scope):
                errors[rule.field] = rule.message.get(locale)
        return errors

    def failing_rules(self, locale: str) -> list[tuple[Page, str, str]]:
        """(page, field id, message) of every rule broken by the answers as they are now, and of
        every ``required_if`` question left unanswered.

        Rules are checked page by page as the resident goes; this catches a rule broken later
        by a change made from the check page, on repeating pages too (a message about one item
        names it: 「世帯員 2：…」).
        """
        failing: list[tuple[Page, str, str]] = []
        for page in self.visible_pages():
            failing.extend((page, field_id, message)
                           for field_id, message in self.rule_errors(page, locale).items())
            if page.repeat is None:
                failing.extend((page, spec.id, spec.required_message(FieldContext(locale, self.today)))
                               for spec in self.missing_required(page))
                continue
            for item in self.items(page.id):
                title = self.item_title(page, item, locale)
                named = f"{title}：" if locale == "ja" else f"{title}: "
                failing.extend((page, field_id, named + message)
                               for field_id, message in self.item_rule_errors(page, item, locale).items())
                failing.extend((page, spec.id, named + spec.required_message(FieldContext(locale, self.today)))
                               for spec in self.missing_required(page, item))
        return failing

    # --- check your answers ------------------------------------------------------------

    def rows(self, locale: str = "ja") -> list[AnswerRow]:
        rows: list[AnswerRow] = []
        shown = self.visible_pages()
        shown_ids = {page.id for page in shown}
        for page in shown:
            if page.kind == "exit" or (page.repeat is not None and page.repeat.per is not None):
                continue  # a nested page's items are listed under their parent item, below
            if page.repeat is not None:
                nested = [child for child in self.definition.nested_pages(page.id) if child.id in shown_ids]
                # Item fields' conditions may look at the item's own answers: decided per item.
                for index, item in enumerate(self.items(page.id)):
                    rows.extend(AnswerRow(page, spec, item.get(spec.id),
                                          spec.display(item.get(spec.id), locale), index,
                                          verified=self.answers.is_verified(item_key(page.id, index, spec.id)))
                                for spec in self.visible_fields(page, item) if spec.has_answer)
                    for child_page in nested:
                        for child in item.nested.get(child_page.id, []):
                            title = self.item_title(child_page, child, locale)
                            rows.extend(AnswerRow(child_page, spec, child.get(spec.id),
                                                  spec.display(child.get(spec.id), locale), child.index,
                                                  parent_index=index, item_title=title)
                                        for spec in self.visible_fields(child_page, child) if spec.has_answer)
                continue
            for spec in self.visible_fields(page):
                if spec.has_answer:
                    value = self.value(spec.id)
                    rows.append(AnswerRow(page, spec, value, spec.display(value, locale),
                                          verified=self.answers.is_verified(spec.id)))
        return rows


def _read(page: Page, stored: Mapping[str, Any]) -> dict[str, Any]:
    """A stored item of ``page`` with each answer read as a Python value."""
    specs = {spec.id: spec for spec in page.fields}
    return {key: specs[key].from_json(value) if key in specs and value is not None else value
            for key, value in stored.items()}


def _summary(page: Page, item: Mapping[str, Any], locale: str) -> str | None:
    """An item's summary field's answer as shown (None: no summary field, or unanswered)."""
    field_id = page.repeat.summary_field if page.repeat is not None else None
    spec = next((spec for spec in page.fields if spec.id == field_id), None) if field_id else None
    if spec is None or item.get(spec.id) is None:
        return None
    return spec.display(item.get(spec.id), locale) or None
