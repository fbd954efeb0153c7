"""Agreement to a statement (e.g. 個人情報の取扱い): must be ticked when required."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field
from wtforms import BooleanField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, agreement_question, interface_words
from formsvc.vocabulary.common import Text


class ConsentInputField(BooleanField):
    def process_formdata(self, valuelist):
        # Unticked means "no answer" (None), so `required` applies to it.
        self.data = True if valuelist and valuelist[0] not in self.false_values else None  # type: ignore[assignment]  # stubs: bool only


@register
class ConsentField(FieldSpec):
    type: Literal["consent"] = "consent"
    statement: Annotated[Text, AdminOption("同意する内容", "text", hint="チェックボックスの横に表示します")] = Field(
        description="同意を求める内容 (チェックボックスの横に表示)")

    type_label = ("同意（チェックボックス）", "Consent")
    menu_position = 180
    numbered_inputs = True

    def draw(self, view: QuestionView) -> Markup:
        locale, _ = interface_words()
        return agreement_question(view, self.statement.get(locale))

    def form_field(self, ctx):
        return ConsentInputField(
            self.statement.get(ctx.locale), validators=self.field_validators(ctx)
        )

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}に同意する場合はチェックを入れてください",
                     f"Tick the box to agree to {label}")

    def form_inputs(self, value):
        return {self.id: ["y"]} if value else {}

    def display(self, value, locale="ja"):
        if not value:
            return ""
        return "Agreed" if locale == "en" else "同意する"

    def csv_values(self, value):
        return ["1" if value else "0"]

    def example_answer(self):
        return True
