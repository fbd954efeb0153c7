"""振込口座: the account an allowance or refund is paid into, asked as one question in parts.

The parts are what a bank transfer (全銀) needs: 金融機関コード (4 digits), 支店コード (3 digits),
預金種目, 口座番号 (up to 7 digits, stored zero-padded to 7, as on a bank book) and 口座名義
in full-width katakana. Digits may be typed full-width and with spaces or hyphens; the name may be
typed in hiragana or half-width katakana (a bank's cash-card printout), and is stored as the
project's other フリガナ are (formsvc.japanese.kana).

The bank and branch codes must exist (formsvc.japanese.banks, zengin-code's data): a resident who
does not know them searches by name with 金融機関を検索 / 支店を検索 (formsvc.resident.bank_lookup),
and the names are shown beside the codes and in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from formsvc.fields.base import CompositeSpec, FieldContext, register
from formsvc.fields.composite import CompositeInputField, PartError, stripped
from formsvc.japanese import banks
from formsvc.japanese.kana import is_katakana, to_katakana
from formsvc.japanese.width import digits_only

PARTS = ("bank", "branch", "kind", "number", "holder")
PART_LABELS = {
    "bank": ("金融機関コード", "Bank code"),
    "branch": ("支店コード", "Branch code"),
    "kind": ("預金種目", "Account type"),
    "number": ("口座番号", "Account number"),
    "holder": ("口座名義（カナ）", "Account holder name in katakana"),
}
# 預金種目: the stored value and its words.
KINDS = {"ordinary": ("普通", "Ordinary"), "current": ("当座", "Current"), "savings": ("貯蓄", "Savings")}
CODE_DIGITS = {"bank": 4, "branch": 3}
NUMBER_DIGITS = 7
# A transfer carries at most 30 characters of the holder's name.
HOLDER_MAX_LENGTH = 30


class BankAccountInputField(CompositeInputField):
    parts = PARTS
    # The matches of a 金融機関を検索 / 支店を検索 to show (formsvc.resident.bank_lookup), set by
    # the page that did the search.
    bank_lookup: object = None


@register
class BankAccountField(CompositeSpec):
    type: Literal["bank_account"] = "bank_account"

    type_label = ("振込口座", "Bank account")
    menu_position = 145

    def bank_name(self, typed: str) -> str:
        """The name of the bank whose code is ``typed`` (as typed), else ""."""
        code = typed_code(typed, CODE_DIGITS["bank"])
        found = banks.bank(code) if code else None
        return found.display_name if found is not None else ""

    def branch_name(self, typed_bank: str, typed: str) -> str:
        bank_code = typed_code(typed_bank, CODE_DIGITS["bank"])
        code = typed_code(typed, CODE_DIGITS["branch"])
        found = banks.branch(bank_code, code) if bank_code and code else None
        return found.display_name if found is not None else ""

    def part_labels(self, ctx: FieldContext) -> dict[str, str]:
        return {part: ctx.t(ja, en) for part, (ja, en) in PART_LABELS.items()}

    def kind_choices(self, ctx: FieldContext) -> list[tuple[str, str]]:
        """(value, words) of each 預金種目, for the radio buttons."""
        return [(value, ctx.t(ja, en)) for value, (ja, en) in KINDS.items()]

    def form_field(self, ctx):
        return BankAccountInputField(
            self.label_text(ctx), validators=self.field_validators(ctx),
            combine=lambda raw: self.combine(raw, ctx), split=dict,
        )

    def automatic_hint(self, ctx):
        return ctx.t("通帳やキャッシュカードに記載されているとおりに入力してください",
                     "Enter the details as shown on your bank book or cash card")

    def combine(self, raw, ctx: FieldContext) -> dict | None:
        """The answer from the typed parts (None when all are empty), or a PartError about the
        first part, in the order they are asked, that the resident must fix."""
        parts = stripped(raw)
        if not any(parts.values()):
            return None
        labels = self.part_labels(ctx)
        answer = {}
        for part in PARTS:
            label, text = labels[part], parts[part]
            if not text:
                raise PartError(ctx.t(f"{label}を選択してください", f"Select the {label.lower()}") if part == "kind"
                                else ctx.t(f"{label}を入力してください", f"Enter the {label.lower()}"), part)
            answer[part] = READERS[part](text, label, ctx)
            if part == "bank" and banks.bank(answer["bank"]) is None:
                raise PartError(ctx.t(f"{label} {answer['bank']} の金融機関はありません。"
                                      "コードを確かめるか、金融機関を検索して選んでください",
                                      f"There is no bank with the code {answer['bank']}. "
                                      "Check it, or search for the bank and choose it"), part)
            if part == "branch" and banks.branch(answer["bank"], answer["branch"]) is None:
                name = banks.bank(answer["bank"]).display_name  # type: ignore[union-attr]  # checked above
                raise PartError(ctx.t(f"{name}に{label} {answer['branch']} の支店はありません。"
                                      "コードを確かめるか、支店を検索して選んでください",
                                      f"{name} has no branch with the code {answer['branch']}. "
                                      "Check it, or search for the branch and choose it"), part)
        return answer

    def display(self, value, locale="ja"):
        if not value:
            return ""
        ctx = FieldContext(locale=locale)
        labels = self.part_labels(ctx)
        kind = ctx.t(*KINDS[value["kind"]]) if value.get("kind") in KINDS else value.get("kind", "")
        # The names beside the codes, when the codes are known (a stored answer may predate a
        # bank's merger: then only the code is shown).
        bank_name = self.bank_name(value.get("bank", ""))
        branch_name = self.branch_name(value.get("bank", ""), value.get("branch", ""))
        bank = (ctx.t(f"{value['bank']}（{bank_name}）", f"{value['bank']} ({bank_name})")
                if bank_name else value["bank"])
        branch = (ctx.t(f"{value['branch']}（{branch_name}）", f"{value['branch']} ({branch_name})")
                  if branch_name else value["branch"])
        return ctx.t(
            f"{labels['bank']} {bank}・{labels['branch']} {branch}・"
            f"{kind} {value['number']}・{value['holder']}",
            f"{labels['bank']} {bank}, {labels['branch'].lower()} {branch}, "
            f"{kind} {value['number']}, {value['holder']}",
        )

    def csv_columns(self):
        return [(f"_{part}", f"{self.label.ja}（{PART_LABELS[part][0]}）") for part in PARTS]

    def csv_values(self, value):
        value = value or {}
        kind = value.get("kind", "")
        return [value.get("bank", ""), value.get("branch", ""), KINDS[kind][0] if kind in KINDS else kind,
                value.get("number", ""), value.get("holder", "")]

    def example_answer(self):
        return {"bank": "0001", "branch": "001", "kind": "ordinary", "number": "1234567",
                "holder": "ヤマダ\u3000タロウ"}


def typed_code(text: str, length: int) -> str:
    """A code as typed (full-width, with spaces), as ASCII digits; "" when it is not ``length``
    digits. Used to show names beside what is typed, before the answer is checked."""
    if len(text) > 4 * length:
        return ""
    digits = digits_only(text.strip())
    return digits if len(digits) == length and re.fullmatch(r"[0-9]+", digits) else ""


def _digits(text: str, label: str, part: str, ctx: FieldContext) -> str:
    """Digits typed full-width or with spaces and hyphens, as ASCII digits; anything else (a
    letter, a digit of another script) is refused."""
    digits = digits_only(text)
    if not re.fullmatch(r"[0-9]+", digits):
        raise PartError(ctx.t(f"{label}は数字で入力してください", f"The {label.lower()} must contain only digits"),
                        part)
    return digits


def _code(part: str) -> Callable[[str, str, FieldContext], str]:
    length = CODE_DIGITS[part]

    def read(text: str, label: str, ctx: FieldContext) -> str:
        digits = _digits(text, label, part, ctx)
        if len(digits) != length:
            raise PartError(ctx.t(f"{label}は{length}桁の数字で入力してください",
                                  f"The {label.lower()} must be {length} digits"), part)
        return digits

    return read


def _kind(value: str, label: str, ctx: FieldContext) -> str:
    if value not in KINDS:
        raise PartError(ctx.t(f"{label}は表示された選択肢から選んでください",
                              f"Select the {label.lower()} from the choices shown"), "kind")
    return value


def _account_number(text: str, label: str, ctx: FieldContext) -> str:
    digits = _digits(text, label, "number", ctx)
    if len(digits) > NUMBER_DIGITS:
        raise PartError(ctx.t(f"{label}は{NUMBER_DIGITS}桁以内の数字で入力してください",
                              f"The {label.lower()} must be {NUMBER_DIGITS} digits or fewer"), "number")
    return digits.zfill(NUMBER_DIGITS)


def _holder(text: str, label: str, ctx: FieldContext) -> str:
    too_long = PartError(ctx.t(f"{label}は{HOLDER_MAX_LENGTH}文字以内で入力してください",
                               f"The {label.lower()} must be {HOLDER_MAX_LENGTH} characters or fewer"), "holder")
    # Half-width kana may take two characters for one (ｶﾞ); a longer text is refused unread.
    if len(text) > 2 * HOLDER_MAX_LENGTH:
        raise too_long
    kana = to_katakana(text)
    if not is_katakana(kana):
        raise PartError(ctx.t(f"{label}はカタカナで入力してください",
                              f"The {label.lower()} must contain only katakana"), "holder")
    if len(kana) > HOLDER_MAX_LENGTH:
        raise too_long
    return kana


# How each part is read: (text, label, ctx) -> the stored text, or a PartError.
READERS: dict[str, Callable[[str, str, FieldContext], str]] = {
    "bank": _code("bank"), "branch": _code("branch"), "kind": _kind, "number": _account_number, "holder": _holder,
}
