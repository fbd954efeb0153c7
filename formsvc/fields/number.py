"""Numbers (copies, counts, amounts), typed with full-width digits allowed."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from markupsafe import Markup
from pydantic import Field, model_validator
from wtforms import Field as WTFField
from wtforms.widgets import TextInput

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldContext, FieldSpec, Problem, first_value, register
from formsvc.fields.drawing import QuestionView, interface_words, text_question
from formsvc.japanese.width import normalise_digits
from formsvc.vocabulary.common import Text
from formsvc.vocabulary.values import format_number, plain_decimal, with_unit

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
                 too_long: Callable[[bool], str] | None = None, places: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.integer = integer
        # The most digits after the point (None: MAX_FRACTION_DIGITS).
        self.places = places
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
        places = MAX_FRACTION_DIGITS if self.places is None else self.places
        if len(fraction) > places:
            raise ValueError(self.ctx.t(f"小数点以下は{places}桁以内で入力してください",
                                        f"Enter at most {places} digits after the point"))
        # Stored as a JSON number (a float): exact, and shown back as typed (4.911), only up
        # to 15 significant digits. A longer number would silently become another one.
        if len(significant_digits(whole, fraction)) > MAX_WHOLE_DIGITS:
            raise ValueError(self.ctx.t(f"小数点以下も含めて{MAX_WHOLE_DIGITS}桁以内の数字で入力してください",
                                        f"Enter at most {MAX_WHOLE_DIGITS} digits, counting those after the point"))
        self.data = float(f"{sign}{whole}.{fraction or 0}")


def significant_digits(whole: str, fraction: str) -> str:
    """The digits that make a number's value (no leading zeros): 0.00125 → "125"."""
    return (whole.lstrip("0") + fraction).lstrip("0") if whole.lstrip("0") else fraction.lstrip("0")


@register
class NumberField(FieldSpec):
    type: Literal["number"] = "number"
    min: Annotated[float | None, AdminOption("最小値", "number")] = None
    max: Annotated[float | None, AdminOption("最大値", "number")] = None
    integer: Annotated[bool, AdminOption("整数だけを受け付ける", "bool", noun="整数のみ")] = True
    places: Annotated[int | None, AdminOption(
        "小数点以下の桁数", "int", hint="小数を受け付け、小数点以下をこの桁数まで入力できます（例: 2）")] = Field(
        None, ge=0, le=MAX_FRACTION_DIGITS,
        description="小数点以下の桁数の上限。書くと小数を受け付けます (例: 発電出力 kW なら 3)")
    unit: Annotated[Text | None, AdminOption("単位", "text", hint="数の後ろに表示します（例: 通、人）")] = Field(
        None, description="数の後ろに表示する単位 (例: 通, 円, 人, {ja: 点, en: items})")

    type_label = ("数値", "Number")
    menu_position = 30
    comparable = True
    computable = True
    quantity = True

    def draw(self, view: QuestionView) -> Markup:
        locale, _ = interface_words()
        return text_question(view, inputmode="numeric", width="s", unit=self.unit_text(locale))

    def form_field(self, ctx):
        return NumberInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            integer=self.integer, ctx=ctx, places=self.places,
            too_long=lambda negative: self.too_long_message(negative, ctx),
        )

    @model_validator(mode="before")
    @classmethod
    def _integer_from_places(cls, data: Any) -> Any:
        """``places`` (1 or more) asks for decimals where ``integer`` is not written: it is set
        here, as data, rather than read off ``model_fields_set`` later. The stored version is
        the definition dumped with every value (``integer: false`` included) and compiled again:
        a value derived only at use would come back as the default ``integer: true`` beside
        ``places: 3``, which the checker rightly refuses when an author writes it."""
        if isinstance(data, dict) and "integer" not in data and isinstance(data.get("places"), int) \
                and not isinstance(data.get("places"), bool):
            data = {**data, "integer": data["places"] == 0}
        return data

    def unit_text(self, locale: str = "ja") -> str | None:
        return self.unit.get(locale) if self.unit is not None else None

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
        """As typed, in plain notation: 4.911kW (not 4kW), 0.0000000001 (not 1e-10), 1,200円."""
        number = _as_decimal(value)
        if number is None:
            return ""
        return with_unit(format_number(number), self.unit_text(locale), locale)

    def csv_values(self, value):
        number = _as_decimal(value)
        return ["" if number is None else plain_decimal(number)]

    def example_answer(self):
        low, high = _plain(self.min), _plain(self.max)
        value = low if low is not None and low > 1 else 1
        return high if high is not None and value > high else value

    def problems(self, definition):
        if self.min is not None and self.max is not None and self.min > self.max:
            yield Problem(("min",), "min が max より大きくなっています")
        if self.places and "integer" in self.model_fields_set and self.integer:
            yield Problem(("places",), f"integer: true (整数だけ) と places: {self.places} (小数点以下"
                                       f"{self.places}桁まで) は同時に使えません。小数を受け付けるなら integer を"
                                       "消すか false にし、整数だけなら places を消してください")


def _as_decimal(value: object) -> Decimal | None:
    """A stored answer as the decimal it was typed as (a float reads back by its shortest repr:
    4.911, not 4.91099999…); None when unanswered or not a number."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(number: float | None) -> int | float | None:
    """3.0 -> 3, so messages read 「1から10」 rather than 「1.0から10.0」."""
    if number is None:
        return None
    return int(number) if float(number).is_integer() else number
