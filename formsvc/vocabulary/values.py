"""Values computed from answers (formsvc.vocabulary.expressions), as people read them and as
submissions store them.

A **Value** is a Decimal (numbers and money, never float), a date (deadlines, 基準日), or None:
"not computable yet". Every result is bounded (``bounded``) so that it can be compared, stored
and printed.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from formsvc.japanese.era import format_date_both

Value = Decimal | date | None

# Bounds that keep Decimal arithmetic exact (28 significant digits) and results printable: a
# result of 10**20 or more (a hundred quintillion yen) is no value anyone means: not computable.
MAX_RESULT_DIGITS = 20
# Decimals kept after a division (1 ÷ 3 = 0.3333333333).
MAX_FRACTION_DIGITS = 10

def bounded(value: Decimal | None) -> Decimal | None:
    """None for a result too large to mean anything (and too costly to go on computing with)."""
    if value is None or not value.is_finite():
        return None
    if value != 0 and value.adjusted() >= MAX_RESULT_DIGITS:
        return None
    # Division gives 28 significant digits; keep what a person could read.
    if value.as_tuple().exponent < -MAX_FRACTION_DIGITS:  # type: ignore[operator]
        with localcontext() as context:
            context.prec = 60
            value = value.quantize(Decimal(1).scaleb(-MAX_FRACTION_DIGITS), rounding=ROUND_HALF_UP)
    return value



ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


def plain_decimal(value: Decimal) -> str:
    """A Decimal in plain notation without trailing zeros: "4.91", "12000", "-0.5" (never
    "1.2E+4"): what is stored and exported."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def format_number(value: Decimal, places: int | None = None) -> str:
    """A number as people read it: thousands separated, plain notation. ``places``: exactly that
    many decimals (四捨五入); None: as computed, without trailing zeros (4.910 → 4.91)."""
    if places is not None:
        with localcontext() as context:
            context.prec = 60  # enough for any bounded value with 6 decimals
            text = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    else:
        text = plain_decimal(value)
    sign = "-" if text.startswith("-") and Decimal(text) != 0 else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def with_unit(number: str, unit: str | None, locale: str = "ja") -> str:
    """「12,000円」, 「3点」, 「4.91kW」: in Japanese the unit follows the number directly (as forms
    write 「30cm」); in English a word is set apart by a space ("3 copies", "4.91 kW")."""
    unit = (unit or "").strip()
    if not unit:
        return number
    if locale == "en" and unit[0].isascii() and unit[0].isalpha():
        return f"{number} {unit}"
    return f"{number}{unit}"


def format_date(value: date, locale: str = "ja") -> str:
    """「2027年3月31日(令和9年3月31日)」, or "31 March 2027" in English."""
    if locale == "en":
        return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"
    return format_date_both(value)


def value_from_json(data: object) -> Value:
    """A stored computed value ("4.91", "2027-03-31") read back; anything else (a forged or
    damaged record, NaN, a number of a thousand digits) is None, never an exception."""
    if isinstance(data, bool) or data is None:
        return None
    if isinstance(data, int | float):
        data = repr(data)
    if not isinstance(data, str) or len(data) > 64:
        return None
    if len(data) == 10 and data[4:5] == "-" and data[7:8] == "-":
        try:
            return date.fromisoformat(data)
        except ValueError:
            return None
    try:
        number = Decimal(data)
    except (ArithmeticError, ValueError):
        return None
    return bounded(number) if number.is_finite() else None
