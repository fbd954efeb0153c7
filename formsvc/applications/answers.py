"""One application's answers: the typed form of the JSON document drafts, submissions and the
audit trail store.

The stored document (its shape is unchanged, so nothing stored needs migrating)::

    {"fields":   {field id: answer},                      # ordinary pages (FieldSpec.to_json form)
     "items":    {page id: [{field id: answer}, ...]},    # repeating pages, one object per item
     "verified": {field id: {"source": ..., "acr": ...}}, # answers taken from the My Number card
     "identity": {"issuer": ..., "acr": ...}}             # the card sign-in they were taken from

``verified`` and ``identity`` are left out when there are none. Answers are kept in their stored
(JSON) form here; reading them as Python values needs the definition (formsvc.applications.flow).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from formsvc.definitions.schema import FormDefinition

# How an answer came to be verified, e.g. {"source": "mynumber_card", "acr": "aal3"}.
VerifiedMark = dict[str, Any]


@dataclass
class Answers:
    fields: dict[str, Any] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    verified: dict[str, VerifiedMark] = field(default_factory=dict)
    # The card sign-in (issuer, acr) the verified answers came from; None when there was none.
    identity: dict[str, Any] | None = None

    # --- the stored document --------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Answers:
        """The answers of a stored document (None, e.g. a draft's default, is no answer yet).

        A copy: changing the answers never changes the document a database row holds (JSON
        columns only notice a new document, not one changed in place)."""
        document = copy.deepcopy(dict(data or {}))
        return cls(fields=document.get("fields") or {}, items=document.get("items") or {},
                   verified=document.get("verified") or {}, identity=document.get("identity"))

    def to_json(self) -> dict[str, Any]:
        """The document to store (a copy)."""
        document: dict[str, Any] = {"fields": self.fields, "items": self.items}
        if self.verified:
            document["verified"] = self.verified
        if self.identity is not None:
            document["identity"] = self.identity
        return copy.deepcopy(document)

    def copy(self) -> Answers:
        return copy.deepcopy(self)

    # --- reading ----------------------------------------------------------------------------

    def answer(self, field_id: str) -> Any:
        """The stored answer to a question of an ordinary page (None: unanswered)."""
        return self.fields.get(field_id)

    def page_items(self, page_id: str) -> list[dict[str, Any]]:
        """The stored items of a repeating page, in order."""
        return list(self.items.get(page_id, []))

    def is_verified(self, field_id: str) -> bool:
        return field_id in self.verified

    def entries(self) -> Iterator[tuple[str, Any]]:
        """(field id, stored answer) of every answer, on ordinary pages and in every item."""
        yield from self.fields.items()
        for page_items in self.items.values():
            for item in page_items:
                yield from item.items()

    def uploads(self, definition: FormDefinition) -> Iterator[str]:
        """The tokens of the stored files (formsvc.submissions.models.Upload) the answers attach."""
        for field_id, value in self.entries():
            spec = definition.field_by_id(field_id)
            if spec is None or not spec.receives_uploads:
                continue
            for entry in value or []:
                if isinstance(entry, dict) and "upload" in entry:
                    yield entry["upload"]

    # --- changing ---------------------------------------------------------------------------

    def mapped(self, change: Callable[[str, Any], Any]) -> Answers:
        """A copy with every answer (ordinary pages and items) replaced by ``change(field id, answer)``."""
        changed = self.copy()
        places: list[dict[str, Any]] = [changed.fields]
        for page_items in changed.items.values():
            places.extend(page_items)
        for place in places:
            for field_id, value in place.items():
                place[field_id] = change(field_id, value)
        return changed

    def put_page(self, values: Mapping[str, Any], asked: Iterable[str]) -> None:
        """Store an ordinary page's answers: ``asked`` are the questions it showed, ``values``
        their new answers (an unanswered question has none). An answer taken from the card that
        was changed loses its verified mark: a record never calls a typed answer verified."""
        for field_id in asked:
            previous = self.fields.pop(field_id, None)
            if field_id in self.verified and values.get(field_id) != previous:
                del self.verified[field_id]
        self.fields.update({key: value for key, value in values.items() if value is not None})

    def put_item(self, page_id: str, index: int, values: Mapping[str, Any]) -> None:
        """Store an item of a repeating page; ``index`` one past the last adds an item."""
        answered = {key: value for key, value in values.items() if value is not None}
        page_items = self.items.setdefault(page_id, [])
        if index < len(page_items):
            page_items[index] = answered
        else:
            page_items.append(answered)

    def remove_item(self, page_id: str, index: int) -> None:
        del self.items[page_id][index]
