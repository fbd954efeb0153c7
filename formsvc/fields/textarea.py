"""Multi-line text."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from markupsafe import Markup
from pydantic import Field
from wtforms import TextAreaField as WTFTextAreaField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import register
from formsvc.fields.drawing import QuestionView, textarea_question
from formsvc.fields.text import TextLikeSpec


class NormalisedTextAreaField(WTFTextAreaField):
    def process_formdata(self, valuelist):
        # Browsers send CRLF; store LF so lengths and exports are stable.
        if valuelist:
            self.data = valuelist[0].replace("\r\n", "\n").strip()
        else:
            self.data = None


@register
class TextAreaField(TextLikeSpec):
    type: Literal["textarea"] = "textarea"
    rows: Annotated[int, AdminOption("入力欄の行数", "int", hint="2〜30")] = Field(5, ge=2, le=30)

    type_label = ("複数行のテキスト", "Text (several lines)")
    menu_position = 20

    default_max_length: ClassVar[int] = 10_000

    def draw(self, view: QuestionView) -> Markup:
        return textarea_question(view, self.rows)

    def form_field(self, ctx):
        return NormalisedTextAreaField(
            self.label_text(ctx), validators=self.field_validators(ctx)
        )

    def automatic_hint(self, ctx):
        if self.max_length is None:
            return None
        return ctx.t(f"{self.max_length}文字以内", f"Up to {self.max_length} characters")

    def csv_values(self, value):
        # One datum per cell: keep the line breaks out of machine-readable cells.
        return [" ".join((value or "").splitlines())]
