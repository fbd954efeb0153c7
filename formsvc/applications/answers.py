"""One application's answers: the typed form of the JSON document drafts, submissions and the
audit trail store.

The stored document (its shape is unchanged, so nothing stored needs migrating)::

    {"fields":   {field id: answer},                      # ordinary pages (FieldSpec.to_json form)
     "items":    {page id: [{field id: answer}, ...]},    # repeating pages, one object per item
                 {page id: [[{field id: answer}, ...], ...]}, # a nested page (repeat.per): per parent item
     "verified": {field id: {"source": ..., "acr": ...}}, # answers taken from the My Number card
     "identity": {"issuer": ..., "acr": ...},            # the card sign-in they were taken from
     "prefill":  {field id: {"answer": ..., "verified": {...}}}}  # drafts only: the card's answers, held

A verified answer inside an item of a repeating page is marked under ``item_key`` (e.g.
``members.0.member_name``). ``prefill`` holds what the card gave for every question it fills, so
that a question hidden for a while (its page not asked yet, or skipped by an answer) gets the
card's answer back, still verified, when it is asked again (formsvc.applications.flow.Flow.pruned);
a submission never carries it. ``verified``, ``identity`` and ``prefill`` are left out when there
are none.

A nested repeating page (``repeat.per: members``: each 世帯員's 収入) keeps its items under its own
page id, as one list per item of the parent page, in the parent's order: ``items["incomes"][1]``
are the second member's incomes. Kept beside the parent's items rather than inside them, so that
an item stays {field id: answer} for everything that reads items (exports, uploads, conditions,
existing documents) and only the nested page's entry has the extra level; removing a parent item
removes its list (``remove_item(..., nested=...)``), so the lists never shift onto another member.

Answers are kept in their stored (JSON) form here; reading them as Python values needs the
definition (formsvc.applications.flow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from formsvc.definitions.schema import FormDefinition
from formsvc.plain_copy import plain_copy

# How an answer came to be verified, e.g. {"source": "mynumber_card", "acr": "aal3"}.
VerifiedMark = dict[str, Any]


@dataclass
class Answers:
    fields: dict[str, Any] = field(default_factory=dict)
    # A nested page's entry holds lists of items (see the module's docstring).
    items: dict[str, list[Any]] = field(default_factory=dict)
    verified: dict[str, VerifiedMark] = field(default_factory=dict)
    # The card sign-in (issuer, acr) the verified answers came from; None when there was none.
    identity: dict[str, Any] | None = None
    # The card's answers held for questions not asked now (see the module's docstring): by field
    # id (or item_key), {"answer": stored answer, "verified": its mark}.
    prefill: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- the stored document --------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Answers:
        """The answers of a stored document (None, e.g. a draft's default, is no answer yet).

        A copy: changing the answers never changes the document a database row holds (JSON
        columns only notice a new document, not one changed in place)."""
        document = plain_copy(dict(data or {}))
        return cls(fields=document.get("fields") or {}, items=document.get("items") or {},
                   verified=document.get("verified") or {}, identity=document.get("identity"),
                   prefill=document.get("prefill") or {})

    def to_json(self) -> dict[str, Any]:
        """The document to store (a copy)."""
        document: dict[str, Any] = {"fields": self.fields, "items": self.items}
        if self.verified:
            document["verified"] = self.verified
        if self.identity is not None:
            document["identity"] = self.identity
        if self.prefill:
            document["prefill"] = self.prefill
        return plain_copy(document)

    def copy(self) -> Answers:
        return Answers(fields=plain_copy(self.fields), items=plain_copy(self.items), verified=plain_copy(self.verified),
                       identity=plain_copy(self.identity), prefill=plain_copy(self.prefill))

    # --- reading ----------------------------------------------------------------------------

    def answer(self, field_id: str) -> Any:
        """The stored answer to a question of an ordinary page (None: unanswered)."""
        return self.fields.get(field_id)

    def page_items(self, page_id: str) -> list[dict[str, Any]]:
        """The stored items of a repeating page, in order (of a nested page: every parent's,
        one after the other; its items per parent: child_items)."""
        stored = self.items.get(page_id, [])
        return [child for entry in stored for child in _items_in(entry)]

    def child_items(self, page_id: str, parent_index: int) -> list[dict[str, Any]]:
        """The stored items of nested page ``page_id`` that belong to item ``parent_index`` of its
        parent page ([] when there are none, or for a position that is not there)."""
        stored = self.items.get(page_id) or []
        if not 0 <= parent_index < len(stored) or not isinstance(stored[parent_index], list):
            return []
        return list(stored[parent_index])

    def is_verified(self, field_id: str) -> bool:
        return field_id in self.verified

    def held(self, key: str) -> dict[str, Any] | None:
        """The card's answer held for ``key`` (a field id or an item_key): {"answer", "verified"}."""
        entry = self.prefill.get(key)
        return entry if isinstance(entry, dict) and "answer" in entry else None

    def entries(self) -> Iterator[tuple[str, Any]]:
        """(field id, stored answer) of every answer, on ordinary pages and in every item."""
        yield from self.fields.items()
        for page_items in self.items.values():
            for entry in page_items:
                for item in _items_in(entry):
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
            for entry in page_items:
                places.extend(_items_in(entry))
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
                # The resident has taken this answer over: the card's is not put back over it.
                self.prefill.pop(field_id, None)
            elif values.get(field_id) != previous:
                # A held answer that was never verified (a detail carried at the counter) that
                # was changed or cleared is not put back either.
                self.prefill.pop(field_id, None)
        self.fields.update({key: value for key, value in values.items() if value is not None})

    def put_item(self, page_id: str, index: int, values: Mapping[str, Any]) -> None:
        """Store an item of a repeating page; ``index`` one past the last adds an item. An item
        answer marked verified that was changed loses its mark (as on an ordinary page)."""
        answered = {key: value for key, value in values.items() if value is not None}
        page_items = self.items.setdefault(page_id, [])
        previous = page_items[index] if index < len(page_items) else {}
        for field_id in set(previous) | set(answered):
            key = item_key(page_id, index, field_id)
            if key in self.verified and answered.get(field_id) != previous.get(field_id):
                del self.verified[key]
        if index < len(page_items):
            page_items[index] = answered
        else:
            page_items.append(answered)

    def put_child(self, page_id: str, parent_index: int, index: int, values: Mapping[str, Any]) -> None:
        """Store item ``index`` of nested page ``page_id`` under item ``parent_index`` of its parent
        page; ``index`` one past the last adds one. (Nested items are never from the card: the
        checker refuses prefill there, so there is no verified mark to keep.)"""
        stored = self.items.setdefault(page_id, [])
        while len(stored) <= parent_index:
            stored.append([])
        children = stored[parent_index]
        answered = {key: value for key, value in values.items() if value is not None}
        if index < len(children):
            children[index] = answered
        else:
            children.append(answered)

    def remove_child(self, page_id: str, parent_index: int, index: int) -> None:
        """Remove item ``index`` of nested page ``page_id`` under item ``parent_index``."""
        del self.items[page_id][parent_index][index]

    def remove_item(self, page_id: str, index: int, nested: Iterable[str] = ()) -> None:
        """Remove an item; the verified marks of the items after it move up with them, and the
        items of the ``nested`` pages (asked per item of ``page_id``) that belonged to it go too."""
        del self.items[page_id][index]
        for nested_id in nested:
            stored = self.items.get(nested_id) or []
            if index < len(stored):
                del stored[index]
        moved: dict[str, VerifiedMark] = {}
        for key, mark in self.verified.items():
            place = item_place(key)
            if place is None or place[0] != page_id:
                moved[key] = mark
            elif place[1] != index:
                moved[item_key(page_id, place[1] - (place[1] > index), place[2])] = mark
        self.verified = moved


def item_key(page_id: str, index: int, field_id: str) -> str:
    """Where the verified mark of an answer inside an item is kept: ``members.0.member_name``
    (ids never contain a dot)."""
    return f"{page_id}.{index}.{field_id}"


def item_place(key: str) -> tuple[str, int, str] | None:
    """(page id, index, field id) of an item_key; None for a plain field id."""
    parts = key.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


def _items_in(entry: Any) -> list[dict[str, Any]]:
    """The items one stored entry of ``items[page]`` holds: itself, or a nested page's list."""
    if isinstance(entry, list):
        return [item for item in entry if isinstance(item, dict)]
    return [entry] if isinstance(entry, dict) else []
