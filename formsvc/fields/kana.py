"""フリガナ as セイ and メイ: full-width katakana, with hiragana and half-width accepted."""

from __future__ import annotations

from typing import Literal

from formsvc.fields.base import FieldContext, register
from formsvc.fields.name import PersonNameSpec
from formsvc.japanese.kana import is_katakana, to_katakana


@register
class KanaField(PersonNameSpec):
    type: Literal["kana"] = "kana"

    type_label = ("フリガナ", "Name in kana")
    menu_position = 100
    carry_over = "name_kana"  # the card carries no フリガナ: nothing to prefill

    def part_labels(self, ctx: FieldContext) -> dict[str, str]:
        return {"family": ctx.t("セイ", "family name in katakana"),
                "given": ctx.t("メイ", "given name in katakana")}

    def part_header(self, part: str) -> str:
        return {"family": "セイ", "given": "メイ"}[part]

    def normalise_part(self, text: str, label: str, ctx: FieldContext) -> str:
        kana = to_katakana(text)
        if not is_katakana(kana):
            # The English label already says "in katakana" ("family name in katakana").
            raise ValueError(ctx.t(f"{label}はカタカナで入力してください",
                                   f"The {label} must contain only katakana"))
        return kana

    def example_answer(self):
        return {"family": "ヤマダ", "given": "タロウ"}
