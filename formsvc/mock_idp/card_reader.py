"""The counter's card reader in demo mode: the fictional test cards stand in for cards on a reader.

Their 券面事項入力補助 PIN is the card's PIN, counted apart from the sign-in PIN (pins.ASSIST).
"""

from __future__ import annotations

from datetime import date

from flask import url_for

from formsvc.counter.card_reader import CardOnReader, CardRead
from formsvc.mock_idp import pins
from formsvc.mock_idp.cards import IDENTITY_SCOPES, TEST_CARDS, age_on, card_by_id


class MockCardReader:
    """formsvc.counter.card_reader.CardReader over the test cards."""

    max_pin_attempts = pins.MAX_ATTEMPTS

    def cards(self, today: date) -> list[CardOnReader]:
        failed = pins.failed_attempts(pins.ASSIST)
        return [CardOnReader(id=card.id, name=card.name, age=age_on(card.birthdate(today), today), gender=card.gender,
                             description=card.description_ja, pin=card.pin, failed_attempts=failed.get(card.id, 0),
                             locked=failed.get(card.id, 0) >= pins.MAX_ATTEMPTS)
                for card in TEST_CARDS]

    def read(self, card_id: str, pin: str, today: date) -> CardRead:
        card = card_by_id(card_id)
        if card is None:
            raise LookupError(card_id)
        checked = pins.check_pin(card, pin, pins.ASSIST)
        return CardRead(ok=checked.ok, locked=checked.locked, attempts_left=checked.attempts_left,
                        details=card.claims(IDENTITY_SCOPES, today) if checked.ok else None)

    def demo_cards_url(self) -> str:
        return url_for("mock_idp.cards")
