"""The counter reads cards only through formsvc.counter.card_reader: any reader the app registers
is offered, and nothing else (the mock's test cards are one such reader, in demo mode)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from formsvc.counter import card_reader
from formsvc.counter.card_reader import CardOnReader, CardRead
from tests.counter.support import counter_clerk, errors_on, location, post_form, text_of, visit_row

DETAILS = {"name": "試験 一郎", "birthdate": "1980-05-06", "gender": "male",
           "address": {"postal_code": "100-0001", "region": "東京都", "locality": "千代田区",
                       "street_address": "千代田1-1", "formatted": "東京都千代田区千代田1-1"}}


@dataclass
class OneCardReader:
    """A reader with one card on it, PIN 2468."""

    max_pin_attempts: int = 3
    failed: int = 0
    reads: list[str] = field(default_factory=list)

    def cards(self, today: date) -> list[CardOnReader]:
        return [CardOnReader(id="on-reader", name="試験 一郎", age=45, gender="male",
                             description="読み取り装置の上のカード", pin="2468", failed_attempts=self.failed,
                             locked=self.failed >= self.max_pin_attempts)]

    def read(self, card_id: str, pin: str, today: date) -> CardRead:
        self.reads.append(pin)
        if pin == "2468":
            return CardRead(ok=True, locked=False, attempts_left=self.max_pin_attempts, details=DETAILS)
        self.failed += 1
        return CardRead(ok=False, locked=self.failed >= self.max_pin_attempts,
                        attempts_left=self.max_pin_attempts - self.failed)

    def demo_cards_url(self) -> None:
        return None


def test_a_registered_reader_is_offered_and_read(app_without_card_reader):
    reader = OneCardReader()
    card_reader.register(app_without_card_reader, reader)
    clerk = counter_clerk(app_without_card_reader)
    home = clerk.get("/counter/")
    assert "マイナンバーカードを読み取る" in text_of(home.text)
    assert location(post_form(clerk, "/counter/", home.text, {"identification": "card"})) == "/counter/card"

    page = clerk.get("/counter/card")
    assert "試験 一郎" in text_of(page.text)
    assert "デモ環境" not in text_of(page.text) and "/mock-idp/" not in page.text  # not a demonstration
    wrong = post_form(clerk, "/counter/card", page.text, {"card": "on-reader", "pin": "１３５７"})
    assert errors_on(wrong.text) == [
        "暗証番号が違います。あと2回間違えると、このカードの券面事項入力補助の機能がロックされます。"]
    assert "暗証番号の誤入力1回（あと2回）" in text_of(wrong.text)

    read = post_form(clerk, "/counter/card", page.text, {"card": "on-reader", "pin": "2468"})
    visit = visit_row(app_without_card_reader, int(location(read).split("/")[3]))
    assert reader.reads == ["1357", "2468"]  # typed in full-width, read as digits
    assert visit.identification == "card"
    assert visit.shared["name"] == {"family": "試験", "given": "一郎"} and visit.shared["birthdate"] == "1980-05-06"
    assert "name" in visit.shared["verified"]


def test_a_locked_card_is_not_read(app_without_card_reader):
    reader = OneCardReader(failed=3)
    card_reader.register(app_without_card_reader, reader)
    clerk = counter_clerk(app_without_card_reader)
    page = clerk.get("/counter/card")
    refused = post_form(clerk, "/counter/card", page.text, {"card": "on-reader", "pin": "2468"})
    assert refused.status_code == 400 and "ロックされました" in errors_on(refused.text)[0]
    assert reader.reads == []
