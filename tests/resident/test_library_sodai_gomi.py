"""粗大ごみ収集の申込 (form_definitions/sodai-gomi.yaml), page by page as a resident."""

from __future__ import annotations

import pytest

from tests.applicant import csrf_token
from tests.resident.library_support import (
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    computed_values,
    days,
    error_summary,
    fee_shown,
    message_beside,
    moved_to,
    publish,
    published_version_id,
    reiwa,
    stored_submission,
)

FORM = "sodai-gomi"
PAGES = "/forms/sodai-gomi/pages"
ITEMS = f"{PAGES}/items/items"

# 山本さんが引っ越しの前に、ソファ・布団・自転車を出す。
YAMAMOTO = {
    "has_recycling_appliances": False,
    "applicant_name": {"family": "山本", "given": "健一"},
    "applicant_kana": {"family": "ヤマモト", "given": "ケンイチ"},
    "phone": "03-1234-5678",
    "email": "kenichi.yamamoto@example.jp",
    "collection_postal_code": "160-0023",
    "collection_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                           "block": "3-7-1", "building": "デモマンション203"},
    "put_out_place": "collection_point",
    "preferred_date": days(10),
}
SOFA = {"item_kind": "sofa", "quantity": 1, "item_note": "3人掛け、幅180cm、布張り"}
FUTONS = {"item_kind": "futon", "quantity": 3}
BICYCLES = {"item_kind": "bicycle", "quantity": 2}


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, items=(SOFA, FUTONS, BICYCLES), **answers) -> Resident:
    return Resident(client, app, FORM, answers={**YAMAMOTO, **answers}, items={"items": list(items)})


# --- a complete application ------------------------------------------------------------------

def test_a_resident_books_three_kinds_of_items(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["recycling_check", "items", "applicant", "collection_place",
                              "collection_date"]
    sections = check_answers(check.text)
    assert sections["出したいもの"] == {
        "エアコン・テレビ・冷蔵庫（冷凍庫）・洗濯機（衣類乾燥機）を出したいですか": "いいえ"}
    assert sections["品目 1"] == {"品目": "ソファ（2人掛け以上）", "点数": "1点",
                                "大きさや特徴": "3人掛け、幅180cm、布張り"}
    assert sections["品目 2"] == {"品目": "布団・毛布（1枚）", "点数": "3点", "大きさや特徴": "（回答なし）"}
    assert sections["品目 3"] == {"品目": "自転車", "点数": "2点", "大きさや特徴": "（回答なし）"}
    assert sections["申込者"] == {"氏名": "山本\u3000健一", "フリガナ": "ヤマモト\u3000ケンイチ",
                               "電話番号": "03-1234-5678", "メールアドレス": "kenichi.yamamoto@example.jp"}
    assert sections["収集する場所"] == {
        "郵便番号": "〒160-0023", "収集する住所": "東京都新宿区西新宿3-7-1\u3000デモマンション203",
        "出す場所": "集合住宅のごみ集積所", "出す場所の詳しい説明": "（回答なし）"}
    assert sections["収集の希望日"] == {"収集希望日": reiwa(days(10))}
    assert computed_values(check.text) == {"収集する点数の合計": "6点"}
    assert fee_shown(check.text) == "2,900円"  # 1000×1 + 300×3 + 500×2
    assert "品目ごとの手数料 × 点数の合計" in check.text

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    assert "2,900円" in client.get(f"/forms/{FORM}/done/{number}").text
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee == 2900
    assert submission.answers == {
        "fields": {
            "has_recycling_appliances": False,
            "applicant_name": {"family": "山本", "given": "健一"},
            "applicant_kana": {"family": "ヤマモト", "given": "ケンイチ"},
            "phone": "0312345678",
            "email": "kenichi.yamamoto@example.jp",
            "collection_postal_code": "1600023",
            "collection_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                                   "block": "3-7-1", "building": "デモマンション203"},
            "put_out_place": "collection_point",
            "preferred_date": days(10).isoformat(),
        },
        "items": {"items": [
            {"item_kind": "sofa", "quantity": 1, "item_note": "3人掛け、幅180cm、布張り"},
            {"item_kind": "futon", "quantity": 3},
            {"item_kind": "bicycle", "quantity": 2},
        ]},
    }


@pytest.mark.parametrize(("items", "fee", "pieces"), [
    ([{"item_kind": "chair", "quantity": 1}], 300, 1),
    ([{"item_kind": "sofa_single", "quantity": 5}, {"item_kind": "carpet", "quantity": 1}], 2800, 6),
    ([{"item_kind": "chest_large", "quantity": 5}] * 10, 50000, 50),
])
def test_the_fee_is_each_items_fee_times_its_quantity(client, app, form, db_session, items, fee,
                                                      pieces):
    person = resident(client, app, items=items)
    check = person.apply()
    assert fee_shown(check.text) == f"{fee:,}円"
    assert computed_values(check.text) == {"収集する点数の合計": f"{pieces}点"}
    assert stored_submission(db_session, person.submit_from_check()).fee == fee


def test_removing_an_item_lowers_the_fee(client, app, form, db_session):
    person = resident(client, app)
    person.apply()
    confirm = client.get(f"{PAGES}/items/items/0/remove")
    assert "ソファ（2人掛け以上）" in confirm.text and "削除しますか" in confirm.text
    client.post(f"{PAGES}/items/items/0/remove",
                data={"confirm": "yes", "csrf_token": csrf_token(confirm.text)})
    assert moved_to(person.continue_from_items("items"), f"{PAGES}/applicant")
    check = person.resume(f"{PAGES}/applicant")
    assert fee_shown(check.text) == "1,900円" and computed_values(check.text) == {
        "収集する点数の合計": "5点"}
    submission = stored_submission(db_session, person.submit_from_check())
    assert submission.fee == 1900
    assert [item["item_kind"] for item in submission.answers["items"]["items"]] == ["futon", "bicycle"]


# --- the exit page -------------------------------------------------------------------------------

def test_recycling_appliances_are_refused_with_guidance(client, app, form):
    person = resident(client, app, has_recycling_appliances=True)
    page = person.apply()
    assert person.visited == ["recycling_check", "recycling_exit"]
    assert "<h1>家電リサイクル法の対象品目は収集できません</h1>" in page.text
    assert "郵便局で家電リサイクル券を購入し" in page.text
    assert "前のページに戻り「いいえ」を選んで、ほかの品目だけを申し込んでください。" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/recycling_exit")
    assert moved_to(client.get(ITEMS), f"{PAGES}/recycling_exit")


# --- items: a repeating page of 1 to 10 ----------------------------------------------------------

def test_at_least_one_item_is_needed(client, app, form):
    person = resident(client, app)
    assert person.at("items").request.path == f"{ITEMS}/0"
    response = person.continue_from_items("items")
    assert response.status_code == 200
    assert error_summary(response.text) == [("add-another", "品目を1件以上追加してください")]
    assert message_beside(response.text, "add-another") == "品目を1件以上追加してください"
    assert moved_to(person.answer_item("items", 0, **FUTONS), ITEMS)
    summary = client.get(ITEMS).text
    assert "品目：1件（1件以上10件まで）" in summary and "布団・毛布（1枚）" in summary
    assert "品目を追加する" in summary
    assert moved_to(person.continue_from_items("items"), f"{PAGES}/applicant")


def test_up_to_ten_items(client, app, form):
    person = resident(client, app)
    person.at("items")
    kinds = ["sofa_single", "sofa", "bed_frame", "mattress", "futon", "bicycle", "microwave",
             "heater", "table", "chair"]
    for index, kind in enumerate(kinds):
        assert moved_to(person.answer_item("items", index, item_kind=kind, quantity=1), ITEMS)
    summary = client.get(ITEMS).text
    assert "品目を追加する" not in summary
    assert "品目は10件まで追加できます。" in summary and "品目：10件（1件以上10件まで）" in summary
    assert "石油ストーブ・ファンヒーター" in summary and "いす" in summary
    assert moved_to(client.get(f"{ITEMS}/10"), ITEMS)
    assert moved_to(person.continue_from_items("items"), f"{PAGES}/applicant")
    check = person.resume(f"{PAGES}/applicant")
    # 500 + 1000 + 1000 + 1000 + 300 + 500 + 500 + 500 + 500 + 300
    assert fee_shown(check.text) == "6,100円"


def test_an_item_is_checked(client, app, form):
    person = resident(client, app)
    person.at("items")
    quantity = "点数は1から5までの数字で入力してください"
    for values, field_id, message in [
        ({**SOFA, "quantity": 0}, "quantity", quantity),
        ({**SOFA, "quantity": 6}, "quantity", quantity),
        ({**SOFA, "quantity": None}, "quantity", "点数を入力してください"),
        ({**SOFA, "item_kind": ""}, "item_kind", "品目を選択してください"),
        ({**SOFA, "item_kind": "refrigerator"}, "item_kind", "品目は表示された選択肢から選んでください"),
        ({**SOFA, "item_note": "あ" * 51}, "item_note", "大きさや特徴は50文字以内で入力してください（現在51文字）"),
    ]:
        assert_error(person.answer_item("items", 0, **values), field_id, message)
    assert moved_to(person.answer_item("items", 0, **{**SOFA, "quantity": 5}), ITEMS)
    assert moved_to(person.answer_item("items", 1, item_kind="chair", raw={"quantity": "５"}), ITEMS)


# --- the other pages ----------------------------------------------------------------------------

def test_the_appliance_question_needs_yes_or_no(client, app, form):
    person = resident(client, app)
    person.at("recycling_check")
    person.assert_mistakes("recycling_check", [
        Mistake("has_recycling_appliances",
                "エアコン・テレビ・冷蔵庫（冷凍庫）・洗濯機（衣類乾燥機）を出したいですかは「はい」か「いいえ」を選択してください",
                raw={"has_recycling_appliances": ""}, target="has_recycling_appliances-0"),
    ], then=f"{PAGES}/items")


def test_the_applicant_page(client, app, form):
    person = resident(client, app)
    person.at("applicant")
    person.assert_mistakes("applicant", [
        Mistake("applicant_name", "名を入力してください", raw={"applicant_name-given": ""},
                target="applicant_name-given"),
        Mistake("phone", "電話番号を入力してください", raw={"phone": ""}),
        Mistake("email", "メールアドレスを正しい形式で入力してください（例：name@example.jp）",
                raw={"email": "kenichi@@example.jp"}),
    ], then=f"{PAGES}/collection_place")
    assert moved_to(person.answer("applicant", raw={"email": ""}), f"{PAGES}/collection_place")


def test_the_place_needs_a_description_when_it_is_other(client, app, form):
    person = resident(client, app)
    person.at("collection_place")
    person.assert_mistakes("collection_place", [
        Mistake("put_out_place", "出す場所を選択してください", raw={"put_out_place": ""},
                target="put_out_place-0"),
        Mistake("put_out_note", "出す場所で「その他」を選んだ場合は、出す場所の詳しい説明を入力してください",
                values={"put_out_place": "other"}),
        Mistake("put_out_note", "出す場所の詳しい説明は200文字以内で入力してください（現在201文字）",
                values={"put_out_note": "あ" * 201}),
        Mistake("collection_postal_code", "郵便番号は7桁の数字で入力してください（例：123-4567）",
                raw={"collection_postal_code": "160-002"}),
        Mistake("collection_address", "住所の都道府県を入力してください",
                target="collection_address-prefecture", raw={"collection_address-prefecture": ""}),
    ], then=f"{PAGES}/collection_date")
    described = person.answer("collection_place", put_out_place="other", put_out_note="駐車場の奥、門の内側")
    assert moved_to(described, f"{PAGES}/collection_date")


def test_the_collection_date_is_between_7_and_60_days_ahead(client, app, form):
    person = resident(client, app)
    page = person.at("collection_date")
    assert "地区ごとに決まった曜日（月曜日から金曜日）" in page.text
    too_soon = ("収集希望日は、申込日の7日後以降の日付を選んでください。お急ぎの場合は、クリーンセンターへの"
                "持ち込み（10kgごとに200円）もご利用いただけます")
    person.assert_mistakes("collection_date", [
        Mistake("preferred_date", "収集希望日を入力してください", target="preferred_date-year",
                raw={"preferred_date-year": "", "preferred_date-month": "", "preferred_date-day": ""}),
        Mistake("preferred_date", too_soon, values={"preferred_date": days(0)},
                target="preferred_date-year"),
        Mistake("preferred_date", too_soon, values={"preferred_date": days(6)},
                target="preferred_date-year"),
        Mistake("preferred_date", "収集希望日は、60日以内の日付を選んでください",
                values={"preferred_date": days(61)}, target="preferred_date-year"),
    ], then=f"/forms/{FORM}/check")
    for first_and_last in (days(7), days(60)):
        assert moved_to(person.answer("collection_date", preferred_date=first_and_last),
                        f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_an_item_page_in_english(client, app, form):
    client.get("/language/en?next=/")
    page = resident(client, app).at("items")
    assert "Booking a bulky waste collection" in page.text
    assert "Items to collect" in page.text and "item 1" in page.text
    assert "Sofa (two seats or more)" in page.text and "Futon or blanket (each)" in page.text
    assert "Up to 5 of the same item" in page.text and "Size or description" in page.text
