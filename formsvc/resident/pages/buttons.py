"""What the application pages' buttons send, read through WTForms like every other input.

Plain ``wtforms.Form``s: the CSRF token is checked for the whole request, by CSRFProtect or by
the page itself (formsvc.errors.csrf_refused), not per form; the templates add it.
"""

from __future__ import annotations

from wtforms import Form, StringField

from formsvc.resident.address_lookup import requested_lookup
from formsvc.resident.bank_lookup import BankLookupRequest, requested_bank_lookup

REMOVE_FILE_ACTION = "remove-file:"


class QuestionButtons(Form):
    """A page of questions: 次へ進む (保存する on an item), and among the questions 削除 beside
    an attached file ("remove-file:<field id>:<upload token>") and 住所を検索 ("lookup:<field id>").
    Enter in a text box sends the first button, a hidden 次へ進む."""

    action = StringField(default="continue")

    def removed_file(self) -> tuple[str, str] | None:
        """(field id, upload token) of the file whose 削除 was pressed, else None."""
        action = self.action.data or ""
        if not action.startswith(REMOVE_FILE_ACTION):
            return None
        parts = action.split(":", 2)
        return (parts[1], parts[2]) if len(parts) == 3 else ("", "")

    def looked_up_postal_code(self) -> str | None:
        """The id of the postal-code question whose 住所を検索 was pressed, else None."""
        return requested_lookup(self.action.data or "")

    def bank_lookup(self) -> BankLookupRequest | None:
        """金融機関を検索 / 支店を検索 or a match chosen ("bank-search:<field id>"…), else None."""
        return requested_bank_lookup(self.action.data or "")


class RepeatSummaryButtons(Form):
    """The list of a repeating page's items: 〜を追加する ("add") or 次へ進む ("continue")."""

    action = StringField()

    def adds_an_item(self) -> bool:
        return self.action.data == "add"


class RemovalConfirmation(Form):
    """削除しますか: はい ("yes") or いいえ ("no")."""

    confirm = StringField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"
