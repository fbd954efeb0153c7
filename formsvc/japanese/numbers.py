"""個人番号 (My Number) and 法人番号 (corporate number) check digits.

The algorithms follow 総務省令第八十五号 第五条 (My Number) and the
National Tax Agency's rule for corporate numbers; see
shared/reference/japan.md.  Checking the digit catches most typos before
a number is stored.  My Numbers are sensitive (番号法): show them only via
``mask_my_number`` and never log them.
"""

from __future__ import annotations

import re

from formsvc.japanese.width import digits_only

_MY_NUMBER = re.compile(r"[0-9]{12}")
_CORPORATE_NUMBER = re.compile(r"[0-9]{13}")


def _require_digits(value: str, length: int) -> None:
    # Explicit [0-9]: str.isdigit() would also accept e.g. '²' or '٣'.
    if not re.fullmatch(rf"[0-9]{{{length}}}", value):
        raise ValueError(f"expected exactly {length} ASCII digits")


def my_number_check_digit(first11: str) -> int:
    """Return the check digit for the first 11 digits of a My Number.

    Digit Pn is the n-th digit counted from the right; its weight Qn is
    n+1 for n = 1..6 and n-5 for n = 7..11.  The check digit is
    11 - (sum mod 11), or 0 when the remainder is 0 or 1.
    Raises ValueError unless ``first11`` is exactly 11 ASCII digits.
    """
    _require_digits(first11, 11)
    total = 0
    for n, char in enumerate(reversed(first11), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(char) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(value: str) -> bool:
    """True when ``value`` (hyphens, spaces, full-width digits allowed) is
    12 digits whose last digit is the correct check digit."""
    number = digits_only(value)
    if not _MY_NUMBER.fullmatch(number):
        return False
    return my_number_check_digit(number[:11]) == int(number[11])


def mask_my_number(value: str) -> str:
    """Return the My Number masked for display, e.g. '********9018'.

    Only the last four digits are shown.  Anything that is not a 12-digit
    number is masked completely (and with a fixed length), so that a
    malformed value -- possibly a real number with a typo -- leaks
    nothing.
    """
    number = digits_only(value)
    if _MY_NUMBER.fullmatch(number):
        return "*" * 8 + number[8:]
    return "*" * 12


def corporate_number_check_digit(last12: str) -> int:
    """Return the check digit (the FIRST digit) of a corporate number.

    ``last12`` are the 12 digits after the check digit.  Counting from the
    right, odd positions weigh 1 and even positions 2; the check digit is
    9 - (sum mod 9).  Raises ValueError unless ``last12`` is exactly
    12 ASCII digits.
    """
    _require_digits(last12, 12)
    total = 0
    for n, char in enumerate(reversed(last12), start=1):
        total += int(char) * (1 if n % 2 else 2)
    return 9 - total % 9


def is_valid_corporate_number(value: str) -> bool:
    """True when ``value`` normalises to 13 digits whose first digit is
    the correct check digit."""
    number = digits_only(value)
    if not _CORPORATE_NUMBER.fullmatch(number):
        return False
    return corporate_number_check_digit(number[1:]) == int(number[0])
