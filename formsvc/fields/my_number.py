"""個人番号 (My Number): 12 digits with a check digit; stored encrypted, shown masked.

番号法 limits collection to procedures whose law allows it, so a definition should only
use this field where that is so. Who may see what (formsvc.submissions.protection):

* stored: encrypted (``to_json``, formsvc.crypto) in drafts and submissions alike;
* every page, record, CSV, API answer and archive copy: masked to its last four digits
  (``********9018``), which is what the resident is told; nobody sees all 12 digits on screen;
* the audit trail keeps only the masked form of a corrected answer.
"""

from __future__ import annotations

import re
from typing import Literal

from markupsafe import Markup

from formsvc import crypto
from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, text_question
from formsvc.fields.text import DigitsInputField
from formsvc.japanese.numbers import is_valid_my_number, mask_my_number

# What mask_my_number makes: a copy kept masked (the audit trail) shows as it was masked.
_MASKED = re.compile(r"\*{8}[0-9]{4}|\*{12}")


@register
class MyNumberField(FieldSpec):
    type: Literal["my_number"] = "my_number"

    type_label = ("個人番号（マイナンバー）", "My Number")
    menu_position = 150
    protected = True

    def draw(self, view: QuestionView) -> Markup:
        # An accepted number is never echoed back into the page; only what failed to validate.
        bound = view.input
        return text_question(view, inputmode="numeric", autocomplete="off", width="m",
                             value=bound.raw_data[0] if bound.errors and bound.raw_data else "")

    def form_field(self, ctx):
        return DigitsInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def validate_answer(self, value, ctx):
        if len(value) != 12 or not value.isdigit():
            return [ctx.t("個人番号は12桁の数字で入力してください",
                          "Enter the 12-digit My Number")]
        if not is_valid_my_number(value):
            return [ctx.t("個人番号が正しくありません。番号を確かめてください",
                          "This My Number is not valid. Check the number")]
        return []

    def to_json(self, value):
        # Encrypted for drafts and submissions alike: a database dump or backup holds no number.
        return crypto.encrypt(value) if value else value

    def from_json(self, data):
        # Plain digits stored before encryption, and masked copies, are read as they are.
        return crypto.decrypt(data) if isinstance(data, str) else data

    def display(self, value, locale="ja"):
        if not value:
            return ""
        return value if _MASKED.fullmatch(value) else mask_my_number(value)

    def example_answer(self):
        return "123456789018"
