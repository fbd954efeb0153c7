"""Whether a draft is complete enough to become a submission, whoever filled it in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from formsvc.applications.answers import Answers
from formsvc.applications.flow import CHECK, Flow
from formsvc.definitions.schema import FormDefinition, Page


@dataclass(frozen=True)
class Completion:
    # The answers as they would be submitted (what is no longer asked is dropped).
    answers: Answers
    fee: Decimal | None
    # The first page still to answer, or None when every page asked is answered.
    unfinished_page_id: str | None
    # A page that ends the application (「この手続きはオンラインでは…」) the answers lead to.
    exit_page: Page | None
    # Cross-field rules the answers break: (page, field id, message).
    broken_rules: list[tuple[Page, str, str]]

    @property
    def ready(self) -> bool:
        return self.unfinished_page_id is None and self.exit_page is None and not self.broken_rules


def completion(definition: FormDefinition, answers: Answers, completed_pages: Sequence[str], today: date,
               locale: str = "ja") -> Completion:
    """Where ``answers`` stand, ``completed_pages`` being the pages answered (continued) so far."""
    flow = Flow(definition, answers, today)
    unfinished = flow.first_unfinished_page_id(completed_pages)
    return Completion(
        answers=flow.pruned(),
        fee=flow.fee(),
        unfinished_page_id=None if unfinished == CHECK else unfinished,
        exit_page=flow.exit_page(),
        broken_rules=flow.failing_rules(locale),
    )
