"""Single-line text."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator
from wtforms import StringField

from formsvc.definitions.common import StrictModel, Text
from formsvc.fields.base import (
    FieldContext,
    FieldSpec,
    Problem,
    first_value,
    length_messages,
    register,
)
from formsvc.japanese.width import digits_only


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


class StrippedStringField(StringField):
    """Trims surrounding spaces (including full-width ones) that residents paste in."""

    def process_formdata(self, valuelist):
        self.data = first_value(valuelist).strip("\u3000 ") if valuelist else None


class DigitsInputField(StrippedStringField):
    """Digits typed with spaces, hyphens or full-width characters, stored as digits only."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = digits_only(self.data)


class TextLikeSpec(FieldSpec):
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    pattern: Pattern | None = None
    autocomplete: str | None = Field(None, description="HTML の autocomplete 値 (例: organization)")

    def validate_answer(self, value, ctx: FieldContext) -> list[str]:
        messages = length_messages(
            self.label_text(ctx), value, self.min_length, self.max_length, ctx
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

    def form_field(self, ctx):
        return StrippedStringField(self.label_text(ctx), validators=self.field_validators(ctx))
