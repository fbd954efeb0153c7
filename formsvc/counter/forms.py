"""What the counter's pages send, read through WTForms like every other input.

Plain ``wtforms.Form``s: CSRF is checked for every POST by the app's CSRFProtect, not per form;
the templates add the token. The questions of the resident's details are the field types' own
form (formsvc.resident.forms.build_form); ``DetailsButtons`` reads the buttons beside them.
"""

from __future__ import annotations

import unicodedata

from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # types-WTForms 3.2 lags WTForms 3.3
from wtforms.validators import ValidationError

from formsvc.counter.card_reader import CardOnReader, is_pin, typed_pin
from formsvc.counter.fees import METHODS
from formsvc.resident.address_lookup import requested_lookup
from formsvc.submissions import identification as ident

CARD_LOCKED_MESSAGE = ("暗証番号の入力を3回間違えたため、このカードの券面事項入力補助の機能はロックされました。"
                       "市区町村の窓口でロック解除の手続きをしてください。")
CONFIRM_MESSAGE = "申請者が確認書に署名したこと、本人確認をしたことを確かめて、チェックを入れてください"


def _one_line(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _stripped(text: str | None) -> str:
    return (text or "").strip()


def _chosen(text: str | None) -> str | None:
    return text or None


def error_summary(form: Form, targets: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(message, id of the element to fix) of each field's first error, in the order of the fields;
    ``targets`` names the element where it is not the field's own id."""
    return [(field.errors[0], (targets or {}).get(field.name, field.id)) for field in form if field.errors]


class IdentificationForm(Form):
    """How the resident is identified: the card, an identity document (which one), or none.
    Sent to the counter's first page, and carried in the query of the details page after it."""

    identification = StringField(filters=[_chosen])
    # The chosen document (or その他).
    document = SelectField(choices=[SelectChoice(name) for name in (*ident.DOCUMENT_CHOICES, ident.OTHER_DOCUMENT)],
                           validate_choice=False, filters=[_stripped])
    other = StringField(filters=[_one_line])  # the document's name when その他

    def __init__(self, formdata=None, *, card_reader: bool):
        self.card_reader = card_reader
        super().__init__(formdata)

    @property
    def method(self) -> str | None:
        return self.identification.data

    @property
    def documents(self) -> str | None:
        """The documents as recorded on the visit (None unless identified by documents)."""
        if self.method != ident.DOCUMENTS:
            return None
        return self.other.data if self.document.data == ident.OTHER_DOCUMENT else self.document.data

    def query(self) -> dict[str, str]:
        """The choice as the details page's query (and hidden inputs)."""
        values = {"identification": self.method or "", "document": self.document.data, "other": self.other.data}
        return {key: value for key, value in values.items() if value}

    def error_target(self) -> str:
        """Where the error about the method points: the first radio button shown."""
        return "identification-card" if self.card_reader else "identification-documents"

    def validate_identification(self, field) -> None:
        if field.data not in ident.CHOICES or (field.data == ident.CARD and not self.card_reader):
            field.data = None
            raise ValidationError("本人確認の方法を選んでください")

    def validate_document(self, field) -> None:
        if self.method == ident.DOCUMENTS and field.data not in (*ident.DOCUMENT_CHOICES, ident.OTHER_DOCUMENT):
            field.data = ""
            raise ValidationError("確認した本人確認書類を選んでください")

    def validate_other(self, field) -> None:
        if self.method != ident.DOCUMENTS or self.document.data != ident.OTHER_DOCUMENT:
            return
        if not field.data:
            raise ValidationError("確認した書類の名前を入力してください")
        if len(field.data) > ident.MAX_DOCUMENTS_LENGTH:
            raise ValidationError(f"書類の名前は{ident.MAX_DOCUMENTS_LENGTH}文字以内で入力してください")

    def summary(self) -> list[tuple[str, str]]:
        return error_summary(self, {"identification": self.error_target()})


class CardForm(Form):
    """The card to read (one of the reader's) and its 券面事項入力補助 PIN."""

    card = StringField()
    pin = StringField(filters=[typed_pin])

    def __init__(self, formdata, *, cards: list[CardOnReader]):
        self.cards = cards
        super().__init__(formdata)

    @property
    def chosen(self) -> CardOnReader | None:
        return next((card for card in self.cards if card.id == self.card.data), None)

    def validate_card(self, field) -> None:
        if self.chosen is None:
            raise ValidationError("読み取るカードを選んでください")
        if self.chosen.locked:
            raise ValidationError(CARD_LOCKED_MESSAGE)

    def validate_pin(self, field) -> None:
        if self.card.errors:
            return  # no PIN is asked of a card that cannot be read
        if not field.data:
            raise ValidationError("券面事項入力補助用の暗証番号（数字4桁）を入力してください")
        if not is_pin(field.data):
            raise ValidationError("暗証番号は数字4桁で入力してください")

    def summary(self) -> list[tuple[str, str]]:
        """The card's error points to the chosen card, else to the first one that can be read."""
        first = next((card.id for card in self.cards if not card.locked), self.cards[0].id if self.cards else "")
        return error_summary(self, {"card": f"card-{self.chosen.id if self.chosen else first}"})


class DetailsButtons(Form):
    """The resident's details: 保存 ("save"; Enter in a text box sends a hidden one) or 住所を検索
    ("lookup:<id of the postal-code question>")."""

    action = StringField(default="save")

    def looked_up_postal_code(self) -> str | None:
        """The id of the postal-code question whose 住所を検索 was pressed, else None."""
        return requested_lookup(self.action.data or "")


class ProcedureChoice(Form):
    """The procedure to start (the id of a published form)."""

    form_id = StringField()


class CounterPaymentForm(Form):
    """収納: how the fee was paid (現金 or キャッシュレス決済)."""

    method = StringField(filters=[_stripped])

    def validate_method(self, field) -> None:
        if field.data not in METHODS:
            raise ValidationError("収納の方法（現金またはキャッシュレス決済）を選んでください")


class SignatureConfirmation(Form):
    """The tick that the resident signed the printout and was identified."""

    confirm = StringField()

    def validate_confirm(self, field) -> None:
        if field.data != "yes":
            raise ValidationError(CONFIRM_MESSAGE)
