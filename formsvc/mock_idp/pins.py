"""The test cards' PIN locks: three wrong PINs in a row lock a PIN, until the cards are reset.

A My Number card has a PIN per application, each counted apart: ``SIGN_IN``, the 利用者証明用
電子証明書's PIN (the mock provider's sign-in), and ``ASSIST``, the 券面事項入力補助 PIN (read
at the counter, formsvc.mock_idp.card_reader). The counts are in the database, so that several
workers behave as one; each attempt is committed in its own transaction, so a wrong PIN counts
whatever the request does next.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from formsvc.db import database, utcnow
from formsvc.mock_idp.cards import MockCard
from formsvc.mock_idp.models import MockIdpCardState

MAX_ATTEMPTS = 3

PinName = Literal["sign_in", "assist"]
SIGN_IN: PinName = "sign_in"
ASSIST: PinName = "assist"
_COUNTS = {SIGN_IN: MockIdpCardState.failed_pin_attempts, ASSIST: MockIdpCardState.failed_assist_pin_attempts}


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked: bool  # the PIN is locked now (whether or not this attempt locked it)
    just_locked: bool  # this attempt was the third wrong one
    attempts_left: int


def failed_attempts(pin: PinName) -> dict[str, int]:
    """Wrong-PIN counts of ``pin`` of every card that has some."""
    with database().transaction() as session:
        rows = session.execute(select(MockIdpCardState.card_id, _COUNTS[pin]))
        return {card_id: count for card_id, count in rows if count}


def is_locked(card_id: str, pin: PinName = SIGN_IN) -> bool:
    return failed_attempts(pin).get(card_id, 0) >= MAX_ATTEMPTS


def check_pin(card: MockCard, entered: str, pin: PinName) -> PinCheck:
    """Compare ``entered`` with the card's ``pin``; three wrong ones in a row lock it."""
    _ensure_card_state(card.id)
    count = _COUNTS[pin]
    where = MockIdpCardState.card_id == card.id
    with database().transaction() as session:
        if (session.scalar(select(count).where(where)) or 0) >= MAX_ATTEMPTS:
            return PinCheck(ok=False, locked=True, just_locked=False, attempts_left=0)
        if hmac.compare_digest(entered.encode("utf-8"), card.pin.encode("utf-8")):
            # A right PIN clears the count, unless a concurrent attempt has just locked it.
            cleared = session.connection().execute(
                update(MockIdpCardState).where(where, count < MAX_ATTEMPTS)
                .values({count: 0, MockIdpCardState.updated_at: utcnow()})
            ).rowcount
            if cleared:
                return PinCheck(ok=True, locked=False, just_locked=False, attempts_left=MAX_ATTEMPTS)
            return PinCheck(ok=False, locked=True, just_locked=False, attempts_left=0)
        session.connection().execute(
            update(MockIdpCardState).where(where).values({count: count + 1, MockIdpCardState.updated_at: utcnow()}))
        failed = session.scalar(select(count).where(where)) or 0
    return PinCheck(ok=False, locked=failed >= MAX_ATTEMPTS, just_locked=failed == MAX_ATTEMPTS,
                    attempts_left=max(0, MAX_ATTEMPTS - failed))


def reset_test_cards() -> None:
    """Unlock every PIN of every test card (the demo's stand-in for a reset at the municipal counter)."""
    with database().transaction() as session:
        session.execute(delete(MockIdpCardState))


def _ensure_card_state(card_id: str) -> None:
    try:
        with database().transaction() as session:
            if session.get(MockIdpCardState, card_id) is None:
                session.add(MockIdpCardState(card_id=card_id, failed_pin_attempts=0, failed_assist_pin_attempts=0))
    except IntegrityError:  # another worker created it at the same moment
        pass
