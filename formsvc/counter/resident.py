"""The resident at the counter: their shared details, typed by staff or read from the card.

A visit keeps the resident's details once, keyed by meaning (see ``MEANINGS``), in the JSON
form of the field type that asks them everywhere else — so a value typed here is normalised
exactly as on the resident's own pages (the same field classes and Japanese validators). The
details read from the My Number card are listed under ``VERIFIED`` until someone changes them.

Card reading uses the card's 券面事項入力補助 application: the 基本4情報 printed on the card,
released with its own 4-digit PIN. It is not an electronic certificate, so an expired or revoked
利用者証明用電子証明書 does not stop it, and it never gives the 個人番号 (nor do we ask for it).
In demo mode the "reader" is the mock provider's fictional test cards.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from formsvc.db import database
from formsvc.fields import REGISTRY, FieldContext, FieldSpec
from formsvc.mock_idp.cards import IDENTITY_SCOPES, MockCard
from formsvc.mock_idp.models import MockIdpCardState
from formsvc.resident.forms import build_form
from formsvc.vocabulary.conditions import is_answered

# The shared details, by meaning. The card gives the first five (the 基本4情報 and the postal
# code of the address); フリガナ and the contact details are typed.
MEANINGS = ("name", "name_kana", "birthdate", "gender", "postal_code", "address", "phone", "email")
CARD_MEANINGS = ("name", "birthdate", "gender", "postal_code", "address")
VERIFIED = "verified"  # shared[VERIFIED]: the meanings whose value is the card's, unchanged

MAX_ASSIST_PIN_ATTEMPTS = 3
LOCKED_MESSAGE = ("暗証番号の入力を3回間違えたため、このカードの券面事項入力補助の機能はロックされました。"
                  "市区町村の窓口でロック解除の手続きをしてください。")

_SPECS = (
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


def accepted(spec: FieldSpec, value, ctx: FieldContext) -> bool:
    """Whether the question would accept ``value`` if it were typed into it (as a person would)."""
    return build_form([spec], ctx, MultiDict(spec.form_inputs(value))).validate()


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


# --- the card ---------------------------------------------------------------------------------

def shared_from_card(card: MockCard, today: date) -> dict:
    """The card's 基本4情報 as shared details, each read by the field type that asks it
    (``value_from_identity``, as for a resident signed in with the card) and marked verified.
    A value the question would refuse is left for staff to type."""
    claims = card.claims(IDENTITY_SCOPES, today)
    ctx = FieldContext(locale="ja", today=today)
    shared: dict = {}
    for meaning in CARD_MEANINGS:
        spec = FIELDS[meaning]
        value = spec.value_from_identity(claims)
        if value is not None and accepted(spec, value, ctx):
            shared[meaning] = spec.to_json(value)
    shared[VERIFIED] = sorted(key for key in CARD_MEANINGS if key in shared)
    return shared


@dataclass(frozen=True)
class AssistPinCheck:
    ok: bool
    locked: bool          # the card's 券面事項入力補助 is locked now
    attempts_left: int


def assist_pin_attempts(session: Session) -> dict[str, int]:
    """Wrong 券面事項入力補助 PINs per test card (only cards that have some)."""
    rows = session.execute(select(MockIdpCardState.card_id, MockIdpCardState.failed_assist_pin_attempts))
    return {card_id: count for card_id, count in rows if count}


def check_assist_pin(card: MockCard, pin: str) -> AssistPinCheck:
    """Compare the 券面事項入力補助 PIN; three wrong ones in a row lock it (counted apart from the
    sign-in PIN, as on a real card). Each attempt is committed in its own transaction: a wrong
    PIN counts whatever the request does next."""
    _ensure_card_state(card.id)
    attempts = MockIdpCardState.failed_assist_pin_attempts
    where = MockIdpCardState.card_id == card.id
    with database().transaction() as session:
        if session.scalar(select(attempts).where(where)) >= MAX_ASSIST_PIN_ATTEMPTS:
            return AssistPinCheck(ok=False, locked=True, attempts_left=0)
        if hmac.compare_digest(pin.encode("utf-8"), card.pin.encode("utf-8")):
            # A right PIN clears the count, unless a concurrent attempt has just locked the card.
            cleared = session.execute(
                update(MockIdpCardState).where(where, attempts < MAX_ASSIST_PIN_ATTEMPTS)
                .values(failed_assist_pin_attempts=0).execution_options(synchronize_session=False)
            ).rowcount
            return AssistPinCheck(ok=bool(cleared), locked=not cleared,
                                  attempts_left=MAX_ASSIST_PIN_ATTEMPTS if cleared else 0)
        session.execute(update(MockIdpCardState).where(where).values(failed_assist_pin_attempts=attempts + 1)
                        .execution_options(synchronize_session=False))
        count = session.scalar(select(attempts).where(where))
    return AssistPinCheck(ok=False, locked=count >= MAX_ASSIST_PIN_ATTEMPTS,
                          attempts_left=max(0, MAX_ASSIST_PIN_ATTEMPTS - count))


def _ensure_card_state(card_id: str) -> None:
    try:
        with database().transaction() as session:
            if session.get(MockIdpCardState, card_id) is None:
                session.add(MockIdpCardState(card_id=card_id, failed_pin_attempts=0, failed_assist_pin_attempts=0))
    except IntegrityError:  # another request created it at the same moment
        pass
