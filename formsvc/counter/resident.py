"""The resident at the counter: their shared details, typed by staff or read from the card.

A visit keeps the resident's details once, keyed by meaning (see ``MEANINGS``), in the JSON
form of the field type that asks them everywhere else — so a value typed here is normalised
exactly as on the resident's own pages (the same field classes and Japanese validators). The
details read from the My Number card (formsvc.counter.card_reader) are listed under
``VERIFIED`` until someone changes them.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from formsvc.fields import REGISTRY, FieldContext, FieldSpec
from formsvc.submissions.identification import CARD
from formsvc.vocabulary.conditions import is_answered

# The shared details, by meaning. The card gives the first five (the 基本4情報 and the postal
# code of the address); フリガナ and the contact details are typed.
MEANINGS = ("name", "name_kana", "birthdate", "gender", "postal_code", "address", "phone", "email")
CARD_MEANINGS = ("name", "birthdate", "gender", "postal_code", "address")
VERIFIED = "verified"  # shared[VERIFIED]: the meanings whose value is the card's, unchanged

_SPECS: tuple[dict[str, Any], ...] = (
    {"type": "name", "id": "name", "label": {"ja": "氏名", "en": "Name"}},
    {"type": "kana", "id": "name_kana", "label": {"ja": "フリガナ", "en": "Name in katakana"}},
    {"type": "date", "id": "birthdate", "label": {"ja": "生年月日", "en": "Date of birth"},
     "max": {"days_from_today": 0}},
    {"type": "radio", "id": "gender", "label": {"ja": "性別", "en": "Gender"},
     "choices": [{"value": "male", "label": {"ja": "男性", "en": "Male"}},
                 {"value": "female", "label": {"ja": "女性", "en": "Female"}}]},
    {"type": "postal_code", "id": "postal_code", "label": {"ja": "郵便番号", "en": "Postcode"}, "fills": "address"},
    {"type": "address", "id": "address", "label": {"ja": "住所", "en": "Address"}},
    {"type": "phone", "id": "phone", "label": {"ja": "電話番号", "en": "Phone number"},
     "hint": {"ja": "日中に連絡がとれる番号", "en": "A number we can reach during the day"}},
    {"type": "email", "id": "email", "label": {"ja": "メールアドレス", "en": "Email address"}, "required": False},
)


def resident_fields() -> list[FieldSpec]:
    """The questions of the resident's details, in the order staff ask them."""
    return [REGISTRY[data["type"]].model_validate(data) for data in _SPECS]


FIELDS: dict[str, FieldSpec] = {spec.id: spec for spec in resident_fields()}


def verified_meanings(shared: dict) -> set[str]:
    return set(shared.get(VERIFIED, []))


def with_typed(shared: dict, typed: dict) -> dict:
    """``shared`` with the typed answers (JSON values by meaning) in place; a changed value is no
    longer the card's. An answer left blank removes the earlier one."""
    updated = {key: value for key, value in shared.items() if key != VERIFIED}
    verified = verified_meanings(shared)
    for meaning in MEANINGS:
        if meaning not in typed:
            continue
        value = typed[meaning] if is_answered(typed[meaning]) else None
        if value != updated.get(meaning):
            verified.discard(meaning)
        if value is None:
            updated.pop(meaning, None)
        else:
            updated[meaning] = value
    updated[VERIFIED] = sorted(verified)
    return updated


def shared_from_card(details: dict, today: date) -> dict:
    """The card's 基本4情報 (``CardRead.details``) as shared details, each read by the field type
    that asks it (``value_from_identity``, as for a resident signed in with the card) and marked
    verified. A value the question would refuse is left for staff to type."""
    ctx = FieldContext(locale="ja", today=today)
    shared: dict = {}
    for meaning in CARD_MEANINGS:
        spec = FIELDS[meaning]
        value = spec.value_from_identity(details)
        stored = None if value is None else spec.to_json(value)
        if stored is not None and not spec.validate_value(stored, ctx):
            shared[meaning] = stored
    shared[VERIFIED] = sorted(key for key in CARD_MEANINGS if key in shared)
    return shared


def address_prefixes(setting: str | None) -> tuple[str, ...]:
    """FORMSVC_MUNICIPALITY_ADDRESS as prefixes to compare with (several separated by commas,
    e.g. a city and a town merged into it); empty: no check."""
    return tuple(_comparable(part) for part in (setting or "").split(",") if _comparable(part))


def _comparable(text: str) -> str:
    # Full-width digits, spaces and the like: an address typed or read either way compares equal.
    return "".join(unicodedata.normalize("NFKC", text).split())


def card_address_outside(shared: dict, identification: str | None, prefixes: tuple[str, ...]) -> str | None:
    """The address read from the card, as printed, when it is not in the municipality (a 転入
    not yet registered, most likely); None when it is inside, not from the card, or unchecked."""
    if identification != CARD or not prefixes or "address" not in verified_meanings(shared):
        return None
    stored = shared.get("address")
    if not isinstance(stored, dict):
        return None
    spec = FIELDS["address"]
    text = spec.display(spec.from_json(stored))
    if any(_comparable(text).startswith(prefix) for prefix in prefixes):
        return None
    return text
