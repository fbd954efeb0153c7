"""A Japanese address in the parts a postal-code lookup can fill."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import CompositeSpec, FieldContext, register
from formsvc.fields.composite import CompositeInputField, PartError, stripped
from formsvc.fields.drawing import QuestionView, interface_words, parts_question
from formsvc.japanese.width import normalise_digits

ADDRESS_PARTS = ("prefecture", "city", "town", "block", "building")
# 町域 can be empty in Japan Post data (「以下に掲載がない場合」), and most homes have no building.
OPTIONAL_PARTS = {"town", "building"}
PART_LABELS = {
    "prefecture": ("都道府県", "Prefecture"),
    "city": ("市区町村", "City, ward, town or village"),
    "town": ("町域", "District"),
    "block": ("番地", "Block and house number"),
    "building": ("建物名・部屋番号", "Building and room"),
}


def split_town_and_block(street: str) -> tuple[str, str]:
    """'芝公園4-2-8' -> ('芝公園', '4-2-8'): the 番地 starts at the first digit."""
    normalised = normalise_digits(street)
    for index, character in enumerate(normalised):
        if character.isdigit():
            return normalised[:index], normalised[index:]
    return normalised, ""


class AddressInputField(CompositeInputField):
    parts = ADDRESS_PARTS


@register
class AddressField(CompositeSpec):
    type: Literal["address"] = "address"
    max_length: Annotated[int, AdminOption("最大文字数", "int")] = Field(80, ge=1, description="各欄の最大文字数")

    type_label = ("住所", "Address")
    menu_position = 140
    prefill_sources = frozenset({"address"})
    carry_over = "address"

    def value_from_postal_address(self, found):
        # The 番地 and building are the resident's to type.
        return {"prefecture": found.prefecture, "city": found.city, "town": found.town,
                "block": "", "building": ""}

    def value_from_identity(self, claims):
        """OIDC's address claim: region = 都道府県, locality = 市区町村, street_address = 町域番地
        then, after a space, the building."""
        address = claims.get("address")
        if not isinstance(address, dict) or not address.get("region"):
            return None
        street, _, building = (address.get("street_address") or "").replace("\u3000", " ").partition(" ")
        town, block = split_town_and_block(street)
        return {"prefecture": address["region"], "city": address.get("locality", ""),
                "town": town, "block": block, "building": building.strip()}

    def part_labels(self, ctx: FieldContext) -> dict[str, str]:
        return {part: ctx.t(ja, en) for part, (ja, en) in PART_LABELS.items()}

    def draw(self, view: QuestionView) -> Markup:
        labels = self.part_labels(view.ctx)
        _, t = interface_words()
        return parts_question(view, [
            ("prefecture", labels["prefecture"], "m", None, "address-level1"),
            ("city", labels["city"], "m", None, "address-level2"),
            ("town", labels["town"] + t("（ない場合は空欄）", " (if any)"), "l", None, "address-level3"),
            ("block", labels["block"] + t("（例：1-2-3）", " (e.g. 1-2-3)"), "m", None, "address-line1"),
            ("building", labels["building"] + t("（任意）", " (optional)"), "l", None, "address-line2"),
        ], "parts parts--stacked")

    def form_field(self, ctx):
        return AddressInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            combine=lambda raw: self.combine(raw, ctx), split=dict,
        )

    def combine(self, raw, ctx: FieldContext) -> dict | None:
        parts = stripped(raw)
        if not any(parts.values()):
            return None
        # 番地 is typed with full-width digits and many kinds of dash; store one form.
        parts["block"] = normalise_digits(parts["block"])
        labels = self.part_labels(ctx)
        for part in ADDRESS_PARTS:
            if part not in OPTIONAL_PARTS and not parts[part]:
                raise PartError(
                    ctx.t(f"住所の{labels[part]}を入力してください",
                          f"Enter the {labels[part].lower()} of the address"),
                    part,
                )
            if len(parts[part]) > self.max_length:
                raise PartError(
                    ctx.t(f"住所の{labels[part]}は{self.max_length}文字以内で入力してください",
                          f"{labels[part]} must be {self.max_length} characters or fewer"),
                    part,
                )
        return parts

    def display(self, value, locale="ja"):
        if not value:
            return ""
        main = "".join(value.get(part, "") for part in ("prefecture", "city", "town", "block"))
        return f"{main}\u3000{value['building']}" if value.get("building") else main

    def csv_columns(self):
        return [(f"_{part}", f"{self.label.ja}（{PART_LABELS[part][0]}）") for part in ADDRESS_PARTS]

    def csv_values(self, value):
        value = value or {}
        return [value.get(part, "") for part in ADDRESS_PARTS]

    def example_answer(self):
        return {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                "block": "4-2-8", "building": ""}
