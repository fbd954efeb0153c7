"""One choice from a short list, as radio buttons in a fieldset."""

from __future__ import annotations

from typing import Literal

from wtforms import RadioField as WTFRadioField

from formsvc.fields.base import register
from formsvc.fields.choices import ChoiceSpec


@register
class RadioField(ChoiceSpec):
    type: Literal["radio"] = "radio"

    def form_field(self, ctx):
        # validate_choice=False: our validator gives the Japanese message instead of WTForms'.
        return WTFRadioField(
            self.label_text(ctx), choices=self.wtforms_choices(ctx),
            validators=self.field_validators(ctx), validate_choice=False,
        )

    def validate_answer(self, value, ctx):
        if value not in {choice.value for choice in self.all_choices()}:
            return [self.unknown_choice_message(ctx)]
        return []

    def display(self, value, locale="ja"):
        return self.choice_label(value, locale) if value else ""
