"""Japanese telephone numbers (formsvc.japanese.phone: libphonenumber's Japanese numbering plan)."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup

from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, text_question
from formsvc.fields.text import StrippedStringField
from formsvc.japanese.phone import format_phone, is_plausible_phone, is_valid_phone, normalise_phone


class PhoneInputField(StrippedStringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_phone(self.data)


@register
class PhoneField(FieldSpec):
    type: Literal["phone"] = "phone"

    type_label = ("電話番号", "Phone number")
    menu_position = 120
    carry_over = "phone"

    def draw(self, view: QuestionView) -> Markup:
        return text_question(view, type="tel", autocomplete="tel", width="m")

    def form_field(self, ctx):
        return PhoneInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if not is_plausible_phone(value):
            return [ctx.t(
                "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）",
                "Enter a Japanese phone number of 10 or 11 digits starting with 0",
            )]
        if not is_valid_phone(value):
            # The shape is right, but no such number exists: 090 with 10 digits, 0120 with 11, a
            # landline with 11, an area code that is not one.
            return [ctx.t(
                "電話番号の局番と桁数が合いません。番号をもう一度確かめてください"
                "（例：携帯電話 090-1234-5678、固定電話 03-1234-5678）",
                "This is not a Japanese phone number: check the area code and the number of digits",
            )]
        return []

    def display(self, value, locale="ja"):
        return format_phone(value) if value else ""

    def example_answer(self):
        return "09012345678"
