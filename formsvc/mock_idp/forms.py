"""What the mock's pages send, read through WTForms. Plain ``wtforms.Form``s: CSRF is checked
for every POST by the app's CSRFProtect; the templates add the token."""

from __future__ import annotations

from wtforms import Form, StringField
from wtforms.validators import ValidationError

from formsvc.counter.card_reader import is_pin, typed_pin
from formsvc.i18n import t
from formsvc.mock_idp.card_states import CardView, refusal_message
from formsvc.mock_idp.cards import TEST_CARDS

AUTHENTICATE, CANCEL = "authenticate", "cancel"


class CardStepForm(Form):
    """The card step: 認証する ("authenticate") with a test card and its PIN, or キャンセル ("cancel")."""

    action = StringField()
    card = StringField()
    pin = StringField(filters=[typed_pin])

    def __init__(self, formdata=None, *, cards: list[CardView]):
        self.cards = cards
        super().__init__(formdata)

    @property
    def chosen(self) -> CardView | None:
        return next((view for view in self.cards if view.card.id == self.card.data), None)

    def validate_card(self, field) -> None:
        if self.chosen is None:
            raise ValidationError(t("使用するテスト用カードを選んでください", "Choose a test card"))
        refusal = refusal_message(self.chosen)
        if refusal:
            raise ValidationError(refusal)

    def validate_pin(self, field) -> None:
        if self.chosen is not None and self.card.errors:
            return  # a card refused whatever the PIN: none is asked
        if not field.data:
            raise ValidationError(t("暗証番号を入力してください", "Enter the PIN"))
        if not is_pin(field.data):
            raise ValidationError(t("暗証番号は数字4桁で入力してください", "The PIN is 4 digits"))

    def summary(self) -> list[tuple[str, str]]:
        """(message, id of the element to fix): the card's error points to the chosen card, else the first."""
        targets = {"card": f"card-{self.chosen.card.id if self.chosen else TEST_CARDS[0].id}", "pin": "pin"}
        return [(field.errors[0], targets[field.name]) for field in (self.card, self.pin) if field.errors]


class ResetCardsForm(Form):
    """テスト用カードをすべて元に戻す, pressed on the cards' page or on a card step (``next``: its URL)."""

    next = StringField()
