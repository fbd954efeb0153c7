"""Reception numbers (受付番号): short, unique, and hard to misread or mistype.

The alphabet leaves out 0/O and 1/I (and lower case), so a number read aloud at the counter
or copied from paper cannot be confused. Eight symbols of 32 give 2^40 numbers; the last
symbol is a check character (Luhn mod 32) so that a mistyped number is caught before any lookup.
"""

from __future__ import annotations

import secrets
import unicodedata

from formsvc.japanese.width import HYPHEN_LIKE

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY_LENGTH = 7
_SEPARATORS = frozenset("- " + HYPHEN_LIKE)


def _check_symbol(body: str) -> str:
    """Luhn mod 32: catches every single mistyped symbol and most swaps of neighbours."""
    base = len(ALPHABET)
    total = 0
    for position, symbol in enumerate(reversed(body)):
        addend = ALPHABET.index(symbol) * (2 if position % 2 == 0 else 1)
        total += addend // base + addend % base
    return ALPHABET[(base - total % base) % base]


def new_reception_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_symbol(body)


def normalise(text: str) -> str:
    """Accept what people type: lower case, full-width letters, spaces and any hyphen or dash
    a Japanese IME produces (ー, −, ‐ …), which NFKC alone leaves as they are."""
    cleaned = unicodedata.normalize("NFKC", text).upper()
    return "".join(symbol for symbol in cleaned if symbol not in _SEPARATORS)


def is_well_formed(text: str) -> bool:
    number = normalise(text)
    return (len(number) == BODY_LENGTH + 1 and all(c in ALPHABET for c in number)
            and _check_symbol(number[:-1]) == number[-1])


def display(number: str) -> str:
    """Grouped for reading aloud: ABCD-2345."""
    return f"{number[:4]}-{number[4:]}"
