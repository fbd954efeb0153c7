"""Single-line text."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import Field, field_validator
from wtforms import StringField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import (
    FieldContext,
    FieldSpec,
    Problem,
    first_value,
    length_messages,
    register,
)
from formsvc.japanese.width import digits_only
from formsvc.vocabulary.common import StrictModel, Text


class Pattern(StrictModel):
    regex: str = Field(description="Python の正規表現 (回答全体に一致する必要があります)")
    message: Text = Field(description="一致しないときに表示するメッセージ")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"正規表現として読めません: {error}") from error
        return value


# Full-width ASCII letters and digits typed with a Japanese IME (Ａ-Ｚ, ａ-ｚ, ０-９) read as ASCII,
# so a pattern such as ^[0-9]{7}$ accepts them. Nothing else changes: ー, ①, ㈱ stay as typed.
FULL_WIDTH_ALPHANUMERIC = {code: code - 0xFEE0 for code in
                           [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}


class StrippedStringField(StringField):
    """Trims surrounding spaces (including full-width ones) and reads full-width letters and
    digits as ASCII."""

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = None
            return
        self.data = first_value(valuelist).strip("\u3000 ").translate(FULL_WIDTH_ALPHANUMERIC)


class DigitsInputField(StrippedStringField):
    """Digits typed with spaces, hyphens or full-width characters, stored as digits only."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = digits_only(self.data)


class TextLikeSpec(FieldSpec):
    min_length: Annotated[int | None, AdminOption("最小文字数", "int")] = Field(None, ge=0)
    max_length: Annotated[int | None, AdminOption("最大文字数", "int")] = Field(None, ge=1)
    pattern: Annotated[Pattern | None, AdminOption(
        "入力形式（正規表現）", "pattern", hint="回答全体に一致する必要があります。例: ^[0-9]{7}$")] = None
    autocomplete: Annotated[str | None, AdminOption(
        "autocomplete 属性", "str", hint="例: organization, off", noun="自動入力（autocomplete）")] = Field(
        None, description="HTML の autocomplete 値 (例: organization)")

    # The limit when the definition sets none: every answer is stored, shown to staff and
    # printed, so none may be of any length (Werkzeug refuses a form value over 500 kB anyway).
    default_max_length: ClassVar[int] = 1000

    def validate_answer(self, value, ctx: FieldContext) -> list[str]:
        messages = length_messages(
            self.label_text(ctx), value, self.min_length, self.max_length or self.default_max_length, ctx
        )
        if not messages and self.pattern and not re.fullmatch(self.pattern.regex, value):
            messages.append(self.pattern.message.get(ctx.locale))
        return messages

    def problems(self, definition):
        if self.min_length and self.max_length and self.min_length > self.max_length:
            yield Problem(("min_length",), "min_length が max_length より大きくなっています")

    def example_answer(self):
        size = max(self.min_length or 1, 4)
        if self.max_length:
            size = min(size, self.max_length)
        return "テスト回答テスト回答"[:size]


@register
class TextField(TextLikeSpec):
    type: Literal["text"] = "text"

    type_label = ("1行のテキスト", "Text (one line)")
    menu_position = 10

    def form_field(self, ctx):
        return StrippedStringField(self.label_text(ctx), validators=self.field_validators(ctx))
