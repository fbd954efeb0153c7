"""住所を検索 without JavaScript: the button sends the page, which comes back with the address
filled in from the postal code (with JavaScript, static/js/formsvc.js asks
/postal-codes/<code> instead and fills the same inputs).

Used by every page with a postal-code question: the application pages and the counter's
resident details. Which question fills which is the field types' business
(``FieldSpec.address_lookup_target``, ``FieldSpec.value_from_postal_address``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from werkzeug.datastructures import MultiDict

from formsvc.fields import FieldContext, FieldSpec
from formsvc.japanese.postal import lookup as postal_lookup

# The value of a 住所を検索 button: "lookup:<id of the postal-code question>".
LOOKUP_ACTION = "lookup:"


def requested_lookup(action: str) -> str | None:
    """The id of the postal-code question whose 住所を検索 button was pressed, else None."""
    return action.removeprefix(LOOKUP_ACTION) if action.startswith(LOOKUP_ACTION) else None


def look_up_address(specs: Sequence[FieldSpec], postal_id: str, typed: MultiDict,
                    ctx: FieldContext) -> tuple[MultiDict, str | None]:
    """The inputs as typed, with the address that ``postal_id``'s code finds filled in, and
    the notice that says what was found (None when ``postal_id`` is no question of ``specs``
    that fills an address).

    Only what the code tells is filled in: what it leaves open (the 番地, the building, a 町域
    shared by several areas) stays as typed."""
    postal = next((spec for spec in specs if spec.id == postal_id), None)
    target_id = postal.address_lookup_target() if postal is not None else None
    if target_id is None:
        return typed, None
    found = postal_lookup(typed.get(postal_id, ""))
    if found is None:
        return typed, ctx.t(
            "郵便番号から住所が見つかりませんでした。番号を確かめるか、住所を直接入力してください。",
            "No address was found for this postcode. Check it or type the address.")
    filled = MultiDict(typed)
    target = next((spec for spec in specs if spec.id == target_id), None)
    value = target.value_from_postal_address(found) if target is not None else None
    if target is not None and value is not None:
        for name, texts in target.form_inputs(value).items():
            if any(texts):
                filled.setlist(name, texts)
    return filled, ctx.t(
        f"住所を入力しました（{found.prefecture}{found.city}{found.town}）。続けて番地を入力してください。",
        f"The address was filled in ({found.prefecture}{found.city}{found.town}). "
        "Now enter the block and house number.")


def addresses_from_postal_codes(unanswered: Iterable[FieldSpec], every_field: Iterable[FieldSpec],
                                answer_of: Callable[[str], Any]) -> dict[str, Any]:
    """Initial answers, by field id, for the ``unanswered`` questions that a postal code
    answered earlier fills: an address asked after its postal code starts with what the code
    tells. ``answer_of`` gives a question's answer (None: unanswered)."""
    postal_codes: dict[str, str] = {}  # address id: the first postal-code question filling it
    for spec in every_field:
        target = spec.address_lookup_target()
        if target is not None:
            postal_codes.setdefault(target, spec.id)
    initial = {}
    for spec in unanswered:
        code = answer_of(postal_codes[spec.id]) if spec.id in postal_codes else None
        found = postal_lookup(code) if code else None
        value = spec.value_from_postal_address(found) if found is not None else None
        if value is not None:
            initial[spec.id] = value
    return initial
