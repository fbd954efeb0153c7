"""The staff sign-in form. CSRF is checked for every POST by the app's CSRFProtect, so this is
a plain ``wtforms.Form``; the template adds the token."""

from __future__ import annotations

from wtforms import Form, PasswordField, StringField, ValidationError

from formsvc.i18n import t


def _stripped(value: str | None) -> str:
    return (value or "").strip()


class LoginForm(Form):
    username = StringField(filters=[_stripped])
    password = PasswordField()

    # Messages in the page's language, so written when checked, not when the class is defined.
    def validate_username(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError(t("ユーザー名を入力してください", "Enter your user name"))

    def validate_password(self, field: PasswordField) -> None:
        if not field.data:
            raise ValidationError(t("パスワードを入力してください", "Enter your password"))

    def error_summary(self) -> list[tuple[str, str]]:
        """(message, input id) of each field's error, in the order of the fields."""
        return [(field.errors[0], field.id) for field in self if field.errors]
