"""One choice from a long list (e.g. 47 prefectures), as a select box."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup
from wtforms import SelectField as WTFSelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2

from formsvc.fields.base import register
from formsvc.fields.drawing import QuestionView, select_question
from formsvc.fields.radio import OneChoiceSpec


@register
class SelectField(OneChoiceSpec):
    type: Literal["select"] = "select"

    type_label = ("1つ選ぶ（プルダウン）", "One choice (drop-down)")
    menu_position = 50

    def draw(self, view: QuestionView) -> Markup:
        data = view.input.data
        drawn = select_question(view, self.drawn_choices(view.locale, () if data is None else (data,)))
        return drawn + "\n"  # the line end its template had: the page's HTML is unchanged

    def form_field(self, ctx):
        placeholder = SelectChoice("", ctx.t("選択してください", "Select"))
        return WTFSelectField(
            self.label_text(ctx), choices=[placeholder, *self.wtforms_choices(ctx)],
            validators=self.field_validators(ctx), validate_choice=False,
        )
