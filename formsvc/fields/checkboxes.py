"""Several choices, as checkboxes in a fieldset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import Problem, register
from formsvc.fields.choices import ChoiceSpec
from formsvc.fields.drawing import QuestionView, choices_question


class CheckboxesInputField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, in_order: Callable[[list[str]], list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.in_order = in_order

    def process_formdata(self, valuelist):
        # Stored in the order of the definition, whatever order the browser sends the boxes in:
        # the check page, staff pages, PDF and exports then list them as the page did.
        self.data = self.in_order(list(valuelist))

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

    def draw(self, view: QuestionView) -> Markup:
        drawn = choices_question(view, "checkbox", self.drawn_choices(view.locale, view.input.data or ()))
        exclusive = [choice.value for choice in self.exclusive_choices()]
        if not exclusive:
            return drawn + "\n\n"  # the line ends its template had: the page's HTML is unchanged
        # 「該当なし」 and the like: the hint says they stand alone and the server refuses them with
        # others; with JavaScript (static/js/formsvc.js) ticking one unticks the rest.
        from jinja2.utils import htmlsafe_json_dumps  # (here: `formsvc validate` loads no Jinja)

        return Markup(f"<div data-exclusive-choices='{htmlsafe_json_dumps(exclusive)}'>\n{drawn}\n\n</div>\n")

    def form_field(self, ctx):
        return CheckboxesInputField(
            self.label_text(ctx), choices=self.wtforms_choices(ctx),
            validators=self.field_validators(ctx), in_order=self.in_choice_order,
        )

    def automatic_hint(self, ctx):
        hint = ctx.t("当てはまるものをすべて選んでください", "Select all that apply")
        # Said before it happens, so that nobody (and no screen reader user whose boxes the
        # script unticks) is surprised by the error or the unticking.
        for choice in self.exclusive_choices():
            label = choice.label.get(ctx.locale)
            hint += ctx.t(f"。「{label}」は他の選択肢と一緒には選べません",
                          f". “{label}” cannot be selected together with other choices")
        return hint

    def validate_answer(self, value, ctx):
        label = self.label_text(ctx)
        known = {choice.value for choice in self.all_choices()}
        if any(item not in known for item in value):
            return [self.unknown_choice_message(ctx)]
        chosen_exclusive = [choice for choice in self.exclusive_choices() if choice.value in value]
        if chosen_exclusive and len(value) > 1:
            words = chosen_exclusive[0].label.get(ctx.locale)
            return [ctx.t(f"「{words}」と他の選択肢は同時に選べません",
                          f"You cannot select “{words}” together with other choices")]
        if chosen_exclusive:
            return []  # 「該当なし」 alone is a whole answer, whatever min_selected asks of the others
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
