"""A はい / いいえ question, stored as a boolean."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from wtforms import RadioField as WTFRadioField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldSpec, register
from formsvc.fields.drawing import QuestionView, choices_question, interface_words
from formsvc.vocabulary.common import Text

ANSWERS = {"yes": True, "no": False}


class YesNoInputField(WTFRadioField):
    def process_formdata(self, valuelist):
        self.data = ANSWERS.get(valuelist[0]) if valuelist else None

    def pre_validate(self, form):
        pass


@register
class YesNoField(FieldSpec):
    type: Literal["yes_no"] = "yes_no"
    yes_label: Annotated[Text | None, AdminOption("「はい」の表示", "text")] = None
    no_label: Annotated[Text | None, AdminOption("「いいえ」の表示", "text")] = None

    type_label = ("はい／いいえ", "Yes or no")
    menu_position = 70
    computable = True
    numbered_inputs = True

    def labels(self, locale: str) -> tuple[str, str]:
        yes = self.yes_label.get(locale) if self.yes_label else ("Yes" if locale == "en" else "はい")
        no = self.no_label.get(locale) if self.no_label else ("No" if locale == "en" else "いいえ")
        return yes, no

    def draw(self, view: QuestionView) -> Markup:
        locale, _ = interface_words()
        yes, no = self.labels(locale)
        data = view.input.data
        return choices_question(view, "radio", [("yes", yes, None, data is True), ("no", no, None, data is False)],
                                inline=True)

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

    def compared_value_problem(self, value):
        if not isinstance(value, bool):
            return f"はい/いいえの項目 '{self.id}' とは true か false で比べてください"
        return None

    def condition_value(self, text):
        """はい/いいえ, yes/no, true/false or the question's own words for them."""
        yes_label, no_label = self.labels("ja")
        yes, no = {"はい", "true", "yes", yes_label}, {"いいえ", "false", "no", no_label}
        lowered = text.lower()
        if lowered in yes or text in yes:
            return True
        if lowered in no or text in no:
            return False
        raise ValueError("はい／いいえの項目とは「はい」か「いいえ」で比べてください")

    def literal_words(self, value):
        if not isinstance(value, bool):
            return None
        yes, no = self.labels("ja")
        return yes if value else no

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
