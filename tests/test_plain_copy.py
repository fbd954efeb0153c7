"""formsvc.plain_copy: deep copies of plain data, as copy.deepcopy makes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from markupsafe import Markup

from formsvc.plain_copy import plain_copy


def test_a_copy_shares_nothing_that_changes_in_place():
    """What Flask's session JSON reads (a session cookie's contents) and JSON documents."""
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    data = {"drafts": {"form": "token"}, "seen": [1, {"x": [2]}], "pair": ("a", ["b"]), "safe": Markup("<b>"),
            "id": UUID(int=7), "at": moment, "raw": b"x", "n": 1.5, "flag": True, "none": None,
            "other": bytearray(b"y")}
    copied = plain_copy(data)
    assert copied == data
    for path in (("drafts",), ("seen",), ("seen", 1), ("seen", 1, "x"), ("pair", 1), ("other",)):
        original, duplicate = data, copied
        for step in path:
            original, duplicate = original[step], duplicate[step]
        assert duplicate is not original, path
    assert copied["safe"] is data["safe"] and copied["at"] is moment  # immutable: shared


def test_a_draft_s_answers_are_copied_as_deepcopy_copies_them():
    import copy

    answers = {"fields": {"name": {"family": "山田", "given": "太郎"}, "born": "1980-01-02", "fee": 300},
               "items": {"members": [{"name": "花子", "income": Decimal("1.5")}], "incomes": [[{"x": [1, 2]}]]},
               "verified": {"name": {"source": "mynumber_card", "acr": "aal3"}}, "on": date(2027, 4, 1)}
    copied = plain_copy(answers)
    assert copied == copy.deepcopy(answers)
    copied["items"]["incomes"][0][0]["x"].append(3)
    copied["fields"]["name"]["family"] = "佐藤"
    assert answers["items"]["incomes"][0][0]["x"] == [1, 2] and answers["fields"]["name"]["family"] == "山田"
