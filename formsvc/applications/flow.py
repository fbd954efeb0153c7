"""Which pages and fields a resident is asked, given their answers so far.

Conditions only look at earlier pages (the checker enforces it), so walking the pages in
order decides everything on the server: skipped pages and hidden fields are not asked,
not validated and not stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from formsvc.applications.answers import Answers
from formsvc.definitions.schema import Computed, FormDefinition, Page
from formsvc.fields import FieldSpec
from formsvc.vocabulary.expressions import Expression

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


class Flow:
    """One application's answers walked through its definition, as on ``today`` (conditions
    may compare dates with it). It is also what conditions and expressions read the answers
    through (formsvc.vocabulary.conditions.Answers): as Python values, not as stored."""

    def __init__(self, definition: FormDefinition, answers: Answers, today: date):
        self.definition = definition
        self.answers = answers
        self.today = today

    # --- answers as Python values ------------------------------------------------------

    def value(self, field_id: str) -> Any:
        """The answer to a question of an ordinary page (None: unanswered)."""
        spec = self.definition.field_by_id(field_id)
        stored = self.answers.answer(field_id)
        return spec.from_json(stored) if spec is not None and stored is not None else stored

    def items(self, page_id: str) -> list[dict[str, Any]]:
        """The items of a repeating page, each answer read as a Python value."""
        page = self.definition.page_by_id(page_id)
        if page is None:
            return []
        specs = {spec.id: spec for spec in page.fields}
        return [
            {key: specs[key].from_json(value) if key in specs and value is not None else value
             for key, value in item.items()}
            for item in self.answers.page_items(page_id)
        ]

    # --- pages -------------------------------------------------------------------------

    def is_page_shown(self, page: Page) -> bool:
        return page.show_if is None or page.show_if.evaluate(self)

    def visible_pages(self) -> list[Page]:
        """Pages asked, in order; the flow ends at the first exit page that applies."""
        pages: list[Page] = []
        for page in self.definition.pages:
            if not self.is_page_shown(page):
                continue
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

    def visible_fields(self, page: Page) -> list[FieldSpec]:
        return [spec for spec in page.fields
                if spec.show_if is None or spec.show_if.evaluate(self)]

    def pruned(self) -> Answers:
        """The answers limited to what is asked now (hidden answers are not kept)."""
        pruned = Answers(identity=self.answers.identity)
        for page in self.visible_pages():
            if page.repeat is not None:
                pruned.items[page.id] = [
                    {spec.id: item[spec.id] for spec in self.visible_fields(page)
                     if spec.has_answer and item.get(spec.id) is not None}
                    for item in self.answers.page_items(page.id)
                ]
                continue
            for spec in self.visible_fields(page):
                stored = self.answers.answer(spec.id)
                if spec.has_answer and stored is not None:
                    pruned.fields[spec.id] = stored
        # Verified marks (answers from the My Number card) stay only with their answers.
        pruned.verified = {key: mark for key, mark in self.answers.verified.items()
                           if key in pruned.fields}
        return pruned.copy()

    # --- computed values ---------------------------------------------------------------

    def choice_amounts(self, field_id: str) -> Mapping[str, Decimal]:
        spec = self.definition.field_by_id(field_id)
        return spec.amounts() if spec is not None else {}

    def computed(self, computed_id: str) -> Expression:
        return next(c.expression for c in self.definition.computed if c.id == computed_id)

    def fee(self) -> Decimal | None:
        if self.definition.fee is None:
            return None
        return self.definition.fee.amount.evaluate(self, self)

    def computed_values(self) -> list[tuple[Computed, Decimal]]:
        return [(c, c.expression.evaluate(self, self)) for c in self.definition.computed]

    # --- rules -------------------------------------------------------------------------

    def rule_errors(self, page: Page, locale: str) -> dict[str, str]:
        """Messages of cross-field rules whose message belongs on ``page``."""
        ids = {spec.id for spec in self.visible_fields(page)}
        errors: dict[str, str] = {}
        for rule in self.definition.rules:
            if rule.field not in ids or rule.field in errors:
                continue
            if rule.when is not None and not rule.when.evaluate(self):
                continue
            if not rule.check.evaluate(self):
                errors[rule.field] = rule.message.get(locale)
        return errors

    def failing_rules(self, locale: str) -> list[tuple[Page, str, str]]:
        """(page, field id, message) of every rule broken by the answers as they are now.

        Rules are checked page by page as the resident goes; this catches a rule broken later
        by a change made from the check page.
        """
        failing: list[tuple[Page, str, str]] = []
        for page in self.visible_pages():
            if page.repeat is None:
                failing.extend((page, field_id, message)
                               for field_id, message in self.rule_errors(page, locale).items())
        return failing

    # --- check your answers ------------------------------------------------------------

    def rows(self, locale: str = "ja") -> list[AnswerRow]:
        rows: list[AnswerRow] = []
        for page in self.visible_pages():
            if page.kind == "exit":
                continue
            if page.repeat is not None:
                # Item fields' conditions look at earlier pages only, so they hold for every item.
                specs = [spec for spec in self.visible_fields(page) if spec.has_answer]
                for index, item in enumerate(self.items(page.id)):
                    rows.extend(AnswerRow(page, spec, item.get(spec.id),
                                          spec.display(item.get(spec.id), locale), index)
                                for spec in specs)
                continue
            for spec in self.visible_fields(page):
                if spec.has_answer:
                    value = self.value(spec.id)
                    rows.append(AnswerRow(page, spec, value, spec.display(value, locale),
                                          verified=self.answers.is_verified(spec.id)))
        return rows
