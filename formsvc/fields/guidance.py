"""Display-only guidance text between questions; it has no answer."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, guidance, interface_words
from formsvc.vocabulary.common import Text


@register
class GuidanceField(FieldSpec):
    type: Literal["guidance"] = "guidance"
    # The one type whose label may be left out (it is a heading), against FieldSpec's required one.
    label: Text | None = Field(None, description="見出し (省略可)")  # type: ignore[assignment]
    content: Annotated[Text, AdminOption("本文", "longtext", hint="空行で段落を分けます")] = Field(
        description="本文。空行で段落を分けます")
    required: bool = False

    type_label = ("説明文（回答なし）", "Guidance text (no answer)")
    menu_position = 190
    has_answer = False

    def form_field(self, ctx):
        return None

    def draw(self, view: QuestionView) -> Markup:
        locale, _ = interface_words()
        return guidance(self.label.get(locale) if self.label else None, self.paragraphs(locale))

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
