"""E-mail address."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from markupsafe import Markup

from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, text_question
from formsvc.fields.text import StrippedStringField

# Deliberately simple: catch typos, never reject a deliverable address.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailInputField(StrippedStringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            # Residents often type addresses with an IME: accept full-width ＠ and letters.
            self.data = unicodedata.normalize("NFKC", self.data)


@register
class EmailField(FieldSpec):
    type: Literal["email"] = "email"

    type_label = ("メールアドレス", "Email address")
    menu_position = 110
    carry_over = "email"

    def draw(self, view: QuestionView) -> Markup:
        return text_question(view, type="email", autocomplete="email", spellcheck="false")

    def form_field(self, ctx):
        return EmailInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if len(value) > 254 or not EMAIL.match(value):
            return [ctx.t("メールアドレスを正しい形式で入力してください（例：name@example.jp）",
                          "Enter an email address in the correct format, like name@example.jp")]
        return []

    def example_answer(self):
        return "taro@example.jp"
