"""The operator's forms: a municipality (団体) and its first administrator account.

Plain ``wtforms.Form``: the app's CSRFProtect checks every POST, the templates add the token.
The field names are the keys of formsvc.tenants.service.problems (``contact_phone`` …), so the
service's messages land on the field they are about. Full-width digits and letters are accepted
(the service normalises them, NFKC).
"""

from __future__ import annotations

import secrets
import unicodedata

from wtforms import Form, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; its stubs are 3.2
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from formsvc.staff import passwords
from formsvc.staff.models import MAX_USERNAME_LENGTH
from formsvc.tenants import service
from formsvc.tenants.branding import COLOURS


def _stripped(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


class TenantForm(Form):
    name = StringField("団体名", filters=[_stripped],
                       validators=[DataRequired("団体名を入力してください"),
                                   Length(max=100, message="団体名は100文字以内で入力してください")])
    code = StringField("団体コード", filters=[_stripped],
                       validators=[DataRequired("団体コードを入力してください（例：142042）")])
    slug = StringField("識別名", filters=[_stripped],
                       validators=[DataRequired("識別名を入力してください（例：kamakura）")])
    host = StringField("ホスト名", filters=[_stripped], validators=[Optional()])
    address = StringField("所在地", filters=[_stripped],
                          validators=[Length(max=200, message="所在地は200文字以内で入力してください")])
    colour = RadioField("色", choices=[SelectChoice(name, label) for name, (_hex, label) in COLOURS.items()],
                        default="blue", validate_choice=False)
    contact_department = StringField("担当課", filters=[_stripped])
    contact_phone = StringField("電話番号", filters=[_stripped])
    contact_email = StringField("メールアドレス", filters=[_stripped])
    contact_hours = StringField("受付時間", filters=[_stripped])
    note = TextAreaField("メモ（運営者だけが見ます）",
                         validators=[Length(max=2000, message="メモは2000文字以内で入力してください")])

    def validate_colour(self, field: RadioField) -> None:
        if field.data not in COLOURS:
            raise ValidationError("色は一覧から選んでください")

    def tenant_input(self) -> service.TenantInput:
        contact = {key: getattr(self, f"contact_{key}").data or "" for key in service.CONTACT_KEYS}
        return service.TenantInput(
            slug=self.slug.data or "", name=self.name.data or "", code=self.code.data or "",
            address=self.address.data or "", host=self.host.data or "", colour=self.colour.data or "blue",
            contact={key: value for key, value in contact.items() if value}, note=self.note.data or "")

    def show_problems(self, found: dict[str, str]) -> None:
        """The service's messages ({field name: message}) on the fields they are about."""
        for key, message in found.items():
            field = getattr(self, key, None) or self.name
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]

    def fill_from(self, tenant) -> None:
        """The stored values, for the edit page (GET)."""
        self.name.data, self.code.data, self.slug.data = tenant.name or "", tenant.code or "", tenant.slug
        self.host.data, self.address.data, self.colour.data = tenant.host or "", tenant.address or "", tenant.colour
        for key in service.CONTACT_KEYS:
            getattr(self, f"contact_{key}").data = (tenant.contact or {}).get(key, "")
        self.note.data = tenant.note or ""


class DefaultTenantForm(TenantForm):
    """The deployment's own (default) tenant: its 団体コード may stay empty (an install made
    before tenants), and its slug is fixed."""

    code = StringField("団体コード", filters=[_stripped], validators=[Optional()])


class NewTenantForm(TenantForm):
    admin_username = StringField("管理者のユーザー名", filters=[_stripped],
                                 validators=[DataRequired("管理者のユーザー名を入力してください（例：kanri）"),
                                             Length(max=MAX_USERNAME_LENGTH,
                                                    message=f"ユーザー名は{MAX_USERNAME_LENGTH}文字以内で入力してください")])
    admin_display_name = StringField("管理者の氏名", filters=[_stripped],
                                     validators=[Length(max=100, message="氏名は100文字以内で入力してください")])
    # Empty: a password is made and shown once on the next page.
    admin_password = PasswordField("管理者の初期パスワード", validators=[Optional()])

    def validate_admin_username(self, field: StringField) -> None:
        if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in field.data or ""):
            raise ValidationError("ユーザー名に空白や制御文字は使えません")

    def validate_admin_password(self, field: PasswordField) -> None:
        problem = passwords.problem(field.data or "", self.admin_username.data or "")
        if problem:
            raise ValidationError(problem)


def generated_password() -> str:
    """A one-time password the operator hands over: 20 letters and digits, easy to read out."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(20))
        if passwords.problem(candidate) is None:
            return candidate


def error_summary(form: Form) -> list[tuple[str, str]]:
    """(message, input id) of each field's first error, in the order of the fields."""
    return [(field.errors[0], field.id) for field in form if field.errors]
