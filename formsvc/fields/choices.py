"""What radio buttons, select boxes and checkboxes share: their list of choices.

A field lists its choices inline (``choices:``) or names a reusable list defined once
at the top of the definition (``choice_list:``), possibly without some of its choices
(``omit_choices:``: the shared 続柄 list's 世帯主 and 本人 are no relationship to a person who died).
"""

from __future__ import annotations

import difflib
from collections.abc import Container
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2

from formsvc.fields.base import FieldContext, FieldSpec, Problem
from formsvc.fields.drawing import Choice as DrawnChoice
from formsvc.vocabulary.common import AlsoAccepts, Identifier, StrictModel, Text, quoted


def _choice_from_plain_value(value: Any) -> Any:
    # Not a bool: unquoted yes/no are YAML booleans and must be reported, not become "True".
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"value": str(value), "label": str(value)}
    return value


def _int_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value




class Choice(StrictModel):
    value: Annotated[str, BeforeValidator(_int_as_text)]
    label: Text
    hint: Text | None = None
    amount: Decimal | None = Field(None, description="この選択肢の金額 (手数料の計算に使う)")
    exclusive: bool = Field(
        False, description="複数選択 (checkboxes) で、他の選択肢と同時に選べない選択肢 (例: 該当なし)")


ChoiceItem = Annotated[
    Choice,
    BeforeValidator(_choice_from_plain_value),
    AlsoAccepts({"type": ["string", "integer"]}),
]


class ChoiceSpec(FieldSpec):
    choices: list[ChoiceItem] | None = Field(None, min_length=1)
    choice_list: Identifier | None = Field(None, description="choice_lists に定義した一覧のID")
    omit_choices: list[Annotated[str, BeforeValidator(_int_as_text)]] | None = Field(
        None, min_length=1, description="choice_list の一覧から省く (この質問では選べない) 選択肢の値")
    _resolved: list[Choice] | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _choices_or_list(self):
        if (self.choices is None) == (self.choice_list is None):
            raise ValueError("choices (選択肢を直接書く) か choice_list (共通の一覧のID) の"
                             "どちらか1つを書いてください")
        return self

    def resolve_choices(self, choice_lists: dict[str, list[Choice]]) -> None:
        """Called once when the definition is built, so fields know their reusable list."""
        if self.choice_list is not None:
            listed = choice_lists.get(self.choice_list)
            omitted = set(self.omit_choices or ())
            self._resolved = None if listed is None else [choice for choice in listed if choice.value not in omitted]

    def all_choices(self) -> list[Choice]:
        if self.choices is not None:
            return list(self.choices)
        if self._resolved is None:
            raise LookupError(f"choice list {self.choice_list!r} was not resolved")
        return list(self._resolved)

    def drawn_choices(self, locale: str, chosen: Container[str]) -> list[DrawnChoice]:
        """Each choice as a page draws it (formsvc.fields.drawing): its value, its label and hint
        in ``locale``, and whether it is among ``chosen``."""
        return [(choice.value, choice.label.get(locale), choice.hint.get(locale) if choice.hint else None,
                 choice.value in chosen) for choice in self.all_choices()]

    def wtforms_choices(self, ctx: FieldContext) -> list[SelectChoice]:
        return [SelectChoice(choice.value, choice.label.get(ctx.locale)) for choice in self.all_choices()]

    def choice_label(self, value: str, locale: str = "ja") -> str:
        for choice in self.all_choices():
            if choice.value == value:
                return choice.label.get(locale)
        return value

    def exclusive_choices(self) -> list[Choice]:
        """Choices that cannot be combined with any other (「該当なし」); only checkboxes have any."""
        return [choice for choice in self.all_choices() if choice.exclusive] if self.several_choices else []

    def in_choice_order(self, values: list[str]) -> list[str]:
        """``values`` once each, in the order the page lists the choices; a value that is not a
        choice (forged) goes last, to be refused."""
        order = {choice.value: index for index, choice in enumerate(self.all_choices())}
        return sorted(dict.fromkeys(values), key=lambda value: order.get(value, len(order)))

    def amounts(self) -> dict[str, Decimal]:
        return {c.value: c.amount for c in self.all_choices() if c.amount is not None}

    def compared_value_problem(self, value):
        try:
            values = [choice.value for choice in self.all_choices()]
        except LookupError:
            return None  # an unknown choice_list: problems() says so
        if isinstance(value, bool):
            return (f"'{self.id}' の選択肢の値と比べる値が真偽値 ({str(value).lower()}) "
                    "になっています。YAMLでは引用符のない yes / no / on / off も"
                    "真偽値と読まれるので、引用符で囲んでください。"
                    f"使える値: {', '.join(values)}")
        if str(value) not in values:
            return f"'{value}' は項目 '{self.id}' の選択肢にありません。使える値: {', '.join(values)}"
        return None

    def condition_value(self, text):
        """A choice's value, or its label in either language."""
        for choice in self.all_choices():
            if text in (choice.value, choice.label.ja, choice.label.en):
                return choice.value
        return text  # the definition's check reports a value that is not a choice, with the list

    def literal_words(self, value):
        if isinstance(value, bool):
            return None
        try:
            return self.choice_label(str(value))
        except LookupError:
            return None

    def required_message(self, ctx):
        label = self.label_text(ctx)
        return ctx.t(f"{label}を選択してください", f"Select {label}")

    def unknown_choice_message(self, ctx) -> str:
        label = self.label_text(ctx)
        return ctx.t(f"{label}は表示された選択肢から選んでください",
                     f"Select {label} from the choices shown")

    def example_answer(self):
        return self.all_choices()[0].value

    def problems(self, definition):
        if self.choice_list is not None and self.choice_list not in definition.choice_lists:
            known = ", ".join(definition.choice_lists) or "(なし)"
            yield Problem(("choice_list",), f"choice_lists に '{self.choice_list}' がありません。"
                                            f"定義済みの一覧: {known}")
            return
        yield from self._omit_problems(definition)
        seen: set[str] = set()
        for index, choice in enumerate(self.choices or []):
            if choice.value in seen:
                yield Problem(("choices", index, "value"), f"選択肢の値 '{choice.value}' が重複しています")
            seen.add(choice.value)
            if choice.exclusive and not self.several_choices:
                # One choice of a radio or select is always alone; saying so means the author
                # expected checkboxes.
                yield Problem(("choices", index, "exclusive"),
                              f"exclusive は複数選択 (checkboxes) の選択肢にだけ書けます。'{self.id}' は "
                              f"{self.type} 項目なので、選択肢はもともと1つしか選べません。exclusive を消してください")

    def _omit_problems(self, definition):
        """``omit_choices`` names values of the list it leaves out, and leaves something to choose."""
        if self.omit_choices is None:
            return
        if self.choice_list is None:
            yield Problem(("omit_choices",), "omit_choices は choice_list と一緒にだけ書けます。choices に"
                                             "直接書いた選択肢を省くなら、choices から消してください")
            return
        values = [choice.value for choice in definition.choice_lists[self.choice_list]]
        seen: set[str] = set()
        for index, omitted in enumerate(self.omit_choices):
            if omitted in seen:
                yield Problem(("omit_choices", index),
                              f"omit_choices に '{quoted(omitted)}' が2回書かれています。1つにしてください")
            elif omitted not in values:
                close = difflib.get_close_matches(omitted[:100], values, n=1, cutoff=0.6)
                hint = f"'{close[0]}' の書き間違いではありませんか。" if close else ""
                yield Problem(("omit_choices", index),
                              f"選択肢の一覧 '{self.choice_list}' に値 '{quoted(omitted)}' はありません。{hint}"
                              f"一覧の値: {', '.join(values)}")
            seen.add(omitted)
        if values and set(values) <= set(self.omit_choices):
            yield Problem(("omit_choices",), f"選択肢の一覧 '{self.choice_list}' の選択肢をすべて省いています。"
                                             "選べる選択肢を1つ以上残してください")
