"""The test cards as the mock's pages show them: age, the sign-in PIN's state, and why a card
cannot be used at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from formsvc.i18n import t
from formsvc.mock_idp import pins
from formsvc.mock_idp.cards import EXPIRED, REVOKED, TEST_CARDS, MockCard, age_on, today_in_japan


@dataclass(frozen=True)
class CardView:
    """A test card as the card step and the cards' page show it (sign-in PIN state)."""

    card: MockCard
    age: int
    failed_attempts: int

    @property
    def locked(self) -> bool:
        return self.failed_attempts >= pins.MAX_ATTEMPTS

    @property
    def status_text(self) -> str:
        if self.card.status == EXPIRED:
            return t("有効期限切れ", "Expired")
        if self.card.status == REVOKED:
            return t("失効", "Revoked")
        if self.locked:
            return t("ロック中", "Locked")
        if self.failed_attempts:
            return t(f"暗証番号の誤入力{self.failed_attempts}回", f"{self.failed_attempts} wrong PIN(s)")
        return t("有効", "Valid")


def card_views() -> list[CardView]:
    today = today_in_japan()
    failures = pins.failed_attempts(pins.SIGN_IN)
    return [CardView(card, age_on(card.birthdate(today), today), failures.get(card.id, 0)) for card in TEST_CARDS]


def _date_ja(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def refusal_message(view: CardView) -> str | None:
    """Why a card cannot be used at all (whatever PIN is entered)."""
    expired_on = view.card.certificate_expired_on()
    if expired_on is not None:
        return t(f"このカードの利用者証明用電子証明書は有効期限が切れています（{_date_ja(expired_on)}まで）。"
                 "お住まいの市区町村の窓口で更新の手続きをしてください。",
                 f"This card's authentication certificate expired on {expired_on.isoformat()}. "
                 "Renew it at your municipal office.")
    if view.card.status == REVOKED:
        return t("このカードの利用者証明用電子証明書は失効しています（紛失の届出があったため）。"
                 "このカードでは本人確認ができません。",
                 "This card's authentication certificate has been revoked (the card was reported lost). "
                 "It cannot be used.")
    if view.locked:
        return t("このカードは暗証番号を3回続けて間違えたため、ロックされています。"
                 "ロックの解除は市区町村の窓口で行います（このデモでは「テスト用カードをすべて元に戻す」で解除できます）。",
                 "This card is locked after 3 wrong PINs. Unlocking is done at the municipal office "
                 "(in this demo, use \"Reset all test cards\").")
    return None
