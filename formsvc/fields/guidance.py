"""Display-only guidance text between questions; it has no answer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from formsvc.fields.base import FieldSpec, register
from formsvc.vocabulary.common import Text


@register
class GuidanceField(FieldSpec):
    type: Literal["guidance"] = "guidance"
    label: Text | None = Field(None, description="見出し (省略可)")
    content: Text = Field(description="本文。空行で段落を分けます")
    required: bool = False

    has_answer = False

    def form_field(self, ctx):
        return None

    def paragraphs(self, locale: str = "ja") -> list[str]:
        return [p.strip() for p in self.content.get(locale).split("\n\n") if p.strip()]

    def csv_columns(self):
        return []

    def csv_values(self, value):
        return []

    def form_inputs(self, value):
        return {}

    def example_answer(self):
        return None
