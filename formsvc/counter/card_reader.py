"""The counter's card reader: what the counter needs of one, and the one the app holds.

A reader reads the My Number card's 券面事項入力補助 application: the 基本4情報 printed on the
card, released with its own 4-digit PIN. It is not an electronic certificate, so an expired or
revoked 利用者証明用電子証明書 does not stop it, and it never gives the 個人番号 (nor do we ask
for it). The card counts wrong PINs itself: three in a row lock the application.

No reader is built in. Without one the counter offers only typed details; in demo mode the
mock provider's fictional test cards stand in for a reader (formsvc.mock_idp.card_reader).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flask import Flask, current_app

EXTENSION = "formsvc.card_reader"
PIN_LENGTH = 4


@dataclass(frozen=True)
class CardOnReader:
    """A card the reader can read, as staff choose it."""

    id: str
    name: str
    age: int
    gender: str  # "male" or "female"
    description: str
    pin: str  # a demonstration card's PIN, shown beside it (see CardReader.demo_cards_url)
    failed_attempts: int  # wrong 券面事項入力補助 PINs in a row
    locked: bool


@dataclass(frozen=True)
class CardRead:
    """The answer of the card to one PIN."""

    ok: bool
    locked: bool  # the 券面事項入力補助 is locked now
    attempts_left: int
    # When ok: the 基本4情報 as OpenID Connect claims (name, address, birthdate, gender), read
    # by the field types as for a resident signed in with the card.
    details: dict | None = None


class CardReader(Protocol):
    # The most wrong PINs in a row before the card locks.
    max_pin_attempts: int

    def cards(self, today: date) -> list[CardOnReader]:
        """The cards that can be read now."""
        ...

    def read(self, card_id: str, pin: str, today: date) -> CardRead:
        """Read card ``card_id`` (one of ``cards``) with ``pin``."""
        ...

    def demo_cards_url(self) -> str | None:
        """For a demonstration's stand-in reader: the page of its test cards (their PINs,
        unlocking them). None for a real reader."""
        ...


def register(app: Flask, reader: CardReader) -> None:
    app.extensions[EXTENSION] = reader


def active_reader() -> CardReader | None:
    """The current app's reader (None: there is none)."""
    return current_app.extensions.get(EXTENSION)


def typed_pin(text: str | None) -> str:
    """A PIN as typed: full-width digits (１２３４) read as digits, spaces around ignored."""
    return unicodedata.normalize("NFKC", text or "").strip()


def is_pin(text: str) -> bool:
    return len(text) == PIN_LENGTH and text.isascii() and text.isdigit()
