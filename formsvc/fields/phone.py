"""Japanese telephone numbers (landline 10 digits, mobile/IP 11 digits)."""

from __future__ import annotations

from typing import Literal

from formsvc.fields.base import FieldSpec, register
from formsvc.fields.text import StrippedStringField
from formsvc.japanese.phone import format_phone, is_valid_phone, normalise_phone


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

    def form_field(self, ctx):
        return PhoneInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if not is_valid_phone(value):
            return [ctx.t(
                "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）",
                "Enter a Japanese phone number of 10 or 11 digits starting with 0",
            )]
        return []

    def display(self, value, locale="ja"):
        return format_phone(value) if value else ""

    def example_answer(self):
        return "09012345678"
