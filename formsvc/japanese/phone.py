"""Japanese telephone numbers: normalisation, validation and display.

Numbering (総務省 telephone number plan, simplified to what forms need):
- landlines: 10 digits, 0 + area code + subscriber number;
- mobile 070/080/090, IP phone 050 and 020 (M2M/pager): 11 digits;
- free dial 0120 (10 digits) and 0800 (11 digits), navi dial 0570.
"""

from __future__ import annotations

import re

from formsvc.japanese.width import normalise_digits

# 11-digit services.  0800 (free dial) starts with 080, so it is covered.
_ELEVEN_DIGIT_PREFIXES = ("020", "050", "070", "080", "090")
# 10-digit non-geographic services shown as 0ABC-DEF-GHI.
_FOUR_THREE_THREE_PREFIXES = ("0120", "0570", "0990")
_DIGITS = re.compile(r"0[0-9]+")
_DROPPED = re.compile(r"[\s\-()]")


def normalise_phone(text: str) -> str:
    """Return the number as digits only: width-normalised, without hyphens,
    spaces or parentheses.

    An international '+81' prefix is turned back into the domestic leading
    0 ('+81 90-1234-5678' and '+81 (0)90...' -> '09012345678').  Other
    characters are kept so that validation fails on them.
    """
    number = _DROPPED.sub("", normalise_digits(text))
    if number.startswith("+81") and len(number) > 3:
        number = number[3:]
        if not number.startswith("0"):
            number = "0" + number
    return number


def is_valid_phone(text: str) -> bool:
    """True for a plausible Japanese phone number.

    11 digits: 020/050/070/080/090 (incl. 0800 free dial).
    10 digits: landlines and 0120/0570 -- second digit 1-9 and not one of
    the 11-digit prefixes above.
    """
    number = normalise_phone(text)
    if not _DIGITS.fullmatch(number):
        return False
    if len(number) == 11:
        return number.startswith(_ELEVEN_DIGIT_PREFIXES)
    if len(number) == 10:
        return number[1] != "0" and not number.startswith(_ELEVEN_DIGIT_PREFIXES)
    return False


def format_phone(text: str) -> str:
    """Format a number for display: '090-1234-5678', '03-1234-5678',
    '045-123-4567', '0120-123-456', '0800-123-4567'.

    Real area codes are 1 to 4 digits after the 0 and we do not ship the
    MIC (総務省) area code table, so apart from the two-digit 03 (Tokyo)
    and 06 (Osaka) every landline is shown as 3-3-4.  That grouping may
    differ from the official one (e.g. 0466-12-3456) but keeps all digits
    and never misleads about which digits were dialled.  Invalid input is
    returned stripped but otherwise unchanged, so templates never raise.
    """
    number = normalise_phone(text)
    if not is_valid_phone(number):
        return text.strip()
    if len(number) == 11:
        if number.startswith("0800"):
            return f"{number[:4]}-{number[4:7]}-{number[7:]}"
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if number.startswith(_FOUR_THREE_THREE_PREFIXES):
        return f"{number[:4]}-{number[4:7]}-{number[7:]}"
    if number.startswith(("03", "06")):
        return f"{number[:2]}-{number[2:6]}-{number[6:]}"
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"
