"""A person's name as 氏 and 名 (Digital Agency GIF data model); its フリガナ is formsvc.fields.kana."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import CompositeSpec, FieldContext, register
from formsvc.fields.composite import CompositeInputField, PartError, stripped
from formsvc.fields.drawing import QuestionView, parts_question

NAME_PARTS = ("family", "given")


class NameInputField(CompositeInputField):
    parts = NAME_PARTS


class PersonNameSpec(CompositeSpec):
    """A name in two parts, family first: what the name and its フリガナ share."""

    max_length: Annotated[int, AdminOption("最大文字数", "int")] = Field(
        30, ge=1, description="氏・名それぞれの最大文字数")

    def part_labels(self, ctx: FieldContext) -> dict[str, str]:
        raise NotImplementedError

    def part_header(self, part: str) -> str:
        """A part's name in CSV headers."""
        raise NotImplementedError

    def normalise_part(self, text: str, label: str, ctx: FieldContext) -> str:
        """Hook for subclasses: clean one part, raising ValueError with a message."""
        return text

    def draw(self, view: QuestionView) -> Markup:
        labels = self.part_labels(view.ctx)
        # A person's own name gets the browser's name autofill; its フリガナ does not.
        own = self.carry_over == "name"
        return parts_question(view, [("family", labels["family"], "m", None, "family-name" if own else "off"),
                                     ("given", labels["given"], "m", None, "given-name" if own else "off")])

    def form_field(self, ctx):
        return NameInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            combine=lambda raw: self.combine(raw, ctx), split=dict,
        )

    def combine(self, raw, ctx: FieldContext) -> dict | None:
        parts = stripped(raw)
        if not any(parts.values()):
            return None
        labels = self.part_labels(ctx)
        for part in NAME_PARTS:
            label = labels[part]
            if not parts[part]:
                raise PartError(ctx.t(f"{label}を入力してください", f"Enter the {label.lower()}"), part)
            try:
                parts[part] = self.normalise_part(parts[part], label, ctx)
            except ValueError as error:
                raise PartError(str(error), part) from None
        return parts

    def validate_answer(self, value, ctx):
        labels = self.part_labels(ctx)
        for part in NAME_PARTS:
            if len(value[part]) > self.max_length:
                return [ctx.t(f"{labels[part]}は{self.max_length}文字以内で入力してください",
                              f"{labels[part]} must be {self.max_length} characters or fewer")]
        return []

    def display(self, value, locale="ja"):
        return f"{value['family']}\u3000{value['given']}" if value else ""

    def csv_columns(self):
        return [(f"_{part}", f"{self.label.ja}（{self.part_header(part)}）") for part in NAME_PARTS]

    def csv_values(self, value):
        value = value or {}
        return [value.get("family", ""), value.get("given", "")]


@register
class NameField(PersonNameSpec):
    type: Literal["name"] = "name"

    type_label = ("氏名", "Name")
    menu_position = 90
    prefill_sources = frozenset({"name"})
    carry_over = "name"

    def part_labels(self, ctx: FieldContext) -> dict[str, str]:
        return {"family": ctx.t("氏", "Family name"), "given": ctx.t("名", "Given name")}

    def part_header(self, part: str) -> str:
        return {"family": "氏", "given": "名"}[part]

    def value_from_identity(self, claims):
        # The card holds the name as one string, 氏 and 名 separated by a space.
        name = (claims.get("name") or "").replace("\u3000", " ").strip()
        if not name:
            return None
        family, _, given = name.partition(" ")
        return {"family": family, "given": given.strip()}

    def example_answer(self):
        return {"family": "山田", "given": "太郎"}
