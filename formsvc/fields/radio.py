"""One choice from a short list, as radio buttons in a fieldset (a long list: formsvc.fields.select)."""

from __future__ import annotations

from typing import Literal

from markupsafe import Markup
from wtforms import RadioField as WTFRadioField

from formsvc.fields.base import register
from formsvc.fields.choices import ChoiceSpec
from formsvc.fields.drawing import QuestionView, choices_question

GENDER_NAMES = {"male": ("male", "男", "男性"), "female": ("female", "女", "女性")}


class OneChoiceSpec(ChoiceSpec):
    """One choice from the list: what radio buttons and a select box share."""

    computable = True
    prefill_sources = frozenset({"gender"})

    def value_from_identity(self, claims):
        """The card's gender matched to a choice by its value or its Japanese label."""
        names = GENDER_NAMES.get(claims.get("gender", ""), ())
        return next((c.value for c in self.all_choices() if c.value in names or c.label.ja in names), None)

    def validate_answer(self, value, ctx):
        if value not in {choice.value for choice in self.all_choices()}:
            return [self.unknown_choice_message(ctx)]
        return []

    def display(self, value, locale="ja"):
        return self.choice_label(value, locale) if value else ""


@register
class RadioField(OneChoiceSpec):
    type: Literal["radio"] = "radio"

    type_label = ("1つ選ぶ（ラジオボタン）", "One choice (radio buttons)")
    menu_position = 40
    numbered_inputs = True

    def draw(self, view: QuestionView) -> Markup:
        data = view.input.data
        drawn = choices_question(view, "radio", self.drawn_choices(view.locale, () if data is None else (data,)))
        return drawn + "\n"  # the line end its template had: the page's HTML is unchanged

    def form_field(self, ctx):
        # validate_choice=False: our validator gives the Japanese message instead of WTForms'.
        return WTFRadioField(
            self.label_text(ctx), choices=self.wtforms_choices(ctx),
            validators=self.field_validators(ctx), validate_choice=False,
        )
