"""法人番号 (corporate number): 13 digits, the first being a check digit."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup

from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, text_question
from formsvc.fields.text import DigitsInputField
from formsvc.japanese.numbers import is_valid_corporate_number


@register
class CorporateNumberField(FieldSpec):
    type: Literal["corporate_number"] = "corporate_number"

    type_label = ("法人番号", "Corporate number")
    menu_position = 160

    def draw(self, view: QuestionView) -> Markup:
        return text_question(view, inputmode="numeric", autocomplete="off", width="m")

    def form_field(self, ctx):
        return DigitsInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if len(value) != 13 or not value.isdigit():
            return [ctx.t("法人番号は13桁の数字で入力してください",
                          "Enter the 13-digit corporate number")]
        if not is_valid_corporate_number(value):
            return [ctx.t("法人番号が正しくありません。番号を確かめてください",
                          "This corporate number is not valid. Check the number")]
        return []

    def example_answer(self):
        return "1010601008968"
