"""The resident at the counter: their shared details, typed by staff or read from the card.

A visit keeps the resident's details once, keyed by meaning (see ``MEANINGS``), in the JSON
form of the field type that asks them everywhere else — so a value typed here is normalised
exactly as on the resident's own pages (the same field classes and Japanese validators). The
details read from the My Number card (formsvc.counter.card_reader) are listed under
``VERIFIED`` until someone changes them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


# The 47 prefectures: a setting may name one before the city, or not (「さいたま市」).
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県", "埼玉県",
    "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県",
    "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県",
    "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県",
    "宮崎県", "鹿児島県", "沖縄県",
)
# 鎌ヶ谷市 / 鎌ケ谷市, 霞ヶ関 / 霞が関: the same place written with a small or large ケ (or カ, が).
_GA = str.maketrans({"ヶ": "ケ", "ヵ": "ケ", "カ": "ケ", "が": "ケ", "ガ": "ケ"})
# 入間郡三芳町: the 郡 is often left out (it is not part of the town's name). Only before a 町 or
# 村, and never a 市 or 区 in between, so that 小郡市 and 大和郡山市 keep their 郡.
_GUN = re.compile(r"^[^市区町村郡]+郡(?=[^市区]+?[町村])")
# 大字藤久保 / 藤久保: 大字 and 字 are written or left out as one pleases.
_AZA = re.compile(r"^大?字")
_SEPARATORS = re.compile(r"[,、]")  # after NFKC, which makes ，into ,


@dataclass(frozen=True)
class Place:
    """One part of FORMSVC_MUNICIPALITY_ADDRESS, compared part by part with the card's address:
    the prefecture only when the setting names one, then the city (and the town, if set)."""

    prefecture: str | None
    rest: str  # the city and perhaps a town, comparable (``_comparable``), 郡, 大字 and 字 left out

    def holds(self, address: dict) -> bool:
        if self.prefecture is not None and _comparable(str(address.get("prefecture") or "")) != self.prefecture:
            return False
        city = _GUN.sub("", _comparable(str(address.get("city") or "")))
        town = _AZA.sub("", _comparable(str(address.get("town") or "")))
        return (city + town).startswith(self.rest)


def municipality_places(setting: str | None) -> tuple[Place, ...]:
    """FORMSVC_MUNICIPALITY_ADDRESS as places (several separated by commas — 「,」「，」「、」 —
    e.g. a city and a town merged into it); empty: no check."""
    places = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", setting or "")):
        text = _comparable(part)
        prefecture = next((name for name in PREFECTURES if text.startswith(name)), None)
        rest = text[len(prefecture):] if prefecture else text
        city = _GUN.sub("", rest)
        # 大字/字 right after the city's 市区町村 (the town's start), or the whole rest if only a town.
        rest = re.sub(r"(?<=[市区町村])大?字", "", city)
        if rest or prefecture:
            places.append(Place(prefecture, rest))
    return tuple(places)


def _comparable(text: str) -> str:
    # Full-width digits, spaces and the like: an address typed or read either way compares equal.
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_GA)


def card_address_outside(shared: dict, identification: str | None, places: tuple[Place, ...]) -> str | None:
    """The address read from the card, as printed, when it is not in the municipality (a 転入
    not yet registered, most likely); None when it is inside, not from the card, or unchecked."""
    if identification != CARD or not places or "address" not in verified_meanings(shared):
        return None
    stored = shared.get("address")
    if not isinstance(stored, dict):
        return None
    spec = FIELDS["address"]
    value = spec.from_json(stored)
    if any(place.holds(value) for place in places):
        return None
    return spec.display(value)
