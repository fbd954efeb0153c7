"""個人番号 (My Number): 12 digits with a check digit; shown masked, never in full.

番号法 limits collection to procedures whose law allows it, so a definition should only
use this field where that is so; the value is masked on every page and record.
"""

from __future__ import annotations

from typing import Literal

from formsvc.fields.base import FieldSpec, register
from formsvc.fields.text import DigitsInputField
from formsvc.japanese.numbers import is_valid_my_number, mask_my_number


class MaskedDigitsInputField(DigitsInputField):
    def _value(self):
        # Never echo an accepted number back into the page; only what failed to validate.
        return self.raw_data[0] if self.raw_data and self.errors else ""


@register
class MyNumberField(FieldSpec):
    type: Literal["my_number"] = "my_number"

    def form_field(self, ctx):
        return MaskedDigitsInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if len(value) != 12 or not value.isdigit():
            return [ctx.t("個人番号は12桁の数字で入力してください",
                          "Enter the 12-digit My Number")]
        if not is_valid_my_number(value):
            return [ctx.t("個人番号が正しくありません。番号を確かめてください",
                          "This My Number is not valid. Check the number")]
        return []

    def display(self, value, locale="ja"):
        return mask_my_number(value) if value else ""

    def example_answer(self):
        return "123456789018"
