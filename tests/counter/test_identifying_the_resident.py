"""The first step at the counter: how the resident is identified, the card and its PIN, typed details."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from formsvc.counter.forms import CARD_LOCKED_MESSAGE
from formsvc.db import database
from formsvc.mock_idp.models import MockIdpCardState
from formsvc.submissions.models import CounterVisit
from tests.counter.support import (
    counter_clerk,
    errors_on,
    form_index,
    form_values,
    location,
    open_visit_by_typing,
    open_visit_with_card,
    post_form,
    text_of,
    visit_row,
)

SUZUKI = {
    "name": {"family": "鈴木", "given": "美咲"},
    "name_kana": {"family": "スズキ", "given": "ミサキ"},
    "birthdate": {"year": "平成4", "month": "8", "day": "3"},
    "gender": "female",
    "postal_code": "160-0023",
    "address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿", "block": "2-8-1", "building": ""},
    "phone": "080-9876-5432",
}


def typed_inputs(details: dict) -> dict:
    inputs = {}
    for meaning, value in details.items():
        if isinstance(value, dict):
            inputs.update({f"{meaning}-{part}": text for part, text in value.items()})
        else:
            inputs[meaning] = value
    return inputs


def visits(app) -> int:
    with app.app_context(), database().transaction() as session:
        return session.scalar(select(func.count()).select_from(CounterVisit))


def card_state(app, card_id: str) -> MockIdpCardState | None:
    with app.app_context(), database().transaction() as session:
        state = session.get(MockIdpCardState, card_id)
        if state is not None:
            session.expunge(state)
        return state


# --- choosing how ---------------------------------------------------------------------------

def test_the_counter_offers_three_ways_to_identify_the_resident(app):
    clerk = counter_clerk(app)
    page = clerk.get("/counter/")
    assert page.status_code == 200
    text = text_of(page.text)
    for way in ("マイナンバーカードを読み取る", "本人確認書類で確認して入力する", "確認なしで入力する"):
        assert way in text
    assert "運転免許証" in text and "パスポート" in text
    assert 'legend class="label">申請者の本人確認' in page.text


def test_without_a_card_reader_the_counter_explains_and_offers_typing(app_without_card_reader):
    clerk = counter_clerk(app_without_card_reader)
    page = clerk.get("/counter/")
    text = text_of(page.text)
    assert "マイナンバーカードを読み取る" not in text
    assert "カードの読み取り装置が設定されていません" in text
    assert "本人確認書類で確認して入力する" in text
    assert clerk.get("/counter/card").status_code == 404
    refused = post_form(clerk, "/counter/", page.text, {"identification": "card"})
    assert refused.status_code == 400 and errors_on(refused.text) == ["本人確認の方法を選んでください"]


def test_a_way_must_be_chosen_and_the_documents_named(app):
    clerk = counter_clerk(app)
    home = clerk.get("/counter/")

    nothing = post_form(clerk, "/counter/", home.text)
    assert nothing.status_code == 400
    assert errors_on(nothing.text) == ["本人確認の方法を選んでください"]
    assert "＊本人確認の方法を選んでください" in text_of(nothing.text)
    assert 'href="#identification-card"' in nothing.text

    no_document = post_form(clerk, "/counter/", home.text, {"identification": "documents"})
    assert errors_on(no_document.text) == ["確認した本人確認書類を選んでください"]
    assert 'aria-describedby="document-hint document-error"' in no_document.text

    unnamed = post_form(clerk, "/counter/", home.text, {"identification": "documents", "document": "その他"})
    assert errors_on(unnamed.text) == ["確認した書類の名前を入力してください"]

    named = post_form(clerk, "/counter/", home.text,
                      {"identification": "documents", "document": "その他", "other": "社員証と保険証"})
    assert named.status_code == 302 and "/counter/resident?" in named.location
    assert visits(app) == 0  # nothing is stored before the resident's details are


# --- the card ---------------------------------------------------------------------------------

def test_reading_a_card_fills_the_four_basic_facts_and_never_the_individual_number(app):
    clerk = counter_clerk(app)
    card_page = clerk.get("/counter/card")
    assert "山田 太郎" in text_of(card_page.text) and "40代の男性（標準的なテスト用）" in text_of(card_page.text)
    assert 'type="password" id="pin"' in card_page.text

    read = post_form(clerk, "/counter/card", card_page.text, {"card": "sato-hanako", "pin": "1234"})

    details_path = location(read)
    details = clerk.get(details_path)
    text = text_of(details.text)
    assert "カードを読み取りました" in text
    for shown in ("佐藤 花子", "東京都港区芝公園4-2-8 タワーマンション1205号", "女性", "〒105-0011"):
        assert shown in text
    assert text.count("マイナンバーカードから読取") == 5  # 氏名・生年月日・性別・郵便番号・住所
    # The card's facts are shown, not asked again; フリガナ and the contact details are asked.
    names = [name for name, _ in form_values(details.text)]
    assert "name-family" not in names and "address-city" not in names
    assert {"name_kana-family", "name_kana-given", "phone", "email"} <= set(names)
    visit = visit_row(app, int(details_path.split("/")[3]))
    assert visit.identification == "card" and visit.identity_documents is None
    assert set(visit.shared) <= {"name", "birthdate", "gender", "postal_code", "address", "verified"}
    assert "個人番号" not in str(visit.shared) and "my_number" not in str(visit.shared)


def test_three_wrong_pins_lock_the_cards_reading_and_say_how_many_tries_are_left(app):
    clerk = counter_clerk(app)

    def try_pin(pin: str, card: str = "yamada-taro"):
        page = clerk.get("/counter/card")
        return post_form(clerk, "/counter/card", page.text, {"card": card, "pin": pin})

    first = try_pin("9999")
    assert first.status_code == 400
    assert errors_on(first.text) == [
        "暗証番号が違います。あと2回間違えると、このカードの券面事項入力補助の機能がロックされます。"]
    assert 'aria-describedby="pin-hint pin-error"' in first.text
    second = try_pin("0000")
    assert "あと1回間違えると" in errors_on(second.text)[0]
    third = try_pin("1111")
    assert errors_on(third.text) == [CARD_LOCKED_MESSAGE]
    assert CARD_LOCKED_MESSAGE == (
        "暗証番号の入力を3回間違えたため、このカードの券面事項入力補助の機能はロックされました。"
        "市区町村の窓口でロック解除の手続きをしてください。")

    # Locked: the right PIN no longer reads it, and the card cannot be chosen.
    right = try_pin("1234")
    assert errors_on(right.text) == [CARD_LOCKED_MESSAGE]
    card_input = BeautifulSoup(clerk.get("/counter/card").text, "html.parser").find(id="card-yamada-taro")
    assert card_input.has_attr("disabled")
    assert visits(app) == 0
    # Counted apart from the sign-in PIN of the mock identity provider.
    state = card_state(app, "yamada-taro")
    assert state.failed_assist_pin_attempts == 3 and state.failed_pin_attempts == 0
    # Another card is not affected.
    assert location(try_pin("1234", card="suzuki-shota")).startswith("/counter/visits/")


def test_a_right_pin_clears_the_wrong_ones(app):
    clerk = counter_clerk(app)
    page = clerk.get("/counter/card")
    post_form(clerk, "/counter/card", page.text, {"card": "yamada-taro", "pin": "9999"})
    assert card_state(app, "yamada-taro").failed_assist_pin_attempts == 1
    page = clerk.get("/counter/card")
    assert "暗証番号の誤入力1回（あと2回）" in text_of(page.text)
    location(post_form(clerk, "/counter/card", page.text, {"card": "yamada-taro", "pin": "１２３４"}))
    assert card_state(app, "yamada-taro").failed_assist_pin_attempts == 0


def test_the_pin_must_be_four_digits_and_a_card_chosen(app):
    clerk = counter_clerk(app)
    page = clerk.get("/counter/card")
    assert errors_on(post_form(clerk, "/counter/card", page.text, {"pin": "1234"}).text) == [
        "読み取るカードを選んでください"]
    assert errors_on(post_form(clerk, "/counter/card", page.text, {"card": "yamada-taro"}).text) == [
        "券面事項入力補助用の暗証番号（数字4桁）を入力してください"]
    assert errors_on(post_form(clerk, "/counter/card", page.text, {"card": "yamada-taro", "pin": "12a4"}).text) == [
        "暗証番号は数字4桁で入力してください"]
    assert card_state(app, "yamada-taro") is None  # none of these counted as a wrong PIN


def test_an_expired_or_revoked_certificate_does_not_stop_reading_the_printed_details(app):
    clerk = counter_clerk(app)
    for card in ("tanaka-ichiro", "ito-misaki"):
        page = clerk.get("/counter/card")
        assert location(post_form(clerk, "/counter/card", page.text, {"card": card, "pin": "1234"})) \
            .startswith("/counter/visits/")


# --- typed details ----------------------------------------------------------------------------

def test_typed_details_are_checked_and_normalised_like_the_residents_pages(app):
    clerk = counter_clerk(app)
    home = clerk.get("/counter/")
    path = location(post_form(clerk, "/counter/", home.text, {"identification": "documents",
                                                               "document": "運転免許証"}))
    page = clerk.get(path)
    assert "本人確認書類（運転免許証）" in text_of(page.text)

    empty = post_form(clerk, path, page.text, {"action": "save"})
    assert empty.status_code == 400
    assert errors_on(empty.text) == [
        "氏名を入力してください", "フリガナを入力してください", "生年月日を入力してください", "性別を選択してください",
        "郵便番号を入力してください", "住所を入力してください", "電話番号を入力してください"]
    assert "＊氏名を入力してください" in text_of(empty.text)

    typed = typed_inputs({**SUZUKI, "name_kana": {"family": "すずき", "given": "みさき"},
                          "phone": "０８０－９８７６－５４３２"})
    saved = post_form(clerk, path, page.text, {**typed, "action": "save"})

    visit_id = int(location(saved).split("/")[3])
    visit = visit_row(app, visit_id)
    assert visit.identification == "documents" and visit.identity_documents == "運転免許証"
    assert visit.shared["name_kana"] == {"family": "スズキ", "given": "ミサキ"}
    assert visit.shared["phone"] == "08098765432"
    assert visit.shared["birthdate"] == "1992-08-03"
    assert visit.shared["postal_code"] == "1600023"
    assert visit.shared["verified"] == []
    shown = text_of(clerk.get(f"/counter/visits/{visit_id}").text)
    assert "鈴木 美咲" in shown and "080-9876-5432" in shown and "本人確認書類（運転免許証）" in shown
    assert "マイナンバーカードから読取" not in shown


def test_the_postal_code_fills_the_address_without_javascript(app):
    clerk = counter_clerk(app)
    home = clerk.get("/counter/")
    path = location(post_form(clerk, "/counter/", home.text, {"identification": "none"}))
    page = clerk.get(path)
    looked_up = post_form(clerk, path, page.text, {"postal_code": "1600023", "action": "lookup:postal_code"})
    assert looked_up.status_code == 200
    assert "住所を入力しました（東京都新宿区西新宿）" in text_of(looked_up.text)
    assert dict(form_values(looked_up.text))["address-city"] == "新宿区"
    assert visits(app) == 0


def test_typed_details_can_be_changed_and_card_details_cannot(app):
    clerk = counter_clerk(app)
    visit_id = open_visit_with_card(clerk, phone="090-1111-2222")
    path = f"/counter/visits/{visit_id}/resident"
    page = clerk.get(path)
    changed = post_form(clerk, path, page.text, {"phone": "03-1234-5678", "email": "taro@example.jp",
                                                 "name-family": "偽名", "action": "save"})
    assert location(changed) == f"/counter/visits/{visit_id}"
    shared = visit_row(app, visit_id).shared
    assert shared["phone"] == "0312345678" and shared["email"] == "taro@example.jp"
    assert shared["name"] == {"family": "山田", "given": "太郎"}
    assert "name" in shared["verified"]


def test_a_closed_visit_is_read_only(app):
    clerk = counter_clerk(app)
    visit_id = open_visit_by_typing(clerk, {**SUZUKI, "birthdate": date(1992, 8, 3)})
    visit = clerk.get(f"/counter/visits/{visit_id}")
    closed = post_form(clerk, f"/counter/visits/{visit_id}/close", visit.text, index=form_index(visit.text, "/close"))
    assert location(closed) == "/counter/"
    assert "来庁対応を終了しました" in text_of(clerk.get("/counter/").text)

    page = clerk.get(f"/counter/visits/{visit_id}")
    text = text_of(page.text)
    assert "この来庁対応は終了しました" in text
    assert "手続きを選ぶ" not in text and "申請者の情報を確認・変更する" not in text
    assert location(clerk.get(f"/counter/visits/{visit_id}/resident")) == f"/counter/visits/{visit_id}"
    assert visit_row(app, visit_id).closed_at is not None
