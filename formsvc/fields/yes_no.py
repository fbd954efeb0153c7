"""A はい / いいえ question, stored as a boolean."""

from __future__ import annotations

from typing import Literal

from wtforms import RadioField as WTFRadioField
from wtforms.fields.choices import SelectChoice

from formsvc.fields.base import FieldSpec, register
from formsvc.vocabulary.common import Text

ANSWERS = {"yes": True, "no": False}


class YesNoInputField(WTFRadioField):
    def process_formdata(self, valuelist):
        self.data = ANSWERS.get(valuelist[0]) if valuelist else None

    def _value(self):
        return {True: "yes", False: "no"}.get(self.data, "")

    def pre_validate(self, form):
        pass


@register
class YesNoField(FieldSpec):
    type: Literal["yes_no"] = "yes_no"
    yes_label: Text | None = None
    no_label: Text | None = None

    def labels(self, locale: str) -> tuple[str, str]:
        yes = self.yes_label.get(locale) if self.yes_label else ("Yes" if locale == "en" else "はい")
        no = self.no_label.get(locale) if self.no_label else ("No" if locale == "en" else "いいえ")
        return yes, no

    def form_field(self, ctx):
        yes, no = self.labels(ctx.locale)
        # coerce keeps the stored answer (a bool) comparable with the submitted choices.
        return YesNoInputField(
            self.label_text(ctx), choices=[SelectChoice(True, yes), SelectChoice(False, no)], coerce=_as_bool,
            validators=self.field_validators(ctx),
        )

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}は「はい」か「いいえ」を選択してください", f"Select yes or no for {label}")

    def form_inputs(self, value):
        return {} if value is None else {self.id: ["yes" if value else "no"]}

    def display(self, value, locale="ja"):
        if value is None:
            return ""
        yes, no = self.labels(locale)
        return yes if value else no

    def csv_values(self, value):
        return ["" if value is None else ("1" if value else "0")]

    def example_answer(self):
        return True


def _as_bool(value):
    if isinstance(value, bool) or value is None:
        return value
    return ANSWERS.get(value)
