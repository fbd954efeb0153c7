"""What the mock's pages send, read through WTForms. Plain ``wtforms.Form``s: CSRF is checked for
every POST by the app's CSRFProtect; the templates add the token."""

from __future__ import annotations

import re
from datetime import date

from wtforms import Form, StringField
from wtforms.validators import ValidationError

from formsvc.clock import today
from formsvc.mock_payments import cards

METHODS = {"card": "クレジットカード", "konbini": "コンビニ払い", "payeasy": "Pay-easy（ペイジー）"}


def _digits(value: str | None) -> str:
    """Spaces and hyphens as people type them in a card number are dropped; full-width digits
    become ASCII."""
    if value is None:
        return ""
    text = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return re.sub(r"[\s\-－ー]", "", text)[:40]


class MethodForm(Form):
    method = StringField()

    def validate_method(self, field) -> None:
        if field.data not in METHODS:
            raise ValidationError("お支払い方法を選んでください")

    def summary(self) -> list[tuple[str, str]]:
        return [(message, "method-card") for message in self.method.errors[:1]]


class CardForm(Form):
    number = StringField(filters=[_digits])
    expiry = StringField(filters=[lambda value: (value or "").strip()[:10]])
    cvc = StringField(filters=[_digits])
    name = StringField(filters=[lambda value: (value or "").strip()[:100]])

    def validate_number(self, field) -> None:
        if not field.data:
            raise ValidationError("カード番号を入力してください")
        if not field.data.isdigit() or not 14 <= len(field.data) <= 16 or not cards.luhn_valid(field.data):
            raise ValidationError("カード番号が正しくありません。数字14〜16桁で入力してください")
        if cards.outcome_of(field.data) is None:
            raise ValidationError("これはデモ用の決済画面です。下の表のテスト用カード番号を入力してください"
                                  "（実在のカードは使えません）")

    def validate_expiry(self, field) -> None:
        match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{2})", field.data or "")
        if not match:
            raise ValidationError("有効期限を「月/年」の形で入力してください（例：12/30）")
        month, year = int(match.group(1)), 2000 + int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError("有効期限の月は1から12で入力してください")
        current = today()
        if date(year, month, 1) < date(current.year, current.month, 1):
            raise ValidationError("有効期限が過ぎています")

    def validate_cvc(self, field) -> None:
        if not re.fullmatch(r"\d{3,4}", field.data or ""):
            raise ValidationError("セキュリティコードを数字3桁または4桁で入力してください")

    def validate_name(self, field) -> None:
        if not field.data:
            raise ValidationError("カード名義を入力してください")
        if not re.fullmatch(r"[A-Za-z][A-Za-z .'\-]*", field.data):
            raise ValidationError("カード名義はローマ字で入力してください（例：TARO YAMADA）")

    def summary(self) -> list[tuple[str, str]]:
        return [(field.errors[0], field.id) for field in (self.number, self.expiry, self.cvc, self.name)
                if field.errors]


class ChallengeForm(Form):
    code = StringField(filters=[_digits])

    def validate_code(self, field) -> None:
        if not field.data:
            raise ValidationError("ワンタイムパスワードを入力してください")

    def summary(self) -> list[tuple[str, str]]:
        return [(message, "code") for message in self.code.errors[:1]]


class DownForm(Form):
    down = StringField()
