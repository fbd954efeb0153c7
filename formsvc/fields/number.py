"""Numbers (copies, counts, amounts), typed with full-width digits allowed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Field
from wtforms import Field as WTFField
from wtforms.widgets import TextInput

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, Problem, first_value, register
from formsvc.japanese.width import normalise_digits

# What a number answer may look like, once full-width digits, ＋, －, ．, ， and minus look-alikes
# read as ASCII: digits with an optional sign, an optional fraction and thousands commas. Nothing
# else: no exponent ("1e5"), no "Infinity" or "NaN", no digits of other scripts ("٣"). Residents
# never mean them, and Decimal would read them: "1e999999999" is a number of a billion digits that
# int() then spends minutes building, Infinity and NaN cannot be compared, stored or printed. The
# shape and the length are checked on the text, before anything is converted.
PLAIN_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?")
# 15 digits: every such whole number is exact in a float and in JSON (below 2**53).
MAX_WHOLE_DIGITS = 15
MAX_FRACTION_DIGITS = 10


def number_parts(text: str) -> tuple[str, str, str] | None:
    """``text`` as (sign, whole digits, fraction digits) without surrounding zeros, or None when it
    is not a plain decimal. Only the text is looked at: nothing is converted yet."""
    match = PLAIN_NUMBER.fullmatch(normalise_digits(text or "").replace(",", "").strip())
    if match is None or not (match["whole"] or match["fraction"]):
        return None
    return match["sign"], match["whole"].lstrip("0") or "0", (match["fraction"] or "").rstrip("0")


def plain_number(text: str) -> int | float | None:
    """``text`` read as the number field reads it (plain decimals, bounded digits), or None: for
    the numbers administrators type (bounds, fees, values in conditions)."""
    parts = number_parts(text)
    if parts is None:
        return None
    sign, whole, fraction = parts
    if len(whole) > MAX_WHOLE_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        return None
    return float(f"{sign}{whole}.{fraction}") if fraction else int(sign + whole)


class NumberInputField(WTFField):
    """A text input (inputmode=numeric) rather than type=number, which mangles IME input."""

    widget = TextInput()

    def __init__(self, *args, integer: bool = True, ctx: FieldContext | None = None,
                 too_long: Callable[[bool], str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.integer = integer
        self.ctx = ctx or FieldContext()
        # The message for a number with more than MAX_WHOLE_DIGITS digits (argument: negative).
        self.too_long = too_long or (lambda negative: self.ctx.t(
            f"{MAX_WHOLE_DIGITS}桁以内の数字で入力してください",
            f"Enter a number of at most {MAX_WHOLE_DIGITS} digits"))

    def process_formdata(self, valuelist):
        self.data = None
        text = first_value(valuelist)
        if not normalise_digits(text).replace(",", ""):
            return
        parts = number_parts(text)
        if parts is None:
            raise ValueError(self.ctx.t("数字で入力してください", "Enter a number"))
        sign, whole, fraction = parts
        if len(whole) > MAX_WHOLE_DIGITS:
            raise ValueError(self.too_long(sign == "-"))
        if self.integer:
            if fraction:
                raise ValueError(self.ctx.t("整数で入力してください", "Enter a whole number"))
            self.data = int(sign + whole)
            return
        if len(fraction) > MAX_FRACTION_DIGITS:
            raise ValueError(self.ctx.t(f"小数点以下は{MAX_FRACTION_DIGITS}桁以内で入力してください",
                                        f"Enter at most {MAX_FRACTION_DIGITS} digits after the point"))
        self.data = float(f"{sign}{whole}.{fraction or 0}")


@register
class NumberField(FieldSpec):
    type: Literal["number"] = "number"
    min: Annotated[float | None, AdminOption("最小値", "number")] = None
    max: Annotated[float | None, AdminOption("最大値", "number")] = None
    integer: Annotated[bool, AdminOption("整数だけを受け付ける", "bool", noun="整数のみ")] = True
    unit: Annotated[str | None, AdminOption("単位", "str", hint="数の後ろに表示します（例: 通、人）")] = Field(
        None, description="数の後ろに表示する単位 (例: 通, 円, 人)")

    type_label = ("数値", "Number")
    menu_position = 30
    comparable = True
    computable = True
    quantity = True

    def form_field(self, ctx):
        return NumberInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            integer=self.integer, ctx=ctx, too_long=lambda negative: self.too_long_message(negative, ctx),
        )

    def too_long_message(self, negative: bool, ctx: FieldContext) -> str:
        """For a number with more digits than we read: the field's own bounds when it has one
        on that side (「1から10までの数字で」), else the number of digits."""
        beyond = -(10 ** MAX_WHOLE_DIGITS) if negative else 10 ** MAX_WHOLE_DIGITS
        label = self.label_text(ctx)
        return next(iter(self.validate_answer(beyond, ctx)), None) or ctx.t(
            f"{label}は{MAX_WHOLE_DIGITS}桁以内の数字で入力してください",
            f"{label} must be at most {MAX_WHOLE_DIGITS} digits")

    def validate_answer(self, value, ctx):
        label = self.label_text(ctx)
        low, high = _plain(self.min), _plain(self.max)
        if low is not None and high is not None and not low <= value <= high:
            return [ctx.t(f"{label}は{low}から{high}までの数字で入力してください",
                          f"{label} must be between {low} and {high}")]
        if low is not None and value < low:
            return [ctx.t(f"{label}は{low}以上で入力してください", f"{label} must be {low} or more")]
        if high is not None and value > high:
            return [ctx.t(f"{label}は{high}以下で入力してください",
                          f"{label} must be {high} or less")]
        return []

    def condition_value(self, text):
        number = plain_number(text)
        if number is None:
            raise ValueError("数値の項目とは数で比べてください（例: 3）")
        return number

    def display(self, value, locale="ja"):
        if value is None:
            return ""
        return f"{value:,}{self.unit or ''}"

    def csv_values(self, value):
        return ["" if value is None else str(value)]

    def example_answer(self):
        low, high = _plain(self.min), _plain(self.max)
        value = low if low is not None and low > 1 else 1
        return high if high is not None and value > high else value

    def problems(self, definition):
        if self.min is not None and self.max is not None and self.min > self.max:
            yield Problem(("min",), "min が max より大きくなっています")


def _plain(number: float | None) -> int | float | None:
    """3.0 -> 3, so messages read 「1から10」 rather than 「1.0から10.0」."""
    if number is None:
        return None
    return int(number) if float(number).is_integer() else number
