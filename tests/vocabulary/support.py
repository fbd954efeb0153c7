"""What the vocabulary's tests evaluate against: answers as a plain lookup (the protocol
formsvc.vocabulary.conditions.AnswerLookup), independent of the layers above."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

TODAY = date(2026, 11, 26)


@dataclass
class Answers:
    """What a condition or expression reads: answers by field id, a repeating page's items,
    and computed values by id."""

    fields: dict[str, Any] = field(default_factory=dict)
    repeated: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    today: date = TODAY
    computed: dict[str, Any] = field(default_factory=dict)

    def value(self, field_id: str) -> Any:
        return self.fields.get(field_id)

    def items(self, page_id: str) -> list[dict[str, Any]]:
        return self.repeated.get(page_id, [])

    def computed_value(self, computed_id: str) -> Any:
        return self.computed.get(computed_id)
