"""児童手当 認定請求 (form_definitions/jidoteate-nintei.yaml), page by page as a resident."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.crypto import decrypt
from formsvc.submissions.models import Upload
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

FORM = "jidoteate-nintei"
PAGES = "/forms/jidoteate-nintei/pages"
CHILDREN = f"{PAGES}/children/items"

# 鈴木美咲さん（会社員）が、3日前に生まれた第1子の児童手当を請求する。夫と同居、所得は美咲さんが高い。
BORN = days(-3)
MISAKI = {
    "insurance_type": "employee",
    "claim_reason": "birth",
    "reason_date": BORN,
    "claimant_name": {"family": "鈴木", "given": "美咲"},
    "claimant_kana": {"family": "スズキ", "given": "ミサキ"},
    "claimant_birth_date": date(1992, 8, 3),
    "claimant_gender": "female",
    "claimant_postal_code": "160-0023",
    "claimant_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                         "block": "2-8-1", "building": "デモレジデンス502"},
    "claimant_phone": "080-9876-5432",
    "claimant_my_number_value": "1234 5678 9018",
    "has_spouse": True,
    "spouse_name": {"family": "鈴木", "given": "健太"},
    "spouse_kana": {"family": "スズキ", "given": "ケンタ"},
    "spouse_birth_date": date(1990, 1, 20),
    "spouse_lives_together": True,
    "higher_income": "claimant",
    "use_public_account": False,
    "bank_name": "デモ銀行",
    "branch_name": "西新宿支店",
    "account_type": "ordinary",
    "account_number": "0012345",
    "account_holder_kana": {"family": "スズキ", "given": "ミサキ"},
    "bank_book_copy": Files(("通帳.jpg", JPEG)),
    "consent_records": True,
    "consent_privacy": True,
}
HINATA = {"child_name": {"family": "鈴木", "given": "陽向"},
          "child_kana": {"family": "スズキ", "given": "ヒナタ"},
          "child_birth_date": BORN, "child_relationship": "child", "child_lives_with": True}
SORA = {"child_name": {"family": "鈴木", "given": "蒼空"},
        "child_kana": {"family": "スズキ", "given": "ソラ"},
        "child_birth_date": date(2012, 5, 5), "child_relationship": "stepchild",
        "child_lives_with": False, "child_separate_address": "長野県松本市〇〇1-2-3（寮）"}


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, children=(HINATA,), **answers) -> Resident:
    return Resident(client, app, FORM, answers={**MISAKI, **answers},
                    items={"children": list(children)})


# --- complete applications ------------------------------------------------------------------

def test_a_mother_applies_for_her_newborn(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["insurance", "reason", "claimant", "claimant_contact",
                              "claimant_my_number", "spouse_question", "spouse", "children",
                              "payment_choice", "bank", "consent"]
    sections = check_answers(check.text)
    assert sections["加入している健康保険"] == {
        "請求する方が加入している健康保険の種類": "健康保険（会社員など。協会けんぽ・健康保険組合）"}
    assert sections["請求の理由"] == {"請求の理由": "子どもが生まれた（第1子の出生）",
                                    "理由が生じた日": reiwa(BORN)}
    assert sections["請求する方（請求者）"] == {
        "氏名": "鈴木\u3000美咲", "フリガナ": "スズキ\u3000ミサキ",
        "生年月日": "1992年8月3日(平成4年8月3日)", "性別": "女"}
    assert sections["請求者の住所と連絡先"] == {
        "郵便番号": "〒160-0023", "住所": "東京都新宿区西新宿2-8-1\u3000デモレジデンス502",
        "電話番号": "080-9876-5432"}
    # The My Number is masked: only its last four digits are ever shown.
    assert sections["請求者の個人番号（マイナンバー）"] == {"請求者の個人番号": "********9018"}
    assert "123456789018" not in check.text
    assert sections["配偶者"] == {"配偶者はいますか": "はい"}
    assert sections["配偶者について"] == {
        "配偶者の氏名": "鈴木\u3000健太", "配偶者のフリガナ": "スズキ\u3000ケンタ",
        "配偶者の生年月日": "1990年1月20日(平成2年1月20日)", "配偶者と同居していますか": "はい",
        "別居している配偶者の住所と別居の理由": "（回答なし）",
        "あなたと配偶者のどちらの所得が高いですか": "請求者（あなた）"}
    assert sections["子ども 1"] == {
        "子どもの氏名": "鈴木\u3000陽向", "子どものフリガナ": "スズキ\u3000ヒナタ",
        "子どもの生年月日": reiwa(BORN), "請求者との続柄": "子", "この子どもと同居していますか": "はい",
        "別居している子どもの住所": "（回答なし）"}
    assert sections["振込先の口座"] == {
        "金融機関名": "デモ銀行", "支店名": "西新宿支店", "預金種目": "普通", "口座番号": "0012345",
        "口座名義（カナ）": "スズキ\u3000ミサキ", "通帳またはキャッシュカードの写し": "通帳.jpg"}
    assert sections["同意事項"] == {"公簿等の確認": "同意する", "個人情報の取扱い": "同意する"}
    assert fee_shown(check.text) is None  # no fee

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    done = client.get(f"/forms/{FORM}/done/{number}")
    assert "123456789018" not in done.text and "手数料" not in done.text
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee is None
    upload = db_session.query(Upload).one()
    assert upload.submission_id == submission.id
    # The My Number is stored encrypted (formsvc.crypto); the application's keys read it back.
    stored_my_number = submission.answers["fields"]["claimant_my_number_value"]
    assert "123456789018" not in stored_my_number
    with app.app_context():
        assert decrypt(stored_my_number) == "123456789018"
    assert submission.answers == {
        "fields": {
            "insurance_type": "employee",
            "claim_reason": "birth",
            "reason_date": BORN.isoformat(),
            "claimant_name": {"family": "鈴木", "given": "美咲"},
            "claimant_kana": {"family": "スズキ", "given": "ミサキ"},
            "claimant_birth_date": "1992-08-03",
            "claimant_gender": "female",
            "claimant_postal_code": "1600023",
            "claimant_address": {"prefecture": "東京都", "city": "新宿区", "town": "西新宿",
                                 "block": "2-8-1", "building": "デモレジデンス502"},
            "claimant_phone": "08098765432",
            "claimant_my_number_value": stored_my_number,
            "has_spouse": True,
            "spouse_name": {"family": "鈴木", "given": "健太"},
            "spouse_kana": {"family": "スズキ", "given": "ケンタ"},
            "spouse_birth_date": "1990-01-20",
            "spouse_lives_together": True,
            "higher_income": "claimant",
            "use_public_account": False,
            "bank_name": "デモ銀行",
            "branch_name": "西新宿支店",
            "account_type": "ordinary",
            "account_number": "0012345",
            "account_holder_kana": {"family": "スズキ", "given": "ミサキ"},
            "bank_book_copy": [{"upload": upload.token, "filename": "通帳.jpg",
                                "content_type": "image/jpeg", "size": len(JPEG)}],
            "consent_records": True,
            "consent_privacy": True,
        },
        "items": {"children": [{
            "child_name": {"family": "鈴木", "given": "陽向"},
            "child_kana": {"family": "スズキ", "given": "ヒナタ"},
            "child_birth_date": BORN.isoformat(),
            "child_relationship": "child",
            "child_lives_with": True,
        }]},
    }


def test_a_single_parent_who_moved_in_with_two_children_and_a_public_funds_account(
        client, app, form, db_session):
    person = resident(client, app, children=(HINATA, SORA), claim_reason="moved_in",
                      previous_municipality="大阪府大阪市北区", has_spouse=False,
                      use_public_account=True)
    check = person.apply()
    assert person.visited == ["insurance", "reason", "previous_address", "claimant",
                              "claimant_contact", "claimant_my_number", "spouse_question",
                              "children", "payment_choice", "consent"]
    sections = check_answers(check.text)
    assert sections["転入前の住所"] == {"転入前の市区町村": "大阪府大阪市北区"}
    assert "配偶者について" not in sections and "振込先の口座" not in sections
    assert sections["子ども 2"]["子どもの生年月日"] == "2012年5月5日(平成24年5月5日)"
    assert sections["子ども 2"]["請求者との続柄"] == "配偶者の子"
    assert sections["子ども 2"]["この子どもと同居していますか"] == "いいえ"
    assert sections["子ども 2"]["別居している子どもの住所"] == "長野県松本市〇〇1-2-3（寮）"
    assert sections["受け取る口座"] == {
        "公金受取口座（マイナポータルで登録した口座）で受け取りますか": "はい"}

    submission = stored_submission(db_session, person.submit_from_check())
    fields = submission.answers["fields"]
    assert fields["previous_municipality"] == "大阪府大阪市北区"
    assert fields["has_spouse"] is False and fields["use_public_account"] is True
    for skipped in ("spouse_name", "higher_income", "bank_name", "account_number", "bank_book_copy"):
        assert skipped not in fields
    assert [child["child_name"]["given"] for child in submission.answers["items"]["children"]] == [
        "陽向", "蒼空"]
    assert submission.answers["items"]["children"][1]["child_separate_address"] == \
        "長野県松本市〇〇1-2-3（寮）"


# --- exits and conditions ------------------------------------------------------------------------

def test_a_public_servant_is_sent_to_their_employer(client, app, form):
    person = resident(client, app, insurance_type="mutual_aid")
    page = person.apply()
    assert person.visited == ["insurance", "public_servant_exit"]
    assert "<h1>勤務先で請求してください</h1>" in page.text
    assert "勤務先の担当部署で請求してください。" in page.text
    assert "こども家庭課へお問い合わせください。" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/public_servant_exit")
    assert moved_to(client.get(f"{PAGES}/reason"), f"{PAGES}/public_servant_exit")


def test_when_the_spouse_earns_more_the_spouse_must_apply(client, app, form):
    person = resident(client, app, higher_income="spouse")
    page = person.apply()
    assert person.visited[-2:] == ["spouse", "spouse_should_apply"]
    assert "<h1>配偶者の方が請求してください</h1>" in page.text
    assert "配偶者の方があらためて申請してください。" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/spouse_should_apply")
    assert moved_to(client.get(f"{CHILDREN}"), f"{PAGES}/spouse_should_apply")


@pytest.mark.parametrize(("reason", "next_page"), [
    ("moved_in", "previous_address"), ("birth", "claimant"), ("left_public_service", "claimant"),
    ("other", "claimant")])
def test_the_previous_address_is_asked_only_after_moving_in(client, app, form, reason, next_page):
    person = resident(client, app)
    person.at("reason")
    assert moved_to(person.answer("reason", claim_reason=reason), f"{PAGES}/{next_page}")


@pytest.mark.parametrize(("has_spouse", "next_path"), [
    (True, f"{PAGES}/spouse"), (False, f"{PAGES}/children/items/0")])
def test_the_spouse_page_is_asked_only_with_a_spouse(client, app, form, has_spouse, next_path):
    person = resident(client, app)
    person.at("spouse_question")
    response = person.answer("spouse_question", has_spouse=has_spouse)
    assert response.status_code == 302
    assert client.get(response.location, follow_redirects=True).request.path == next_path


@pytest.mark.parametrize(("public_account", "next_page"), [(True, "consent"), (False, "bank")])
def test_bank_details_are_asked_only_without_a_public_funds_account(
        client, app, form, public_account, next_page):
    person = resident(client, app)
    person.at("payment_choice")
    assert moved_to(person.answer("payment_choice", use_public_account=public_account),
                    f"{PAGES}/{next_page}")


# --- children: a repeating page of 1 to 10 ------------------------------------------------------

def test_at_least_one_child_is_needed(client, app, form):
    person = resident(client, app)
    first = person.at("children")
    assert first.request.path == f"{CHILDREN}/0"  # no child yet: straight to the first one
    response = person.continue_from_items("children")
    assert response.status_code == 200
    assert error_summary(response.text) == [("add-another", "子どもを1件以上追加してください")]
    assert message_beside(response.text, "add-another") == "子どもを1件以上追加してください"
    assert moved_to(person.answer_item("children", 0, **HINATA), CHILDREN)
    summary = client.get(CHILDREN)
    assert "子ども：1件（1件以上10件まで）" in summary.text and "鈴木\u3000陽向" in summary.text
    assert moved_to(person.continue_from_items("children"), f"{PAGES}/payment_choice")


def test_up_to_ten_children(client, app, form, db_session):
    person = resident(client, app)
    person.at("children")
    names = ["一郎", "二郎", "三郎", "四郎", "五郎", "六郎", "七郎", "八郎", "九郎", "十郎"]
    for index, given in enumerate(names):
        child = {**HINATA, "child_name": {"family": "鈴木", "given": given},
                 "child_birth_date": date(2010 + index, 4, 1)}
        assert moved_to(person.answer_item("children", index, **child), CHILDREN)
        summary = client.get(CHILDREN).text
        assert ("子どもを追加する" in summary) == (index < 9)
    assert "子どもは10件まで追加できます。" in summary
    assert "子ども：10件（1件以上10件まで）" in summary
    assert moved_to(client.get(f"{CHILDREN}/10"), CHILDREN)  # an eleventh cannot be started
    assert moved_to(person.continue_from_items("children"), f"{PAGES}/payment_choice")
    person.resume(f"{PAGES}/payment_choice")  # the remaining pages
    submission = stored_submission(db_session, person.submit_from_check())
    assert [c["child_name"]["given"] for c in submission.answers["items"]["children"]] == names


def test_a_child_is_checked_like_any_other_answer(client, app, form):
    person = resident(client, app)
    person.at("children")
    for values, field_id, target, message in [
        ({**HINATA, "child_birth_date": days(1)}, "child_birth_date", "child_birth_date-year",
         "子どもの生年月日は今日以前の日付を入力してください"),
        ({**HINATA, "child_relationship": ""}, "child_relationship", "child_relationship",
         "請求者との続柄を選択してください"),
        ({**HINATA, "child_lives_with": None}, "child_lives_with", "child_lives_with-0",
         "この子どもと同居していますかは「はい」か「いいえ」を選択してください"),
        ({**HINATA, "child_separate_address": "あ" * 101}, "child_separate_address",
         "child_separate_address", "別居している子どもの住所は100文字以内で入力してください（現在101文字）"),
        ({**HINATA, "child_kana": {"family": "すずき", "given": "Hinata"}}, "child_kana",
         "child_kana-given", "メイはカタカナで入力してください"),
    ]:
        assert_error(person.answer_item("children", 0, **values), field_id, message, target=target)
    assert moved_to(person.answer_item("children", 0, **HINATA), CHILDREN)


# --- validation on the other pages ---------------------------------------------------------------

def test_the_insurance_must_be_chosen(client, app, form):
    person = resident(client, app)
    person.at("insurance")
    person.assert_mistakes("insurance", [
        Mistake("insurance_type", "請求する方が加入している健康保険の種類を選択してください",
                raw={"insurance_type": ""}, target="insurance_type-0"),
    ], then=f"{PAGES}/reason")


def test_the_reason_and_its_date(client, app, form):
    person = resident(client, app)
    person.at("reason")
    person.assert_mistakes("reason", [
        Mistake("claim_reason", "請求の理由を選択してください", raw={"claim_reason": ""},
                target="claim_reason-0"),
        Mistake("reason_date", "理由が生じた日は今日以前の日付を入力してください",
                values={"reason_date": days(1)}, target="reason_date-year"),
    ], then=f"{PAGES}/claimant")


def test_the_previous_municipality_is_required_and_at_most_40_characters(client, app, form):
    person = resident(client, app, claim_reason="moved_in", previous_municipality="北海道札幌市中央区")
    person.at("previous_address")
    person.assert_mistakes("previous_address", [
        Mistake("previous_municipality", "転入前の市区町村を入力してください",
                raw={"previous_municipality": ""}),
        Mistake("previous_municipality", "転入前の市区町村は40文字以内で入力してください（現在41文字）",
                raw={"previous_municipality": "あ" * 41}),
    ], then=f"{PAGES}/claimant")


def test_the_claimant_was_born_before_the_reason_date(client, app, form):
    person = resident(client, app)
    person.at("claimant")
    rule = "生年月日は、請求の理由が生じた日より前の日付を入力してください"
    person.assert_mistakes("claimant", [
        Mistake("claimant_birth_date", rule, values={"claimant_birth_date": BORN},
                target="claimant_birth_date-year"),
        Mistake("claimant_birth_date", rule, values={"claimant_birth_date": days(0)},
                target="claimant_birth_date-year"),
        Mistake("claimant_birth_date", "生年月日は今日以前の日付を入力してください",
                values={"claimant_birth_date": days(1)}, target="claimant_birth_date-year"),
        Mistake("claimant_gender", "性別を選択してください", raw={"claimant_gender": ""},
                target="claimant_gender-0"),
    ], then=f"{PAGES}/claimant_contact")
    day_before = date.fromordinal(BORN.toordinal() - 1)
    assert moved_to(person.answer("claimant", claimant_birth_date=day_before),
                    f"{PAGES}/claimant_contact")


def test_the_claimants_address_and_phone(client, app, form):
    person = resident(client, app)
    person.at("claimant_contact")
    person.assert_mistakes("claimant_contact", [
        Mistake("claimant_postal_code", "郵便番号は7桁の数字で入力してください（例：123-4567）",
                raw={"claimant_postal_code": "16000231"}),
        Mistake("claimant_phone",
                "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）",
                raw={"claimant_phone": "80-9876-5432"}),
    ], then=f"{PAGES}/claimant_my_number")


def test_the_my_number_is_checked_and_never_shown_again(client, app, form):
    person = resident(client, app)
    page = person.at("claimant_my_number")
    assert "児童手当法施行規則により請求者の個人番号の記載が必要です" in page.text
    person.assert_mistakes("claimant_my_number", [
        Mistake("claimant_my_number_value", "請求者の個人番号を入力してください",
                raw={"claimant_my_number_value": ""}),
        Mistake("claimant_my_number_value", "個人番号は12桁の数字で入力してください",
                raw={"claimant_my_number_value": "1234 5678 901"}),
        Mistake("claimant_my_number_value", "個人番号が正しくありません。番号を確かめてください",
                raw={"claimant_my_number_value": "123456789012"}),
    ], then=f"{PAGES}/spouse_question")
    again = client.get(f"{PAGES}/claimant_my_number")  # back to the page
    assert 'name="claimant_my_number_value"' in again.text
    assert "123456789018" not in again.text and "1234 5678 9018" not in again.text


def test_the_spouse_question_needs_yes_or_no(client, app, form):
    person = resident(client, app)
    person.at("spouse_question")
    person.assert_mistakes("spouse_question", [
        Mistake("has_spouse", "配偶者はいますかは「はい」か「いいえ」を選択してください",
                raw={"has_spouse": ""}, target="has_spouse-0"),
    ], then=f"{PAGES}/spouse")


def test_a_spouse_living_apart_needs_an_address_and_reason(client, app, form):
    person = resident(client, app)
    person.at("spouse")
    rule = "配偶者と同居していない場合は、配偶者の住所と別居の理由を入力してください"
    person.assert_mistakes("spouse", [
        Mistake("spouse_separate_address", rule, values={"spouse_lives_together": False}),
        Mistake("spouse_separate_address",
                "別居している配偶者の住所と別居の理由は200文字以内で入力してください（現在201文字）",
                values={"spouse_lives_together": False, "spouse_separate_address": "あ" * 201}),
        Mistake("higher_income", "あなたと配偶者のどちらの所得が高いですかを選択してください",
                raw={"higher_income": ""}, target="higher_income-0"),
        Mistake("spouse_birth_date", "配偶者の生年月日は今日以前の日付を入力してください",
                values={"spouse_birth_date": days(1)}, target="spouse_birth_date-year"),
    ], then=f"{PAGES}/children")
    apart = person.answer("spouse", spouse_lives_together=False,
                          spouse_separate_address="大阪府大阪市北区梅田1-2-3（単身赴任のため）")
    assert moved_to(apart, f"{PAGES}/children")


def test_payment_choice_needs_yes_or_no(client, app, form):
    person = resident(client, app)
    person.at("payment_choice")
    person.assert_mistakes("payment_choice", [
        Mistake("use_public_account",
                "公金受取口座（マイナポータルで登録した口座）で受け取りますかは「はい」か「いいえ」を選択してください",
                raw={"use_public_account": ""}, target="use_public_account-0"),
    ], then=f"{PAGES}/bank")


def test_the_bank_account_is_checked(client, app, form):
    person = resident(client, app)
    person.at("bank")
    seven_digits = "口座番号は7桁の数字で入力してください。7桁に満たない場合は前に0を付けてください"
    person.assert_mistakes("bank", [
        Mistake("bank_name", "金融機関名を入力してください", raw={"bank_name": ""}),
        Mistake("bank_name", "金融機関名は30文字以内で入力してください（現在31文字）",
                raw={"bank_name": "あ" * 31}),
        Mistake("branch_name", "支店名は30文字以内で入力してください（現在31文字）",
                raw={"branch_name": "あ" * 31}),
        Mistake("account_type", "預金種目を選択してください", raw={"account_type": ""},
                target="account_type-0"),
        Mistake("account_number", seven_digits, raw={"account_number": "12345"}),
        Mistake("account_number", seven_digits, raw={"account_number": "00123456"}),
        Mistake("account_number", seven_digits, raw={"account_number": "001234a"}),
        Mistake("account_holder_kana", "セイはカタカナで入力してください",
                raw={"account_holder_kana-family": "鈴木"}, target="account_holder_kana-family"),
    ], then=f"{PAGES}/consent")


def test_an_account_number_typed_in_full_width_digits_is_accepted(client, app, form):
    person = resident(client, app)
    person.at("bank")
    assert moved_to(person.answer("bank", raw={"account_number": "００１２３４５"}), f"{PAGES}/consent")


def test_the_bank_book_copy_is_required_and_checked(client, app, form):
    person = resident(client, app)
    person.at("bank")
    data = person.inputs_for(person.page("bank"), person.answers)
    for files, message in [
        (Files(), "通帳またはキャッシュカードの写しのファイルを選択してください"),
        (Files(("通帳.gif", GIF)),
         "通帳.gifはPDF・JPEG・PNGのファイルではありません。PDF・JPEG・PNGのファイルを選択してください"),
        (Files(("通帳.pdf", PDF + b"0" * (5 * 1024 * 1024))),
         "通帳.pdfは5MBを超えています。5MB以下のファイルを選択してください"),
        (Files(("表.jpg", JPEG), ("裏.jpg", JPEG)),
         "通帳またはキャッシュカードの写しは1ファイルまで添付できます"),
    ]:
        response = person.post(f"{PAGES}/bank", {**data, "bank_book_copy": files.parts()})
        assert_error(response, "bank_book_copy", message)
    response = person.post(f"{PAGES}/bank", {**data, "bank_book_copy": Files(("通帳.pdf", PDF)).parts()})
    assert moved_to(response, f"{PAGES}/consent")


def test_both_consents_must_be_ticked(client, app, form):
    person = resident(client, app)
    person.at("consent")
    response = person.post(f"{PAGES}/consent", {})
    assert error_summary(response.text) == [
        ("consent_records-0", "公簿等の確認に同意する場合はチェックを入れてください"),
        ("consent_privacy-0", "個人情報の取扱いに同意する場合はチェックを入れてください"),
    ]
    person.assert_mistakes("consent", [
        Mistake("consent_privacy", "個人情報の取扱いに同意する場合はチェックを入れてください",
                values={"consent_privacy": False},
                target="consent_privacy-0"),
    ], then=f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_the_first_page_in_english(client, app, form):
    client.get("/language/en?next=/")
    page = resident(client, app).at("insurance")
    assert "Application for child allowance (jido teate)" in page.text
    assert "<h1>Your health insurance</h1>" in page.text
    assert "The health insurance of the person applying" in page.text
    assert "Mutual aid association (public servants)" in page.text
    assert "Public servants (members of a mutual aid association) receive the allowance" in page.text
