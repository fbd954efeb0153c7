"""Several choices, as checkboxes in a fieldset."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import Problem, register
from formsvc.fields.choices import ChoiceSpec


class CheckboxesInputField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        # Keep the order of the definition, not of the request.
        self.data = list(dict.fromkeys(valuelist))

    def pre_validate(self, form):
        pass  # membership is checked by the field type, with a Japanese message


@register
class CheckboxesField(ChoiceSpec):
    type: Literal["checkboxes"] = "checkboxes"
    min_selected: Annotated[int | None, AdminOption("最少の選択数", "int")] = Field(None, ge=1)
    max_selected: Annotated[int | None, AdminOption("最多の選択数", "int")] = Field(None, ge=1)

    type_label = ("複数選ぶ（チェックボックス）", "Several choices (checkboxes)")
    menu_position = 60
    computable = True
    several_choices = True
    numbered_inputs = True

    def form_field(self, ctx):
        return CheckboxesInputField(
            self.label_text(ctx), choices=self.wtforms_choices(ctx),
            validators=self.field_validators(ctx),
        )

    def automatic_hint(self, ctx):
        return ctx.t("当てはまるものをすべて選んでください", "Select all that apply")

    def validate_answer(self, value, ctx):
        label = self.label_text(ctx)
        known = {choice.value for choice in self.all_choices()}
        if any(item not in known for item in value):
            return [self.unknown_choice_message(ctx)]
        if self.min_selected and len(value) < self.min_selected:
            return [ctx.t(f"{label}は{self.min_selected}つ以上選択してください",
                          f"Select at least {self.min_selected} for {label}")]
        if self.max_selected and len(value) > self.max_selected:
            return [ctx.t(f"{label}は{self.max_selected}つまで選択できます",
                          f"Select up to {self.max_selected} for {label}")]
        return []

    def form_inputs(self, value):
        return {self.id: list(value or [])}

    def display(self, value, locale="ja"):
        return "、".join(self.choice_label(item, locale) for item in value or [])

    def csv_columns(self):
        # One datum per cell (machine-readability rules): a 1/0 column per choice.
        return [(f"_{choice.value}", f"{self.label.ja}（{choice.label.ja}）")
                for choice in self.all_choices()]

    def csv_values(self, value):
        selected = set(value or [])
        return ["1" if choice.value in selected else "0" for choice in self.all_choices()]

    def example_answer(self):
        return [self.all_choices()[0].value]

    def problems(self, definition):
        yield from super().problems(definition)
        if self.min_selected and self.max_selected and self.min_selected > self.max_selected:
            yield Problem(("min_selected",), "min_selected が max_selected より大きくなっています")
