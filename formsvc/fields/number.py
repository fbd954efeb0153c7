"""Numbers (copies, counts, amounts), typed with full-width digits allowed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import Field
from wtforms import Field as WTFField
from wtforms.widgets import TextInput

from formsvc.fields.base import FieldContext, FieldSpec, Problem, first_value, register
from formsvc.japanese.width import normalise_digits


class NumberInputField(WTFField):
    """A text input (inputmode=numeric) rather than type=number, which mangles IME input."""

    widget = TextInput()

    def __init__(self, *args, integer: bool = True, ctx: FieldContext | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.integer = integer
        self.ctx = ctx or FieldContext()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        text = normalise_digits(first_value(valuelist)).replace(",", "")
        if not text:
            self.data = None
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(self.ctx.t("数字で入力してください", "Enter a number")) from None
        if self.integer:
            if number != number.to_integral_value():
                self.data = None
                raise ValueError(self.ctx.t("整数で入力してください", "Enter a whole number"))
            self.data = int(number)
        else:
            self.data = float(number)


@register
class NumberField(FieldSpec):
    type: Literal["number"] = "number"
    min: float | None = None
    max: float | None = None
    integer: bool = True
    unit: str | None = Field(None, description="数の後ろに表示する単位 (例: 通, 円, 人)")

    def form_field(self, ctx):
        return NumberInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            integer=self.integer, ctx=ctx,
        )

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
