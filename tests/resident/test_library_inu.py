"""犬の登録と狂犬病予防注射済票の交付申請 (form_definitions/inu-touroku.yaml), as a resident."""

from __future__ import annotations

import html
from datetime import date

import pytest

from tests.resident.library_support import (
    GIF,
    JPEG,
    PDF,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    computed_values,
    days,
    fee_shown,
    has_input,
    moved_to,
    publish,
    published_version_id,
    reiwa,
    stored_submission,
)

FORM = "inu-touroku"
PAGES = "/forms/inu-touroku/pages"

# 佐藤さんが、譲り受けた柴犬「こむぎ」を登録し、今年度の注射済票も申請する。
SATO = {
    "registered_elsewhere": False,
    "owner_name": {"family": "佐藤", "given": "健"},
    "owner_kana": {"family": "サトウ", "given": "ケン"},
    "owner_postal_code": "060-0001",
    "owner_home_address": {"prefecture": "北海道", "city": "札幌市中央区", "town": "北一条西",
                           "block": "2丁目1番地", "building": ""},
    "owner_phone": "090-3456-7890",
    "owner_email": "ken.sato@example.jp",
    "dog_name": "こむぎ",
    "breed": "柴",
    "coat_color": "赤",
    "dog_sex": "female",
    "dog_birth_date": date(2025, 3, 1),
    "acquired_date": date(2025, 6, 1),
    "vaccinated": True,
    "vaccination_date": days(-20),
    "clinic_name": "デモ動物病院",
    "vaccination_certificate": Files(("注射済証.jpg", JPEG)),
    "receive_method": "counter",
}


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    return Resident(client, app, FORM, answers={**SATO, **answers})


# --- complete applications ------------------------------------------------------------------

def test_a_vaccinated_dog_is_registered_with_its_tag(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["registration_check", "owner", "owner_address", "dog", "dog_dates",
                              "vaccination", "vaccination_details", "receiving"]
    sections = check_answers(check.text)
    assert sections["登録の前に"] == {"この犬は、ほかの市区町村で登録したことがありますか": "いいえ"}
    assert sections["犬の所有者"] == {"所有者の氏名": "佐藤\u3000健", "フリガナ": "サトウ\u3000ケン"}
    assert sections["所有者の住所と連絡先"] == {
        "郵便番号": "〒060-0001", "住所": "北海道札幌市中央区北一条西2丁目1番地",
        "電話番号": "090-3456-7890", "メールアドレス": "ken.sato@example.jp"}
    assert sections["犬について"] == {"犬の名前": "こむぎ", "犬種": "柴", "毛色": "赤", "性別": "メス"}
    assert sections["生年月日と飼い始めた日"] == {
        "犬の生年月日": "2025年3月1日(令和7年3月1日)", "飼い始めた日": "2025年6月1日(令和7年6月1日)"}
    assert sections["狂犬病予防注射"] == {
        "今年度（4月1日以降）の狂犬病予防注射を、動物病院で受けましたか": "はい"}
    assert sections["注射の内容"] == {"注射を受けた日": reiwa(days(-20)), "動物病院名": "デモ動物病院",
                                   "注射済証の画像": "注射済証.jpg"}
    assert sections["鑑札の受け取り"] == {"鑑札の受け取り方法": "窓口で受け取る（生活衛生課）"}
    assert computed_values(check.text) == {"登録手数料": "3,000円", "注射済票交付手数料": "550円"}
    assert fee_shown(check.text) == "3,550円"

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    assert "3,550円" in client.get(f"/forms/{FORM}/done/{number}").text
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee == 3550
    certificate = submission.answers["fields"].pop("vaccination_certificate")
    assert [(c["filename"], c["content_type"]) for c in certificate] == [("注射済証.jpg", "image/jpeg")]
    assert submission.answers == {"fields": {
        "registered_elsewhere": False,
        "owner_name": {"family": "佐藤", "given": "健"},
        "owner_kana": {"family": "サトウ", "given": "ケン"},
        "owner_postal_code": "0600001",
        "owner_home_address": {"prefecture": "北海道", "city": "札幌市中央区", "town": "北一条西",
                               "block": "2丁目1番地", "building": ""},
        "owner_phone": "09034567890",
        "owner_email": "ken.sato@example.jp",
        "dog_name": "こむぎ",
        "breed": "柴",
        "coat_color": "赤",
        "dog_sex": "female",
        "dog_birth_date": "2025-03-01",
        "acquired_date": "2025-06-01",
        "vaccinated": True,
        "vaccination_date": days(-20).isoformat(),
        "clinic_name": "デモ動物病院",
        "receive_method": "counter",
    }, "items": {}}


def test_a_dog_not_yet_vaccinated_pays_only_for_registration(client, app, form, db_session):
    person = resident(client, app, vaccinated=False, receive_method="mail")
    check = person.apply()
    assert person.visited == ["registration_check", "owner", "owner_address", "dog", "dog_dates",
                              "vaccination", "receiving"]
    sections = check_answers(check.text)
    assert "注射の内容" not in sections
    assert sections["鑑札の受け取り"] == {"鑑札の受け取り方法": "郵送で受け取る"}
    assert computed_values(check.text) == {"登録手数料": "3,000円", "注射済票交付手数料": "0円"}
    assert fee_shown(check.text) == "3,000円"
    submission = stored_submission(db_session, person.submit_from_check())
    assert submission.fee == 3000
    fields = submission.answers["fields"]
    assert fields["vaccinated"] is False
    assert not {"vaccination_date", "clinic_name", "vaccination_certificate"} & set(fields)


# --- exits and conditions ------------------------------------------------------------------------

def test_a_dog_registered_elsewhere_needs_a_change_notification(client, app, form):
    person = resident(client, app, registered_elsewhere=True)
    page = person.apply()
    assert person.visited == ["registration_check", "registered_elsewhere_exit"]
    assert "<h1>登録事項の変更届をしてください</h1>" in page.text
    assert "「犬の登録事項変更届（転入）」が必要です。手数料はかかりません。" in page.text
    assert "再交付（1,600円）" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/registered_elsewhere_exit")
    assert moved_to(client.get(f"{PAGES}/owner"), f"{PAGES}/registered_elsewhere_exit")


@pytest.mark.parametrize(("age_in_days", "next_page"), [
    (0, "too_young_exit"), (90, "too_young_exit"), (91, "vaccination"), (92, "vaccination")])
def test_a_dog_under_91_days_cannot_be_registered_yet(client, app, form, age_in_days, next_page):
    person = resident(client, app, dog_birth_date=days(-age_in_days), acquired_date=days(0))
    person.at("dog_dates")
    assert moved_to(person.answer("dog_dates"), f"{PAGES}/{next_page}")
    if next_page == "too_young_exit":
        page = client.get(f"{PAGES}/too_young_exit")
        assert "<h1>生後91日を過ぎてから登録してください</h1>" in page.text
        assert "生後91日を過ぎたら、30日以内に狂犬病予防注射を受け、登録してください。" in page.text
        assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/too_young_exit")
        assert moved_to(client.get(f"{PAGES}/vaccination"), f"{PAGES}/too_young_exit")


@pytest.mark.parametrize(("vaccinated", "next_page", "reminder_shown"), [
    (True, "vaccination_details", False), (False, "receiving", True)])
def test_the_vaccination_answer_decides_what_follows(client, app, form, vaccinated, next_page,
                                                     reminder_shown):
    person = resident(client, app, vaccinated=vaccinated)
    person.at("vaccination")
    assert moved_to(person.answer("vaccination"), f"{PAGES}/{next_page}")
    if vaccinated:
        assert moved_to(person.answer("vaccination_details"), f"{PAGES}/receiving")
    page = client.get(f"{PAGES}/receiving")
    assert ("狂犬病予防注射を受けてください" in page.text) == reminder_shown
    assert ("注射済票（550円）を交付します" in page.text) == reminder_shown
    assert has_input(page.text, "receive_method")


# --- validation ----------------------------------------------------------------------------------

def test_the_first_question_needs_yes_or_no(client, app, form):
    person = resident(client, app)
    person.at("registration_check")
    person.assert_mistakes("registration_check", [
        Mistake("registered_elsewhere",
                "この犬は、ほかの市区町村で登録したことがありますかは「はい」か「いいえ」を選択してください",
                raw={"registered_elsewhere": ""}, target="registered_elsewhere-0"),
    ], then=f"{PAGES}/owner")


def test_the_owner_and_their_contact_details(client, app, form):
    person = resident(client, app)
    person.at("owner")
    person.assert_mistakes("owner", [
        Mistake("owner_name", "所有者の氏名を入力してください", target="owner_name-family",
                raw={"owner_name-family": "", "owner_name-given": ""}),
        Mistake("owner_kana", "メイはカタカナで入力してください", target="owner_kana-given",
                raw={"owner_kana-given": "健"}),
    ], then=f"{PAGES}/owner_address")
    person.assert_mistakes("owner_address", [
        Mistake("owner_phone", "電話番号を入力してください", raw={"owner_phone": ""}),
        Mistake("owner_phone",
                "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）",
                raw={"owner_phone": "090-3456-78901"}),
        Mistake("owner_email", "メールアドレスを正しい形式で入力してください（例：name@example.jp）",
                raw={"owner_email": "ken.sato.example.jp"}),
        Mistake("owner_home_address", "住所の番地を入力してください", target="owner_home_address-block",
                raw={"owner_home_address-block": ""}),
    ], then=f"{PAGES}/dog")


def test_the_dog(client, app, form):
    person = resident(client, app)
    person.at("dog")
    person.assert_mistakes("dog", [
        Mistake("dog_name", "犬の名前を入力してください", raw={"dog_name": ""}),
        Mistake("dog_name", "犬の名前は20文字以内で入力してください（現在21文字）", raw={"dog_name": "ポ" * 21}),
        Mistake("breed", "犬種は30文字以内で入力してください（現在31文字）", raw={"breed": "柴" * 31}),
        Mistake("coat_color", "毛色は20文字以内で入力してください（現在21文字）", raw={"coat_color": "白" * 21}),
        Mistake("dog_sex", "性別を選択してください", raw={"dog_sex": ""}, target="dog_sex-0"),
    ], then=f"{PAGES}/dog_dates")


def test_the_dogs_dates(client, app, form):
    person = resident(client, app)
    person.at("dog_dates")
    person.assert_mistakes("dog_dates", [
        Mistake("dog_birth_date", "犬の生年月日は今日以前の日付を入力してください",
                values={"dog_birth_date": days(1)}, target="dog_birth_date-year"),
        Mistake("acquired_date", "飼い始めた日は今日以前の日付を入力してください",
                values={"acquired_date": days(1)}, target="acquired_date-year"),
        Mistake("acquired_date", "飼い始めた日は、犬の生年月日以降の日付を入力してください",
                values={"acquired_date": date(2025, 2, 28)}, target="acquired_date-year"),
    ], then=f"{PAGES}/vaccination")
    same_day = person.answer("dog_dates", acquired_date=date(2025, 3, 1))
    assert moved_to(same_day, f"{PAGES}/vaccination")


def test_the_vaccination_question_needs_yes_or_no(client, app, form):
    person = resident(client, app)
    person.at("vaccination")
    person.assert_mistakes("vaccination", [
        Mistake("vaccinated",
                "今年度（4月1日以降）の狂犬病予防注射を、動物病院で受けましたかは「はい」か「いいえ」を選択してください",
                raw={"vaccinated": ""}, target="vaccinated-0"),
    ], then=f"{PAGES}/vaccination_details")


def test_the_vaccination_date_is_within_a_year_and_after_birth(client, app, form):
    person = resident(client, app, dog_birth_date=days(-200), acquired_date=days(-100))
    person.at("vaccination_details")
    person.assert_mistakes("vaccination_details", [
        Mistake("vaccination_date", "1年以上前の注射では注射済票を交付できません。今年度の注射を受けてください",
                values={"vaccination_date": days(-366)}, target="vaccination_date-year"),
        Mistake("vaccination_date", "注射を受けた日は今日以前の日付を入力してください",
                values={"vaccination_date": days(1)}, target="vaccination_date-year"),
        Mistake("vaccination_date", "注射を受けた日は、犬の生年月日以降の日付を入力してください",
                values={"vaccination_date": days(-201)}, target="vaccination_date-year"),
        Mistake("clinic_name", "動物病院名を入力してください", raw={"clinic_name": ""}),
        Mistake("clinic_name", "動物病院名は40文字以内で入力してください（現在41文字）",
                raw={"clinic_name": "動" * 41}),
    ], then=f"{PAGES}/receiving")
    for first_and_last in (days(-200), days(0)):
        # The photo is kept from the first time; the page no longer offers to choose one.
        assert moved_to(person.answer("vaccination_details", vaccination_date=first_and_last,
                                      vaccination_certificate=Files()), f"{PAGES}/receiving")


def test_a_vaccination_365_days_ago_is_accepted(client, app, form):
    person = resident(client, app)
    person.at("vaccination_details")
    assert moved_to(person.answer("vaccination_details", vaccination_date=days(-365)),
                    f"{PAGES}/receiving")


def test_the_certificate_photo_is_optional_but_checked(client, app, form):
    person = resident(client, app)
    person.at("vaccination_details")
    data = person.inputs_for(person.page("vaccination_details"), person.answers)
    for files, message in [
        (Files(("注射済証.gif", GIF)),
         "注射済証.gifはJPEG・PNG・PDFのファイルではありません。JPEG・PNG・PDFのファイルを選択してください"),
        (Files(("注射済証.pdf", PDF + b"0" * (5 * 1024 * 1024))),
         "注射済証.pdfは5MBを超えています。5MB以下のファイルを選択してください"),
        (Files(("表.jpg", JPEG), ("裏.jpg", JPEG)), "注射済証の画像は1ファイルまで添付できます"),
    ]:
        response = person.post(f"{PAGES}/vaccination_details",
                               {**data, "vaccination_certificate": files.parts()})
        assert_error(response, "vaccination_certificate", message)
    without = person.post(f"{PAGES}/vaccination_details", {**data, "vaccination_certificate": []})
    assert moved_to(without, f"{PAGES}/receiving")


def test_the_receiving_method_must_be_chosen(client, app, form):
    person = resident(client, app)
    person.at("receiving")
    person.assert_mistakes("receiving", [
        Mistake("receive_method", "鑑札の受け取り方法を選択してください", raw={"receive_method": ""},
                target="receive_method-0"),
    ], then=f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_the_vaccination_page_in_english(client, app, form):
    client.get("/language/en?next=/")
    page = html.unescape(resident(client, app).at("vaccination").text)
    assert "Dog registration and rabies vaccination tag" in page
    assert "<h1>Rabies vaccination</h1>" in page
    assert "Has the dog had this year's rabies vaccination (since 1 April) at a vet?" in page
    assert "If yes, you enter the details from the vet's certificate on the next page" in page
