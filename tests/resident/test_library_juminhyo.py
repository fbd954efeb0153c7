"""住民票の写し等の交付請求 (form_definitions/juminhyo-copy.yaml), page by page as a resident."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.japanese.calendar import add_business_days, is_business_day
from formsvc.submissions.models import Submission, Upload
from tests.applicant import csrf_token
from tests.conftest import hold_clock
from tests.identity import sign_in
from tests.resident.library_support import (
    GIF,
    JPEG,
    PDF,
    PNG,
    TODAY,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    date_inputs,
    days,
    error_summary,
    fee_shown,
    has_input,
    moved_to,
    publish,
    published_version_id,
    reiwa,
    stored_submission,
    text_of,
)

FORM = "juminhyo-copy"
PAGES = "/forms/juminhyo-copy/pages"

# 受取希望日: 開庁日のみ、3開庁日後から30日後まで (the collection date is counted in 開庁日).
COLLECTION_DATE = add_business_days(TODAY, 5)

# 佐藤花子さんが自分の住民票を2通、窓口で受け取る。
SELF_AT_COUNTER = {
    "requester": "self",
    "subject_name": {"family": "佐藤", "given": "花子"},
    "subject_kana": {"family": "さとう", "given": "はなこ"},  # hiragana is accepted
    "subject_birth_date": date(1985, 4, 12),
    "subject_postal_code": "105-0011",
    "subject_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                        "block": "４－２－８", "building": "デモハイツ101"},
    "scope": "whole_household",
    "include_items": ["relationship", "honseki"],
    "copies": 3,
    "purpose": "bank",
    "submit_to": "デモ銀行 本店",
    "receive_method": "counter",
    "counter_office": "north",
    "collection_date": COLLECTION_DATE,
    "phone": "090-1234-5678",
    "email": "hanako.sato@example.jp",
}

# 田中誠さんが、佐藤花子さんの代理人として請求する。
AGENT = {"requester": "agent", "requester_name": {"family": "田中", "given": "誠"},
         "requester_kana": {"family": "タナカ", "given": "マコト"}}
AGENT_WITH_LETTER = {
    **AGENT,
    "requester_postal_code": "530-0001",
    "requester_address": {"prefecture": "大阪府", "city": "大阪市北区", "town": "梅田",
                          "block": "1-2-3", "building": ""},
    "power_of_attorney": Files(("委任状.pdf", PDF)),
}


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    return Resident(client, app, FORM, answers={**SELF_AT_COUNTER, **answers})


# --- a complete application --------------------------------------------------------------------

def test_a_person_requests_their_own_copies_at_the_counter(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["who", "subject", "contents", "copies_purpose", "receiving", "counter",
                              "contact"]
    sections = check_answers(check.text)
    assert list(sections) == ["請求する方", "住民票が必要な方", "必要な住民票の内容", "通数と使いみち",
                              "受け取り方法", "窓口での受け取り", "日中の連絡先"]
    assert sections["請求する方"] == {"住民票が必要な方とあなたの関係": "本人"}
    assert sections["住民票が必要な方"] == {
        "氏名": "佐藤\u3000花子",
        "フリガナ": "サトウ\u3000ハナコ",
        "生年月日": "1985年4月12日(昭和60年4月12日)",
        "郵便番号": "〒105-0011",
        "住民登録をしている住所": "東京都港区芝公園4-2-8\u3000デモハイツ101",
    }
    assert sections["必要な住民票の内容"] == {
        "記載する方の範囲": "世帯全員", "記載が必要な事項": "世帯主の氏名と続柄、本籍・筆頭者"}
    assert sections["通数と使いみち"] == {
        "必要な通数": "3通", "使いみち": "金融機関・保険会社の手続き",
        "その他の使いみち": "（回答なし）", "提出先": "デモ銀行 本店"}
    assert sections["受け取り方法"] == {"受け取り方法": "窓口で受け取る"}
    assert sections["窓口での受け取り"] == {"受け取る窓口": "北部支所", "受取希望日": reiwa(COLLECTION_DATE)}
    assert sections["日中の連絡先"] == {"電話番号": "090-1234-5678",
                                      "メールアドレス": "hanako.sato@example.jp"}
    assert fee_shown(check.text) == "900円"  # 3通 × 300円
    assert "1通300円" in check.text
    assert "不正な目的で請求するものではありません。" in check.text  # the declaration

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    done = client.get(f"/forms/{FORM}/done/{number}")
    assert "900円" in done.text and "050-3100-2101" in done.text
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee == 900
    assert submission.answers == {"fields": {
        "requester": "self",
        "subject_name": {"family": "佐藤", "given": "花子"},
        "subject_kana": {"family": "サトウ", "given": "ハナコ"},
        "subject_birth_date": "1985-04-12",
        "subject_postal_code": "1050011",
        "subject_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                            "block": "4-2-8", "building": "デモハイツ101"},
        "scope": "whole_household",
        "include_items": ["relationship", "honseki"],
        "copies": 3,
        "purpose": "bank",
        "submit_to": "デモ銀行 本店",
        "receive_method": "counter",
        "counter_office": "north",
        "collection_date": COLLECTION_DATE.isoformat(),
        "phone": "09012345678",
        "email": "hanako.sato@example.jp",
    }, "items": {}}


def test_a_household_member_has_one_copy_posted_with_a_copy_of_their_id(
        client, app, form, db_session):
    person = resident(client, app, requester="household",
                      requester_name={"family": "佐藤", "given": "一郎"},
                      requester_kana={"family": "サトウ", "given": "イチロウ"},
                      requester_relationship="夫", copies=1, purpose="other",
                      purpose_other="マンションの管理組合への提出", receive_method="mail",
                      id_document_copy=Files(("運転免許証.jpg", JPEG)))
    check = person.apply()
    assert person.visited == ["who", "subject", "requester_details", "contents", "copies_purpose",
                              "receiving", "mail", "contact"]
    sections = check_answers(check.text)
    assert sections["あなた（請求する方）について"] == {
        "あなたの氏名": "佐藤\u3000一郎", "あなたのフリガナ": "サトウ\u3000イチロウ",
        "住民票が必要な方との続柄": "夫"}
    assert sections["通数と使いみち"]["使いみち"] == "その他"
    assert sections["通数と使いみち"]["その他の使いみち"] == "マンションの管理組合への提出"
    assert sections["郵送での受け取り"] == {"本人確認書類の写し": "運転免許証.jpg"}
    assert "窓口での受け取り" not in sections
    assert fee_shown(check.text) == "300円"

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.fee == 300
    fields = submission.answers["fields"]
    assert fields["requester_relationship"] == "夫"
    assert fields["receive_method"] == "mail"
    assert "counter_office" not in fields and "collection_date" not in fields
    upload = db_session.query(Upload).one()
    assert upload.submission_id == submission.id and upload.content_type == "image/jpeg"
    assert fields["id_document_copy"] == [{"upload": upload.token, "filename": "運転免許証.jpg",
                                           "content_type": "image/jpeg", "size": len(JPEG)}]


def test_an_agent_attaches_the_letter_of_authorisation(client, app, form, db_session):
    two_pages = Files(("委任状1.pdf", PDF), ("委任状2.png", PNG))
    person = resident(client, app, **{**AGENT_WITH_LETTER, "power_of_attorney": two_pages}, copies=2)
    check = person.apply()
    assert person.visited == ["who", "subject", "requester_details", "agent", "contents",
                              "copies_purpose", "receiving", "counter", "contact"]
    sections = check_answers(check.text)
    assert sections["あなた（請求する方）について"] == {
        "あなたの氏名": "田中\u3000誠", "あなたのフリガナ": "タナカ\u3000マコト",
        "あなたの郵便番号": "〒530-0001", "あなたの住所": "大阪府大阪市北区梅田1-2-3"}
    assert sections["委任状"] == {"委任状の画像またはPDF": "委任状1.pdf、委任状2.png"}
    assert fee_shown(check.text) == "600円"
    number = person.submit_from_check()
    submission = stored_submission(db_session, number)
    assert [f["filename"] for f in submission.answers["fields"]["power_of_attorney"]] == [
        "委任状1.pdf", "委任状2.png"]
    assert submission.answers["fields"]["requester_postal_code"] == "5300001"
    assert "requester_relationship" not in submission.answers["fields"]


# --- conditions ----------------------------------------------------------------------------------

def test_a_third_party_is_sent_to_the_counter_and_cannot_reach_the_check_page(client, app, form):
    person = resident(client, app, requester="third_party")
    page = person.apply()
    assert person.visited == ["who", "third_party_exit"]
    assert page.status_code == 200
    assert "この手続きではお申し込みできません" in page.text
    assert "窓口で第三者請求の手続きをしてください。" in page.text
    assert "弁護士・司法書士などの方は、職務上請求書をご利用ください。" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/third_party_exit")
    assert moved_to(client.get(f"{PAGES}/subject"), f"{PAGES}/third_party_exit")


@pytest.mark.parametrize(("requester", "shown", "hidden"), [
    ("household", ["requester_name-family", "requester_kana-family", "requester_relationship"],
     ["requester_postal_code", "requester_address-prefecture"]),
    ("agent", ["requester_name-family", "requester_kana-family", "requester_postal_code",
               "requester_address-prefecture"], ["requester_relationship"]),
])
def test_the_requester_page_asks_what_fits_the_relationship(client, app, form, requester, shown,
                                                             hidden):
    page = resident(client, app, requester=requester).at("requester_details")
    for name in shown:
        assert has_input(page.text, name), name
    for name in hidden:
        assert not has_input(page.text, name), name


def test_the_person_themself_is_not_asked_about_a_requester_or_a_letter(client, app, form):
    person = resident(client, app)
    person.at("subject")
    assert moved_to(person.answer("subject"), f"{PAGES}/contents")
    assert moved_to(client.get(f"{PAGES}/requester_details"), f"{PAGES}/contents")
    assert moved_to(client.get(f"{PAGES}/agent"), f"{PAGES}/contents")


def test_changing_from_agent_to_self_drops_the_agents_answers(client, app, form, db_session):
    person = resident(client, app, **AGENT_WITH_LETTER)
    person.apply()
    response = person.post(f"{PAGES}/who?return=check", {"requester": "self", "return": "check"})
    assert moved_to(response, f"/forms/{FORM}/check")
    check = person.check_page()
    assert "田中" not in check.text and "委任状.pdf" not in check.text
    assert "委任状" not in check_answers(check.text)
    number = person.submit_from_check()
    fields = stored_submission(db_session, number).answers["fields"]
    assert fields["requester"] == "self"
    for field_id in ("requester_name", "requester_kana", "requester_postal_code",
                     "requester_address", "power_of_attorney"):
        assert field_id not in fields
    assert db_session.query(Upload).filter(Upload.submission_id.isnot(None)).all() == []


def test_changing_back_to_agent_asks_the_agent_pages_again(client, app, form, db_session):
    """Pages skipped after a change and shown again by a later change are asked again."""
    person = resident(client, app, **AGENT_WITH_LETTER)
    person.apply()
    person.post(f"{PAGES}/who?return=check", {"requester": "self", "return": "check"})
    person.check_page()
    # Back to 代理人: the pages whose answers were dropped must be asked again, and nothing can
    # be submitted without them.
    response = person.post(f"{PAGES}/who?return=check", {"requester": "agent", "return": "check"})
    landing = client.get(response.location, follow_redirects=True)
    assert landing.request.path == f"{PAGES}/requester_details"
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/requester_details")
    token = csrf_token(client.get(f"/forms/{FORM}/").text)
    client.post(f"/forms/{FORM}/check", data={"csrf_token": token})
    assert db_session.query(Submission).all() == []


@pytest.mark.parametrize(("scope", "visited"), [
    ("part", ["contents", "part_members", "copies_purpose"]),
    ("whole_household", ["contents", "copies_purpose"]),
])
def test_names_are_asked_only_for_part_of_the_household(client, app, form, db_session, scope, visited):
    person = resident(client, app, scope=scope, part_member_names="佐藤　花子\r\n佐藤　一郎")
    person.apply()
    assert person.visited[2:2 + len(visited)] == visited
    number = person.submit_from_check()
    fields = stored_submission(db_session, number).answers["fields"]
    if scope == "part":
        assert fields["part_member_names"] == "佐藤　花子\n佐藤　一郎"  # CRLF stored as LF
    else:
        assert "part_member_names" not in fields


def test_the_start_page_gives_the_fee_and_the_contact(client, form):
    start = client.get(f"/forms/{FORM}/")
    assert "住民票の写し等の交付請求" in start.text
    assert "1通300円" in start.text and "050-3100-2101" in start.text


# --- validation --------------------------------------------------------------------------------

def test_the_relationship_must_be_chosen_from_the_list(client, app, form):
    person = resident(client, app)
    person.at("who")
    person.assert_mistakes("who", [
        Mistake("requester", "住民票が必要な方とあなたの関係を選択してください",
                raw={"requester": ""}, target="requester-0"),
        Mistake("requester", "住民票が必要な方とあなたの関係は表示された選択肢から選んでください",
                raw={"requester": "neighbour"}, target="requester-0"),
    ], then=f"{PAGES}/subject")


def test_the_subject_page_explains_each_mistake(client, app, form):
    person = resident(client, app)
    person.at("subject")
    no_address = {f"subject_address-{part}": "" for part in ("prefecture", "city", "town", "block",
                                                            "building")}
    person.assert_mistakes("subject", [
        Mistake("subject_name", "氏名を入力してください", target="subject_name-family",
                raw={"subject_name-family": "", "subject_name-given": ""}),
        Mistake("subject_name", "名を入力してください", target="subject_name-given",
                raw={"subject_name-given": "\u3000"}),
        Mistake("subject_name", "氏は30文字以内で入力してください", target="subject_name-family",
                raw={"subject_name-family": "佐" * 31}),
        Mistake("subject_kana", "セイはカタカナで入力してください", target="subject_kana-family",
                raw={"subject_kana-family": "Sato"}),
        Mistake("subject_kana", "フリガナを入力してください", target="subject_kana-family",
                raw={"subject_kana-family": "", "subject_kana-given": ""}),
        Mistake("subject_birth_date", "生年月日を入力してください", target="subject_birth_date-year",
                raw=date_inputs("subject_birth_date", "", "", "")),
        Mistake("subject_birth_date", "年・月・日をすべて入力してください",
                target="subject_birth_date-day", raw=date_inputs("subject_birth_date", "1985", "4", "")),
        Mistake("subject_birth_date", "昭和60年2月に30日はありません", target="subject_birth_date-day",
                raw=date_inputs("subject_birth_date", "昭和60", "2", "30")),
        Mistake("subject_birth_date", "月は1から12の数字で入力してください",
                target="subject_birth_date-month", raw=date_inputs("subject_birth_date", "1985", "13", "1")),
        Mistake("subject_birth_date", "生年月日は今日以前の日付を入力してください",
                target="subject_birth_date-year", values={"subject_birth_date": days(1)}),
        Mistake("subject_postal_code", "郵便番号は7桁の数字で入力してください（例：123-4567）",
                raw={"subject_postal_code": "105"}),
        Mistake("subject_postal_code", "この郵便番号は見つかりません。番号を確かめてください",
                raw={"subject_postal_code": "000-0000"}),
        Mistake("subject_address", "住所の番地を入力してください", target="subject_address-block",
                raw={"subject_address-block": ""}),
        Mistake("subject_address", "住民登録をしている住所を入力してください",
                target="subject_address-prefecture", raw=no_address),
    ], then=f"{PAGES}/contents")


def test_a_birth_date_of_today_is_accepted(client, app, form):
    person = resident(client, app)
    person.at("subject")
    assert moved_to(person.answer("subject", subject_birth_date=days(0)), f"{PAGES}/contents")


def test_the_household_relationship_is_required_and_at_most_20_characters(client, app, form):
    person = resident(client, app, requester="household",
                      requester_name={"family": "佐藤", "given": "一郎"},
                      requester_kana={"family": "サトウ", "given": "イチロウ"},
                      requester_relationship="同" * 20)
    person.at("requester_details")
    person.assert_mistakes("requester_details", [
        Mistake("requester_relationship",
                "住民票が必要な方との続柄は20文字以内で入力してください（現在21文字）",
                raw={"requester_relationship": "同" * 21}),
        Mistake("requester_relationship", "住民票が必要な方との続柄を入力してください",
                raw={"requester_relationship": ""}),
        Mistake("requester_name", "あなたの氏名を入力してください", target="requester_name-family",
                raw={"requester_name-family": "", "requester_name-given": ""}),
    ], then=f"{PAGES}/contents")


def test_the_agents_own_postcode_and_address_are_required(client, app, form):
    person = resident(client, app, **AGENT)
    person.at("requester_details")
    person.assert_mistakes("requester_details", [
        Mistake("requester_postal_code", "あなたの郵便番号を入力してください",
                raw={"requester_postal_code": ""}),
        Mistake("requester_address", "住所の市区町村を入力してください", target="requester_address-city",
                raw={"requester_address-city": ""}),
    ], then=f"{PAGES}/agent")


def test_the_letter_of_authorisation_is_checked_by_content_size_and_count(client, app, form):
    person = resident(client, app, **AGENT)
    person.at("agent")
    wrong_type = "はPDF・JPEG・PNGのファイルではありません。PDF・JPEG・PNGのファイルを選択してください"
    for files, message in [
        (Files(), "委任状の画像またはPDFのファイルを選択してください"),
        (Files(("委任状.gif", GIF)), "委任状.gif" + wrong_type),
        (Files(("委任状.pdf", b"<html>not a pdf</html>")), "委任状.pdf" + wrong_type),
        (Files(("空.pdf", b"")), "空.pdfは空のファイルです"),
        (Files(("大きな委任状.pdf", PDF + b"0" * (5 * 1024 * 1024))),
         "大きな委任状.pdfは5MBを超えています。5MB以下のファイルを選択してください"),
        (Files(("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF)),
         "委任状の画像またはPDFは2ファイルまで添付できます"),
    ]:
        assert_error(person.post(f"{PAGES}/agent", {"power_of_attorney": files.parts()}),
                     "power_of_attorney", message)
    exactly_5mb = PDF + b"0" * (5 * 1024 * 1024 - len(PDF))
    response = person.post(f"{PAGES}/agent", {
        "power_of_attorney": Files(("委任状.pdf", exactly_5mb), ("委任状裏.jpg", JPEG)).parts()})
    assert moved_to(response, f"{PAGES}/contents")


def test_the_contents_of_the_certificate(client, app, form):
    person = resident(client, app)
    page = person.at("contents")
    assert "当てはまるものをすべて選んでください" in page.text  # the checkboxes' own hint
    person.assert_mistakes("contents", [
        Mistake("scope", "記載する方の範囲を選択してください", raw={"scope": ""}, target="scope-0"),
        Mistake("include_items", "記載が必要な事項は表示された選択肢から選んでください",
                raw={"include_items": ["relationship", "my_number"]}, target="include_items-0"),
    ], then=f"{PAGES}/copies_purpose")
    nothing_extra = person.answer("contents", include_items=[])  # all optional: none ticked
    assert moved_to(nothing_extra, f"{PAGES}/copies_purpose")


def test_the_copy_of_id_for_the_post_is_checked(client, app, form):
    person = resident(client, app, receive_method="mail")
    page = person.at("mail")
    assert "簡易書留で送付します。" in page.text
    assert "マイナンバーカードでログインしていない場合は必ず答えてください" in page.text
    for files, message in [
        (Files(("免許証.gif", GIF)),
         "免許証.gifはPDF・JPEG・PNGのファイルではありません。PDF・JPEG・PNGのファイルを選択してください"),
        (Files(("表.jpg", JPEG), ("裏.jpg", JPEG), ("予備.jpg", JPEG)),
         "本人確認書類の写しは2ファイルまで添付できます"),
    ]:
        assert_error(person.post(f"{PAGES}/mail", {"id_document_copy": files.parts()}),
                     "id_document_copy", message)
    # Without the card sign-in, a request by post cannot go on without the copy (issue 20).
    assert_error(person.post(f"{PAGES}/mail", {}), "id_document_copy",
                 "本人確認書類の写しのファイルを選択してください")
    attached = {"id_document_copy": Files(("免許証.jpg", JPEG)).parts()}
    assert moved_to(person.post(f"{PAGES}/mail", attached), f"{PAGES}/contact")


def test_a_resident_signed_in_with_the_card_needs_no_copy_of_id_for_the_post(client, app, form):
    sign_in(client, app)
    person = resident(client, app, receive_method="mail")
    person.at("mail")
    assert moved_to(person.post(f"{PAGES}/mail", {}), f"{PAGES}/contact")


def test_the_names_to_include_are_required_and_at_most_200_characters(client, app, form):
    person = resident(client, app, scope="part", part_member_names="あ" * 200)
    person.at("part_members")
    person.assert_mistakes("part_members", [
        Mistake("part_member_names", "住民票に記載が必要な方の氏名を入力してください",
                raw={"part_member_names": " \r\n "}),
        Mistake("part_member_names",
                "住民票に記載が必要な方の氏名は200文字以内で入力してください（現在201文字）",
                raw={"part_member_names": "あ" * 201}),
    ], then=f"{PAGES}/copies_purpose")


def test_copies_and_purpose_explain_each_mistake(client, app, form):
    person = resident(client, app)
    person.at("copies_purpose")
    person.assert_mistakes("copies_purpose", [
        Mistake("copies", "必要な通数を入力してください", raw={"copies": ""}),
        Mistake("copies", "必要な通数は1から10までの数字で入力してください", raw={"copies": "0"}),
        Mistake("copies", "必要な通数は1から10までの数字で入力してください", raw={"copies": "11"}),
        Mistake("copies", "数字で入力してください", raw={"copies": "二"}),
        Mistake("copies", "整数で入力してください", raw={"copies": "1.5"}),
        Mistake("purpose", "使いみちを選択してください", raw={"purpose": ""}),
        Mistake("purpose_other", "使いみちで「その他」を選んだ場合は、その他の使いみちを入力してください",
                raw={"purpose": "other", "purpose_other": ""}),
        Mistake("purpose_other", "その他の使いみちは200文字以内で入力してください（現在201文字）",
                raw={"purpose_other": "あ" * 201}),
        Mistake("submit_to", "提出先は50文字以内で入力してください（現在51文字）",
                raw={"submit_to": "あ" * 51}),
    ], then=f"{PAGES}/receiving")
    for typed in ("1", "10", "１０"):  # full-width digits as typed with an IME
        assert moved_to(person.answer("copies_purpose", raw={"copies": typed}), f"{PAGES}/receiving")
    other = person.answer("copies_purpose", purpose="other", purpose_other="パスポートの申請")
    assert moved_to(other, f"{PAGES}/receiving")


def test_several_mistakes_on_one_page_are_listed_in_order(client, app, form):
    person = resident(client, app)
    person.at("copies_purpose")
    response = person.answer("copies_purpose", raw={"copies": "0", "purpose": "",
                                                    "submit_to": "あ" * 51})
    assert error_summary(response.text) == [
        ("copies", "必要な通数は1から10までの数字で入力してください"),
        ("purpose", "使いみちを選択してください"),
        ("submit_to", "提出先は50文字以内で入力してください（現在51文字）"),
    ]


def test_the_receiving_method_must_be_chosen(client, app, form):
    person = resident(client, app)
    person.at("receiving")
    person.assert_mistakes("receiving", [
        Mistake("receive_method", "受け取り方法を選択してください", raw={"receive_method": ""},
                target="receive_method-0"),
    ], then=f"{PAGES}/counter")


def test_the_collection_date_is_a_business_day_3_business_days_to_30_days_ahead(client, app, form):
    person = resident(client, app)
    person.at("counter")
    first = add_business_days(TODAY, 3)
    too_soon = f"受取希望日は、今日から3開庁日後（{reiwa(first)}）以降の日付を入力してください"
    sunday = next(days(n) for n in range(12, 19) if days(n).weekday() == 6)
    last = next(days(n) for n in range(30, 0, -1) if is_business_day(days(n)))
    person.assert_mistakes("counter", [
        Mistake("collection_date", too_soon, values={"collection_date": days(0)},
                target="collection_date-year"),
        Mistake("collection_date", too_soon, values={"collection_date": add_business_days(TODAY, 2)},
                target="collection_date-year"),
        Mistake("collection_date", "受取希望日は開庁日（土日祝日・年末年始を除く日）を選んでください。"
                                   f"{reiwa(sunday)}は日曜日です",
                values={"collection_date": sunday}, target="collection_date-year"),
        Mistake("collection_date", "受取希望日は、今日から30日以内の日付を入力してください",
                values={"collection_date": days(31)}, target="collection_date-year"),
        Mistake("counter_office", "受け取る窓口を選択してください", raw={"counter_office": ""}),
    ], then=f"{PAGES}/contact")
    for first_and_last in (first, last):
        assert moved_to(person.answer("counter", collection_date=first_and_last), f"{PAGES}/contact")


def test_a_sunday_over_the_new_year_is_refused_beside_the_field_and_in_the_summary(
        client, app, form, monkeypatch):
    """Issue 20: 受取希望日 on a Sunday was accepted although the hint says 土日祝を除く."""
    hold_clock(monkeypatch, date(2026, 12, 25))  # a Friday; 12/29–1/3 the office is closed
    person = resident(client, app, collection_date=date(2027, 1, 5))
    page = person.at("counter")
    hint = text_of(page.text)
    assert "今日から3開庁日後（2027年1月5日(令和9年1月5日)）以降の日を選べます" in hint
    assert "開庁日（土日祝日・年末年始を除く日）だけを選べます" in hint
    sunday = person.answer("counter", collection_date=date(2027, 1, 10))
    assert_error(sunday, "collection_date", "受取希望日は開庁日（土日祝日・年末年始を除く日）を選んでください。"
                                            "2027年1月10日(令和9年1月10日)は日曜日です", target="collection_date-year")
    too_soon = person.answer("counter", collection_date=date(2027, 1, 4))  # the 2nd 開庁日 only
    assert_error(too_soon, "collection_date", "受取希望日は、今日から3開庁日後（2027年1月5日(令和9年1月5日)）"
                                              "以降の日付を入力してください", target="collection_date-year")
    assert moved_to(person.answer("counter", collection_date=date(2027, 1, 5)), f"{PAGES}/contact")


def test_contact_details_explain_each_mistake(client, app, form):
    person = resident(client, app)
    person.at("contact")
    person.assert_mistakes("contact", [
        Mistake("phone", "電話番号を入力してください", raw={"phone": ""}),
        Mistake("phone", "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）",
                raw={"phone": "090-1234"}),
        Mistake("email", "メールアドレスを正しい形式で入力してください（例：name@example.jp）",
                raw={"email": "hanako.sato@"}),
    ], then=f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_the_first_page_in_english(client, app, form):
    client.get("/language/en?next=/")
    page = resident(client, app).at("who")
    assert "Request for a copy of the residence certificate (juminhyo)" in page.text
    assert "<h1>Who is making the request</h1>" in page.text
    assert "Your relationship to the person whose certificate you need" in page.text
    assert "I am that person" in page.text and "None of these (a third party)" in page.text
    response = resident(client, app).post(f"{PAGES}/who", {})
    assert ("requester-0", "Select Your relationship to the person whose certificate you need") in \
        error_summary(response.text)
