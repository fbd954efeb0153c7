"""Japanese telephone numbers: normalisation, validation and display.

Which numbers exist and how they are grouped comes from the maintained ``phonenumbers`` library
(Google's libphonenumber metadata, which follows the 総務省 numbering plan): area codes of 1 to 4
digits after the 0 (03-1234-5678, 045-123-4567, 0466-12-3456, 01564-2-1234), mobile 070/080/090,
IP phone 050, M2M 020, free dial 0120 (10 digits) and 0800 (11 digits), navi dial 0570, and 0990.
Numbers are stored as domestic digits (``0466123456``) and shown in the national format with
hyphens. Only numbers dialled inside Japan are accepted (``+81`` is turned back into 0).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from formsvc.japanese.width import normalise_digits

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

# A number with its separators is far shorter; longer input is not read at all (it is refused).
MAX_INPUT_LENGTH = 40
# Domestic numbers: 0, then a non-zero digit (00 is the international prefix), 10 or 11 digits.
_SHAPE = re.compile(r"0[1-9][0-9]{8,9}")
_DROPPED = re.compile(r"[\s\-()]")


def normalise_phone(text: str) -> str:
    """Return the number as digits only: width-normalised, without hyphens,
    spaces or parentheses.

    An international '+81' prefix is turned back into the domestic leading
    0 ('+81 90-1234-5678' and '+81 (0)90...' -> '09012345678').  Other
    characters (letters, control characters) are kept so that validation
    fails on them. Input longer than MAX_INPUT_LENGTH is returned unread.
    """
    if len(text) > MAX_INPUT_LENGTH:
        return text
    number = _DROPPED.sub("", normalise_digits(text))
    if number.startswith("+81") and len(number) > 3:
        number = number[3:]
        if not number.startswith("0"):
            number = "0" + number
    return number


def is_plausible_phone(text: str) -> bool:
    """True when the input has the shape of a domestic number: 0, not 00, 10 or 11 digits."""
    return _SHAPE.fullmatch(normalise_phone(text)) is not None


def _parsed(number: str) -> PhoneNumber | None:
    """The number as libphonenumber reads it, when it is a valid Japanese number. The library is
    imported on first use (about 20 ms, which pages without a phone number never pay)."""
    if _SHAPE.fullmatch(number) is None:
        return None
    import phonenumbers
    try:
        parsed = phonenumbers.parse(number, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(parsed, "JP"):
        return None
    return parsed


def is_valid_phone(text: str) -> bool:
    """True for a number that exists in the Japanese numbering plan (its area code or service
    prefix and its length agree: 090 needs 11 digits, 0120 10, 0800 11, a landline 10)."""
    return _parsed(normalise_phone(text)) is not None


def format_phone(text: str) -> str:
    """Format a number for display in the national format: '090-1234-5678', '03-1234-5678',
    '0466-12-3456', '01564-2-1234', '0120-123-456', '0800-123-4567', '0990-123-456'.

    Invalid input is returned stripped but otherwise unchanged, so templates never raise.
    """
    parsed = _parsed(normalise_phone(text))
    if parsed is None:
        return text.strip()
    import phonenumbers

    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
