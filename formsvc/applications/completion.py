"""Whether a draft is complete enough to become a submission, whoever filled it in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from formsvc.applications.flow import CHECK, Flow, StoredAnswers
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.submissions.models import Draft


@dataclass(frozen=True)
class Completion:
    # The answers as they would be submitted (what is no longer asked is dropped).
    answers: dict
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


def completion(definition: FormDefinition, draft: Draft, today: date, locale: str = "ja") -> Completion:
    flow = Flow(definition, StoredAnswers(definition, draft.answers, today))
    unfinished = flow.first_unfinished_page_id(draft.completed_pages)
    return Completion(
        answers=flow.pruned(),
        fee=flow.fee(),
        unfinished_page_id=None if unfinished == CHECK else unfinished,
        exit_page=flow.exit_page(),
        broken_rules=flow.failing_rules(locale),
    )
