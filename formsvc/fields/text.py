"""Single-line text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from markupsafe import Markup
from pydantic import Field
from wtforms import StringField

from formsvc.fields.admin_options import AdminOption
from formsvc.fields.base import (
    FieldContext,
    FieldSpec,
    Problem,
    first_value,
    length_messages,
    register,
)
from formsvc.fields.drawing import QuestionView, text_question
from formsvc.japanese.check_digits import is_insurer_number_shape, is_valid_insurer_number
from formsvc.japanese.width import digits_only
from formsvc.vocabulary.common import Regex, StrictModel, Text


class Pattern(StrictModel):
    regex: Regex = Field(description="Python の正規表現 (回答全体に一致する必要があります)")
    message: Text = Field(description="一致しないときに表示するメッセージ")


# Full-width ASCII letters and digits typed with a Japanese IME (Ａ-Ｚ, ａ-ｚ, ０-９) read as ASCII,
# so a pattern such as ^[0-9]{7}$ accepts them. Nothing else changes: ー, ①, ㈱ stay as typed.
FULL_WIDTH_ALPHANUMERIC = {code: code - 0xFEE0 for code in
                           [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}


class StrippedStringField(StringField):
    """Trims surrounding spaces (including full-width ones) and reads full-width letters and
    digits as ASCII."""

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = None
            return
        self.data = first_value(valuelist).strip("\u3000 ").translate(FULL_WIDTH_ALPHANUMERIC)


class DigitsInputField(StrippedStringField):
    """Digits typed with spaces, hyphens or full-width characters, stored as digits only."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = digits_only(self.data)


class TextLikeSpec(FieldSpec):
    min_length: Annotated[int | None, AdminOption("最小文字数", "int")] = Field(None, ge=0)
    max_length: Annotated[int | None, AdminOption("最大文字数", "int")] = Field(None, ge=1)
    pattern: Annotated[Pattern | None, AdminOption(
        "入力形式（正規表現）", "pattern", hint="回答全体に一致する必要があります。例: ^[0-9]{7}$",
        advanced=True)] = None
    autocomplete: Annotated[str | None, AdminOption(
        "autocomplete 属性", "str", hint="例: organization, off", noun="自動入力（autocomplete）",
        advanced=True)] = Field(
        None, description="HTML の autocomplete 値 (例: organization)")

    # The limit when the definition sets none: every answer is stored, shown to staff and
    # printed, so none may be of any length (Werkzeug refuses a form value over 500 kB anyway).
    default_max_length: ClassVar[int] = 1000
    matchable = True

    def validate_answer(self, value, ctx: FieldContext) -> list[str]:
        messages = length_messages(
            self.label_text(ctx), value, self.min_length, self.max_length or self.default_max_length, ctx
        )
        if not messages and self.pattern and not re.fullmatch(self.pattern.regex, value):
            messages.append(self.pattern.message.get(ctx.locale))
        return messages

    def problems(self, definition):
        if self.min_length and self.max_length and self.min_length > self.max_length:
            yield Problem(("min_length",), "min_length が max_length より大きくなっています")

    def example_answer(self):
        size = max(self.min_length or 1, 4)
        if self.max_length:
            size = min(size, self.max_length)
        return "テスト回答テスト回答"[:size]


@dataclass(frozen=True)
class CheckDigit:
    """A number printed with its own check digit, checked by a built-in rule (formsvc.japanese)."""

    shape: Callable[[str], bool]  # the right number of digits
    valid: Callable[[str], bool]  # ... and the right check digit
    shape_message: tuple[str, str]  # (ja, en)
    message: tuple[str, str]
    hint: tuple[str, str]
    example: str
    shortest: int  # the fewest characters a valid number has (max_length must allow it)


CHECK_DIGITS: dict[str, CheckDigit] = {
    # 保険者番号: 6 digits (国民健康保険) or 8 (the others), the last one the 検証番号.
    "insurer_number": CheckDigit(
        shape=is_insurer_number_shape,
        valid=is_valid_insurer_number,
        shape_message=("保険者番号は6桁（国民健康保険）または8桁の数字で入力してください。"
                       "保険証に記載の番号を確認してください",
                       "Enter the insurer number as 6 digits (National Health Insurance) or 8 digits. "
                       "Check the number on your health insurance card"),
        message=("保険者番号が正しくありません。保険証に記載の番号を確認してください",
                 "The insurer number is not correct. Check the number on your health insurance card"),
        hint=("保険証に記載の6桁または8桁の数字", "The 6 or 8 digits on your health insurance card"),
        example="01130012",  # 協会けんぽ東京支部
        shortest=6,
    ),
}


@register
class TextField(TextLikeSpec):
    type: Literal["text"] = "text"
    check_digit: Annotated[Literal["insurer_number"] | None, AdminOption(
        "検証番号の確認", "str", hint="insurer_number と書くと、保険者番号（6桁か8桁）の検証番号を確かめます",
        noun="検証番号の確認（check_digit）", advanced=True)] = Field(
        None, description="組み込みの検証番号チェック (insurer_number: 保険者番号 6桁または8桁)")

    type_label = ("1行のテキスト", "Text (one line)")
    menu_position = 10

    def draw(self, view: QuestionView) -> Markup:
        if self.check_digit:
            # A number printed on a card (保険者番号): the numeric keypad, a box as wide as the number.
            drawn = text_question(view, autocomplete=self.autocomplete or "off", inputmode="numeric",
                                  spellcheck="false", width="m")
        else:
            drawn = text_question(view, autocomplete=self.autocomplete)
        return drawn + "\n"  # the line end its template had: the page's HTML is unchanged

    def form_field(self, ctx):
        # A number with a check digit is read as digits: full-width digits, spaces and hyphens
        # typed or pasted around them are dropped (letters stay, so they are refused).
        input_class = DigitsInputField if self.check_digit else StrippedStringField
        return input_class(self.label_text(ctx), validators=self.field_validators(ctx))

    def automatic_hint(self, ctx):
        return ctx.t(*CHECK_DIGITS[self.check_digit].hint) if self.check_digit else None

    def validate_answer(self, value, ctx: FieldContext) -> list[str]:
        messages = super().validate_answer(value, ctx)
        if not messages and self.check_digit:
            rule = CHECK_DIGITS[self.check_digit]
            if not rule.shape(value):
                messages.append(ctx.t(*rule.shape_message))
            elif not rule.valid(value):
                messages.append(ctx.t(*rule.message))
        return messages

    def problems(self, definition):
        yield from super().problems(definition)
        if self.check_digit and self.max_length is not None \
                and self.max_length < CHECK_DIGITS[self.check_digit].shortest:
            yield Problem(("max_length",), f"check_digit: {self.check_digit} の番号は"
                                           f"{CHECK_DIGITS[self.check_digit].shortest}文字以上あります。"
                                           "max_length を大きくするか、消してください")

    def example_answer(self):
        return CHECK_DIGITS[self.check_digit].example if self.check_digit else super().example_answer()
