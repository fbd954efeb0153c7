"""罹災証明書の発行申請 (form_definitions/risai-shomei.yaml), page by page as a resident."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.submissions.models import Upload
from tests.resident.library_support import (
    GIF,
    JPEG,
    PNG,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    days,
    fee_shown,
    has_input,
    moved_to,
    publish,
    published_version_id,
    reiwa,
    stored_submission,
)

FORM = "risai-shomei"
PAGES = "/forms/risai-shomei/pages"

# 大雨で自宅の1階が床上30cm浸水した渡辺さんが、罹災証明書を2通、郵送で請求する。
WATANABE = {
    "disaster_type": "storm_flood",
    "disaster_date": days(-5),
    "applicant_type": "individual",
    "applicant_name": {"family": "渡辺", "given": "直子"},
    "applicant_kana": {"family": "ワタナベ", "given": "ナオコ"},
    "applicant_birth_date": date(1978, 9, 15),
    "contact_postal_code": "100-0001",
    "contact_address": {"prefecture": "東京都", "city": "千代田区", "town": "千代田",
                        "block": "1-1", "building": "避難先 デモ会館"},
    "contact_phone": "090-5555-6666",
    "contact_email": "naoko.watanabe@example.jp",
    "property_postal_code": "105-0011",
    "property_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                         "block": "1-5-10", "building": ""},
    "building_use": "home",
    "relation_to_building": "owner_resident",
    "building_structure": "wood",
    "damage_kinds": ["flood_above", "wall"],
    "damage_description": "大雨で1階の和室が床から30cm浸水し、畳と壁が水につかった。",
    "flood_depth": 30,
    "damage_photos": Files(("外観_北.jpg", JPEG), ("和室の水の跡.png", PNG)),
    "copies": 2,
    "certificate_uses": ["insurance", "support_payment"],
    "receive_method": "mail",
    "consent_disaster_records": True,
}
# 地震で屋根と窓が壊れた事務所を借りている会社が、窓口で1通受け取る。
DEMO_SHOJI = {
    "disaster_type": "earthquake",
    "applicant_type": "corporation",
    "corporate_number": "1-0106-0100-8968",
    "corporation_name": "株式会社デモ商事",
    "representative_title": "代表取締役",
    "representative_name": {"family": "高橋", "given": "修"},
    "contact_person": "総務部 デモ花子",
    "building_use": "business",
    "relation_to_building": "tenant",
    "building_structure": "steel",
    "damage_kinds": ["roof", "windows"],
    "damage_description": "地震で屋根瓦がずれ、2階の窓ガラスが3枚割れた。",
    "copies": 1,
    "certificate_uses": [],
    "receive_method": "counter",
}


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    return Resident(client, app, FORM, answers={**WATANABE, **answers})


# --- complete applications ------------------------------------------------------------------

def test_a_flooded_household_applies_for_two_certificates(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["disaster", "applicant_type_page", "individual", "contact", "property",
                              "damage", "flood_depth_page", "photos", "certificate", "consent"]
    sections = check_answers(check.text)
    assert sections["災害について"] == {"災害の種類": "台風・大雨（浸水・風害）",
                                     "被害を受けた日": reiwa(days(-5))}
    assert sections["申請する方"] == {"申請する方": "個人（建物の所有者・居住者）"}
    assert sections["申請者（個人）"] == {
        "氏名": "渡辺\u3000直子", "フリガナ": "ワタナベ\u3000ナオコ",
        "生年月日": "1978年9月15日(昭和53年9月15日)"}
    assert sections["連絡先"] == {
        "郵便番号": "〒100-0001", "住所・所在地": "東京都千代田区千代田1-1\u3000避難先 デモ会館",
        "電話番号": "090-5555-6666", "メールアドレス": "naoko.watanabe@example.jp"}
    assert sections["被害を受けた建物"] == {
        "建物の所在地の郵便番号": "〒105-0011", "建物の所在地": "東京都港区芝公園1-5-10",
        "建物の用途": "住家（住んでいる建物）", "建物との関係": "所有し、住んでいる（使用している）",
        "建物の構造": "木造"}
    assert sections["被害の状況"] == {
        "被害の内容": "床上浸水、外壁のひび割れ・はがれ", "その他の被害": "（回答なし）",
        "被害の詳しい状況": "大雨で1階の和室が床から30cm浸水し、畳と壁が水につかった。"}
    assert sections["浸水の深さ"] == {"床面からの浸水の深さ": "30cm"}
    assert sections["被害の写真"] == {"被害の写真": "外観_北.jpg、和室の水の跡.png"}
    assert sections["証明書の通数と受け取り"] == {
        "必要な通数": "2通", "証明書の使いみち": "保険金・共済金の請求、被災者生活再建支援金の申請",
        "受け取り方法": "郵送（連絡先の住所へ）"}
    assert sections["情報の利用についての同意"] == {"被災者台帳への記載と情報の共有": "同意する"}
    assert fee_shown(check.text) is None  # free of charge

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee is None
    uploads = db_session.query(Upload).order_by(Upload.id).all()
    assert [(u.filename, u.content_type, u.submission_id) for u in uploads] == [
        ("外観_北.jpg", "image/jpeg", submission.id), ("和室の水の跡.png", "image/png", submission.id)]
    assert submission.answers == {"fields": {
        "disaster_type": "storm_flood",
        "disaster_date": days(-5).isoformat(),
        "applicant_type": "individual",
        "applicant_name": {"family": "渡辺", "given": "直子"},
        "applicant_kana": {"family": "ワタナベ", "given": "ナオコ"},
        "applicant_birth_date": "1978-09-15",
        "contact_postal_code": "1000001",
        "contact_address": {"prefecture": "東京都", "city": "千代田区", "town": "千代田",
                            "block": "1-1", "building": "避難先 デモ会館"},
        "contact_phone": "09055556666",
        "contact_email": "naoko.watanabe@example.jp",
        "property_postal_code": "1050011",
        "property_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                             "block": "1-5-10", "building": ""},
        "building_use": "home",
        "relation_to_building": "owner_resident",
        "building_structure": "wood",
        "damage_kinds": ["flood_above", "wall"],
        "damage_description": "大雨で1階の和室が床から30cm浸水し、畳と壁が水につかった。",
        "flood_depth": 30,
        "damage_photos": [
            {"upload": uploads[0].token, "filename": "外観_北.jpg", "content_type": "image/jpeg",
             "size": len(JPEG)},
            {"upload": uploads[1].token, "filename": "和室の水の跡.png", "content_type": "image/png",
             "size": len(PNG)},
        ],
        "copies": 2,
        "certificate_uses": ["insurance", "support_payment"],
        "receive_method": "mail",
        "consent_disaster_records": True,
    }, "items": {}}


def test_a_company_applies_for_its_office(client, app, form, db_session):
    person = resident(client, app, **DEMO_SHOJI)
    check = person.apply()
    assert person.visited == ["disaster", "applicant_type_page", "corporation", "contact", "property",
                              "damage", "photos", "certificate", "consent"]
    sections = check_answers(check.text)
    assert "申請者（個人）" not in sections and "浸水の深さ" not in sections
    assert sections["申請者（法人）"] == {
        "法人番号": "1010601008968", "法人名": "株式会社デモ商事", "代表者の役職": "代表取締役",
        "代表者の氏名": "高橋\u3000修", "担当者の部署と氏名": "総務部 デモ花子"}
    assert sections["証明書の通数と受け取り"] == {
        "必要な通数": "1通", "証明書の使いみち": "（回答なし）", "受け取り方法": "窓口で受け取る"}
    fields = stored_submission(db_session, person.submit_from_check()).answers["fields"]
    assert fields["corporate_number"] == "1010601008968"  # typed with hyphens, stored as digits
    assert fields["applicant_type"] == "corporation"
    for skipped in ("applicant_name", "applicant_kana", "applicant_birth_date", "flood_depth"):
        assert skipped not in fields


# --- exits and conditions ------------------------------------------------------------------------

def test_fire_damage_is_sent_to_the_fire_department(client, app, form):
    person = resident(client, app, disaster_type="fire")
    page = person.apply()
    assert person.visited == ["disaster", "fire_exit"]
    assert "<h1>火災の罹災証明書は消防本部で発行します</h1>" in page.text
    assert "デモ市消防本部 予防課（電話 050-3100-2901、平日 8時30分から17時15分）が発行します。" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/fire_exit")
    assert moved_to(client.get(f"{PAGES}/applicant_type_page"), f"{PAGES}/fire_exit")


@pytest.mark.parametrize(("applicant_type", "next_page"), [
    ("individual", "individual"), ("corporation", "corporation")])
def test_individuals_and_companies_get_their_own_page(client, app, form, applicant_type, next_page):
    person = resident(client, app)
    person.at("applicant_type_page")
    assert moved_to(person.answer("applicant_type_page", applicant_type=applicant_type),
                    f"{PAGES}/{next_page}")
    other = {"individual": "corporation", "corporation": "individual"}[next_page]
    assert moved_to(client.get(f"{PAGES}/{other}"), f"{PAGES}/{next_page}")


@pytest.mark.parametrize(("kinds", "next_page", "flood_guidance"), [
    (["flood_above"], "flood_depth_page", True),
    (["flood_below"], "photos", True),
    (["roof", "tilt"], "photos", False),
])
def test_flooding_decides_the_depth_page_and_the_photo_guidance(client, app, form, kinds,
                                                                 next_page, flood_guidance):
    person = resident(client, app, damage_kinds=kinds)
    person.at("damage")
    assert moved_to(person.answer("damage"), f"{PAGES}/{next_page}")
    if next_page == "flood_depth_page":
        assert moved_to(person.answer("flood_depth_page"), f"{PAGES}/photos")
    photos = client.get(f"{PAGES}/photos").text
    assert "撮影のしかた" in photos
    assert ("浸水した場合" in photos) == flood_guidance
    assert ("壁に残った水の跡にメジャーを当てて撮影してください。" in photos) == flood_guidance


# --- validation ----------------------------------------------------------------------------------

def test_the_disaster_and_its_date(client, app, form):
    person = resident(client, app)
    person.at("disaster")
    person.assert_mistakes("disaster", [
        Mistake("disaster_type", "災害の種類を選択してください", raw={"disaster_type": ""},
                target="disaster_type-0"),
        Mistake("disaster_date", "被害を受けた日は、今日以前の日付を入力してください",
                values={"disaster_date": days(1)}, target="disaster_date-year"),
        Mistake("disaster_date", "令和7年2月に29日はありません", target="disaster_date-day",
                raw={"disaster_date-year": "令和7", "disaster_date-month": "2", "disaster_date-day": "29"}),
    ], then=f"{PAGES}/applicant_type_page")
    assert moved_to(person.answer("disaster", disaster_date=days(0)), f"{PAGES}/applicant_type_page")


def test_the_applicant_type_must_be_chosen(client, app, form):
    person = resident(client, app)
    person.at("applicant_type_page")
    person.assert_mistakes("applicant_type_page", [
        Mistake("applicant_type", "申請する方を選択してください", raw={"applicant_type": ""},
                target="applicant_type-0"),
    ], then=f"{PAGES}/individual")


def test_an_individual_was_born_before_the_damage(client, app, form):
    person = resident(client, app)
    person.at("individual")
    rule = "生年月日は、被害を受けた日より前の日付を入力してください"
    person.assert_mistakes("individual", [
        Mistake("applicant_birth_date", rule, values={"applicant_birth_date": days(-5)},
                target="applicant_birth_date-year"),
        Mistake("applicant_birth_date", rule, values={"applicant_birth_date": days(0)},
                target="applicant_birth_date-year"),
        Mistake("applicant_birth_date", "生年月日は今日以前の日付を入力してください",
                values={"applicant_birth_date": days(1)}, target="applicant_birth_date-year"),
        Mistake("applicant_name", "氏名を入力してください", target="applicant_name-family",
                raw={"applicant_name-family": "", "applicant_name-given": ""}),
    ], then=f"{PAGES}/contact")
    assert moved_to(person.answer("individual", applicant_birth_date=days(-6)), f"{PAGES}/contact")


def test_a_companys_details(client, app, form):
    person = resident(client, app, **DEMO_SHOJI)
    person.at("corporation")
    person.assert_mistakes("corporation", [
        Mistake("corporate_number", "法人番号を入力してください", raw={"corporate_number": ""}),
        Mistake("corporate_number", "法人番号は13桁の数字で入力してください",
                raw={"corporate_number": "010601008968"}),
        Mistake("corporate_number", "法人番号が正しくありません。番号を確かめてください",
                raw={"corporate_number": "2010601008968"}),
        Mistake("corporation_name", "法人名を入力してください", raw={"corporation_name": ""}),
        Mistake("corporation_name", "法人名は60文字以内で入力してください（現在61文字）",
                raw={"corporation_name": "株" * 61}),
        Mistake("representative_title", "代表者の役職は30文字以内で入力してください（現在31文字）",
                raw={"representative_title": "代" * 31}),
        Mistake("representative_name", "代表者の氏名を入力してください",
                target="representative_name-family",
                raw={"representative_name-family": "", "representative_name-given": ""}),
        Mistake("contact_person", "担当者の部署と氏名は60文字以内で入力してください（現在61文字）",
                raw={"contact_person": "総" * 61}),
    ], then=f"{PAGES}/contact")
    full_width = person.answer("corporation", raw={"corporate_number": "１０１０６０１００８９６８"})
    assert moved_to(full_width, f"{PAGES}/contact")


def test_the_contact_details(client, app, form):
    person = resident(client, app)
    person.at("contact")
    person.assert_mistakes("contact", [
        Mistake("contact_email", "メールアドレスを入力してください", raw={"contact_email": ""}),
        Mistake("contact_phone", "電話番号を入力してください", raw={"contact_phone": ""}),
        Mistake("contact_postal_code", "郵便番号を入力してください", raw={"contact_postal_code": ""}),
    ], then=f"{PAGES}/property")


def test_the_building(client, app, form):
    person = resident(client, app)
    person.at("property")
    person.assert_mistakes("property", [
        Mistake("building_use", "建物の用途を選択してください", raw={"building_use": ""},
                target="building_use-0"),
        Mistake("relation_to_building", "建物との関係を選択してください", raw={"relation_to_building": ""},
                target="relation_to_building-0"),
        Mistake("building_structure", "建物の構造を選択してください", raw={"building_structure": ""},
                target="building_structure-0"),
        Mistake("property_address", "建物の所在地を入力してください", target="property_address-prefecture",
                raw={f"property_address-{part}": "" for part in ("prefecture", "city", "town", "block",
                                                                 "building")}),
    ], then=f"{PAGES}/damage")


def test_the_damage(client, app, form):
    person = resident(client, app)
    person.at("damage")
    person.assert_mistakes("damage", [
        Mistake("damage_kinds", "被害の内容を選択してください", raw={"damage_kinds": []},
                target="damage_kinds-0"),
        Mistake("damage_kinds", "被害の内容は表示された選択肢から選んでください",
                raw={"damage_kinds": ["roof", "fire"]}, target="damage_kinds-0"),
        Mistake("damage_other", "被害の内容で「その他」を選んだ場合は、その他の被害を入力してください",
                values={"damage_kinds": ["roof", "other"]}),
        Mistake("damage_other", "その他の被害は100文字以内で入力してください（現在101文字）",
                values={"damage_kinds": ["other"], "damage_other": "塀" * 101}),
        Mistake("damage_description", "被害の詳しい状況を入力してください", raw={"damage_description": ""}),
        Mistake("damage_description", "被害の詳しい状況は1000文字以内で入力してください（現在1001文字）",
                raw={"damage_description": "水" * 1001}),
    ], then=f"{PAGES}/flood_depth_page")
    other = person.answer("damage", damage_kinds=["other"], damage_other="ブロック塀の倒壊")
    assert moved_to(other, f"{PAGES}/photos")


def test_the_flood_depth_is_from_1_to_500_cm(client, app, form):
    person = resident(client, app)
    page = person.at("flood_depth_page")
    assert '<span class="unit">cm</span>' in page.text
    depth = "床面からの浸水の深さは1から500までの数字で入力してください"
    person.assert_mistakes("flood_depth_page", [
        Mistake("flood_depth", "床面からの浸水の深さを入力してください", raw={"flood_depth": ""}),
        Mistake("flood_depth", depth, raw={"flood_depth": "0"}),
        Mistake("flood_depth", depth, raw={"flood_depth": "501"}),
        Mistake("flood_depth", "整数で入力してください", raw={"flood_depth": "30.5"}),
    ], then=f"{PAGES}/photos")
    for typed in ("1", "500", "１２０"):
        assert moved_to(person.answer("flood_depth_page", raw={"flood_depth": typed}), f"{PAGES}/photos")


def test_the_photos_are_required_and_checked(client, app, form):
    person = resident(client, app)
    person.at("photos")
    eleven = Files(*[(f"写真{n:02}.jpg", JPEG) for n in range(11)])
    for files, message in [
        (Files(), "被害の写真のファイルを選択してください"),
        (eleven, "被害の写真は10ファイルまで添付できます"),
        (Files(("動画.gif", GIF)),
         "動画.gifはJPEG・PNG・PDFのファイルではありません。JPEG・PNG・PDFのファイルを選択してください"),
        (Files(("大きな写真.jpg", JPEG + b"0" * (10 * 1024 * 1024))),
         "大きな写真.jpgは10MBを超えています。10MB以下のファイルを選択してください"),
    ]:
        assert_error(person.post(f"{PAGES}/photos", {"damage_photos": files.parts()}), "damage_photos",
                     message)
    ten = Files(*[(f"写真{n:02}.jpg", JPEG) for n in range(10)])
    assert moved_to(person.post(f"{PAGES}/photos", {"damage_photos": ten.parts()}),
                    f"{PAGES}/certificate")
    back = client.get(f"{PAGES}/photos").text
    assert "写真09.jpg" in back and not has_input(back, "damage_photos")  # no room for more


def test_copies_and_receiving(client, app, form):
    person = resident(client, app)
    person.at("certificate")
    copies = "必要な通数は1から5までの数字で入力してください"
    person.assert_mistakes("certificate", [
        Mistake("copies", copies, raw={"copies": "0"}),
        Mistake("copies", copies, raw={"copies": "6"}),
        Mistake("certificate_uses", "証明書の使いみちは表示された選択肢から選んでください",
                raw={"certificate_uses": ["lottery"]}, target="certificate_uses-0"),
        Mistake("receive_method", "受け取り方法を選択してください", raw={"receive_method": ""},
                target="receive_method-0"),
    ], then=f"{PAGES}/consent")


def test_the_consent_must_be_ticked(client, app, form):
    person = resident(client, app)
    person.at("consent")
    person.assert_mistakes("consent", [
        Mistake("consent_disaster_records",
                "被災者台帳への記載と情報の共有に同意する場合はチェックを入れてください",
                values={"consent_disaster_records": False},
                target="consent_disaster_records-0"),
    ], then=f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_the_first_page_in_english(client, app, form):
    client.get("/language/en?next=/")
    page = resident(client, app).at("disaster").text
    assert "Application for a disaster damage certificate (risai shomeisho)" in page
    assert "<h1>About the disaster</h1>" in page
    assert "Type of disaster" in page and "Typhoon or heavy rain (flooding or wind)" in page
    assert "Date of the damage" in page
