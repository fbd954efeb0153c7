"""保育施設等の利用申込 (form_definitions/hoiku-riyou.yaml), page by page as a resident."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from formsvc.submissions.models import Upload
from tests.identity import ISSUER, sign_in
from tests.resident.library_support import (
    JPEG,
    PDF,
    TODAY,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    days,
    error_summary,
    has_input,
    message_beside,
    moved_to,
    publish,
    published_version_id,
    reiwa,
    stored_submission,
)

FORM = "hoiku-riyou"
PAGES = "/forms/hoiku-riyou/pages"
HOUSEHOLD = f"{PAGES}/household/items"

# 共働きの田中さん夫婦が、2歳の陽菜ちゃんの保育園を申し込む。
def first_start(today: date) -> date:
    """The first 1st of a month that can still be applied for on ``today``: 入所 is on the 1st,
    and the deadline is the 10th of the month before."""
    months_ahead = 1 if today.day <= 10 else 2
    index = today.year * 12 + today.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)


START = first_start(TODAY)
TANAKA = {
    "preschool": True,
    "lives_in_city": True,
    "child_name": {"family": "田中", "given": "陽菜"},
    "child_kana": {"family": "タナカ", "given": "ヒナ"},
    "child_birth_date": date(2024, 6, 10),
    "applicant_name": {"family": "田中", "given": "美穂"},
    "applicant_kana": {"family": "タナカ", "given": "ミホ"},
    "applicant_relationship": "mother",
    "applicant_phone": "090-2222-3333",
    "applicant_email": "miho.tanaka@example.jp",
    "home_postal_code": "100-0001",
    "home_address": {"prefecture": "東京都", "city": "千代田区", "town": "千代田", "block": "1-1",
                     "building": ""},
    "need_reasons": ["work"],
    "facility_1": "chuo",
    "facility_2": "hikari",
    "accept_other_facility": True,
    "desired_start_date": START,
    "care_hours": "standard",
    "employment_certificate": Files(("就労証明書_母.pdf", PDF), ("就労証明書_父.jpg", JPEG)),
    "consent_tax": True,
    "consent_privacy": True,
}
MOTHER = {"member_relationship": "mother", "member_name": {"family": "田中", "given": "美穂"},
          "member_birth_date": date(1991, 2, 14), "member_work_status": "working",
          "member_weekly_hours": 40, "member_workplace": "株式会社デモ商事"}
FATHER = {"member_relationship": "father", "member_name": {"family": "田中", "given": "翔"},
          "member_birth_date": date(1989, 11, 30), "member_work_status": "working",
          "member_weekly_hours": 45, "member_workplace": "デモ市役所"}
GRANDMOTHER = {"member_relationship": "grandmother", "member_name": {"family": "田中", "given": "和子"},
               "member_birth_date": date(1958, 3, 3), "member_work_status": "other",
               "member_weekly_hours": 0}


@pytest.fixture
def form(app):
    return publish(app, FORM)


# The mother signs in with her My Number card: her name and address come from the card.
TANAKA_CARD = {
    "name": "田中 美穂", "birthdate": "1991-02-14", "gender": "female",
    "address": {"formatted": "東京都千代田区千代田1-1", "postal_code": "100-0001", "region": "東京都",
                "locality": "千代田区", "street_address": "千代田1-1"},
}


def resident(client, app, household=(MOTHER, FATHER), **answers) -> Resident:
    if not client.get_cookie("session"):
        sign_in(client, app, claims=TANAKA_CARD, subject="tanaka-miho")
    return Resident(client, app, FORM, answers={**TANAKA, **answers},
                    items={"household": list(household)})


# --- complete applications ------------------------------------------------------------------

def test_working_parents_apply_for_a_nursery_place(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["eligibility_check", "child", "applicant", "home", "household",
                              "reasons", "facilities", "start", "attachments", "consent"]
    sections = check_answers(check.text)
    assert sections["お申し込みの前に"] == {
        "お子さんは小学校入学前ですか": "はい",
        "お子さんと保護者はデモ市に住んでいますか（転入予定を含む）": "はい"}
    assert sections["利用するお子さん"] == {
        "お子さんの氏名": "田中\u3000陽菜", "お子さんのフリガナ": "タナカ\u3000ヒナ",
        "お子さんの生年月日": "2024年6月10日(令和6年6月10日)"}
    assert sections["申込者（保護者）"] == {
        "申込者の氏名": "田中\u3000美穂 マイナンバーカードで確認済み",
        "申込者のフリガナ": "タナカ\u3000ミホ", "お子さんとの続柄": "母",
        "日中の連絡先電話番号": "090-2222-3333", "メールアドレス": "miho.tanaka@example.jp"}
    # From the card, confirmed unchanged by the resident: still marked as verified.
    verified = " マイナンバーカードで確認済み"
    assert sections["お住まい"] == {"郵便番号": "〒100-0001" + verified,
                                 "住所": "東京都千代田区千代田1-1" + verified}
    assert sections["家族 1"] == {
        "お子さんとの続柄": "母", "氏名": "田中\u3000美穂", "生年月日": "1991年2月14日(平成3年2月14日)",
        "就労などの状況": "就労（会社員・自営業・パートなど）", "1週間の就労・就学時間": "40時間",
        "勤務先・学校名": "株式会社デモ商事"}
    assert sections["家族 2"]["氏名"] == "田中\u3000翔"
    assert sections["家族 2"]["1週間の就労・就学時間"] == "45時間"
    assert sections["保育を必要とする理由"] == {"保育を必要とする理由": "就労（月64時間以上）"}
    assert "理由についての詳しい内容" not in sections
    assert sections["希望する施設"] == {
        "第1希望": "デモ市立中央保育園（0〜5歳）", "第2希望": "ひかり保育園（私立・0〜5歳）",
        "第3希望": "（回答なし）",
        "希望した施設に空きがない場合、ほかの施設の案内を希望しますか": "はい"}
    assert sections["利用開始の希望日"] == {"利用開始希望日": reiwa(START),
                                        "希望する保育時間": "保育標準時間（最長11時間）"}
    assert sections["書類の添付"] == {"就労証明書": "就労証明書_母.pdf、就労証明書_父.jpg",
                                   "その他の書類": "（回答なし）"}
    assert sections["同意事項"] == {"税情報の確認": "同意する", "個人情報の取扱い": "同意する"}
    assert "手数料" not in check.text

    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.form_id == FORM
    assert submission.version_id == published_version_id(db_session, FORM)
    assert submission.fee is None
    uploads = {u.filename: u for u in db_session.query(Upload).all()}
    assert {u.submission_id for u in uploads.values()} == {submission.id}
    assert submission.answers["identity"]["issuer"] == ISSUER  # signed in with the card
    assert set(submission.answers["verified"]) == {"applicant_name", "home_postal_code", "home_address"}
    assert submission.answers["verified"]["applicant_name"] == {"source": "mynumber_card", "acr": "aal3"}
    assert {key: submission.answers[key] for key in ("fields", "items")} == {
        "fields": {
            "preschool": True,
            "lives_in_city": True,
            "child_name": {"family": "田中", "given": "陽菜"},
            "child_kana": {"family": "タナカ", "given": "ヒナ"},
            "child_birth_date": "2024-06-10",
            "applicant_name": {"family": "田中", "given": "美穂"},
            "applicant_kana": {"family": "タナカ", "given": "ミホ"},
            "applicant_relationship": "mother",
            "applicant_phone": "09022223333",
            "applicant_email": "miho.tanaka@example.jp",
            "home_postal_code": "1000001",
            "home_address": {"prefecture": "東京都", "city": "千代田区", "town": "千代田",
                             "block": "1-1", "building": ""},
            "need_reasons": ["work"],
            "facility_1": "chuo",
            "facility_2": "hikari",
            "accept_other_facility": True,
            "desired_start_date": START.isoformat(),
            "care_hours": "standard",
            "employment_certificate": [
                {"upload": uploads["就労証明書_母.pdf"].token, "filename": "就労証明書_母.pdf",
                 "content_type": "application/pdf", "size": len(PDF)},
                {"upload": uploads["就労証明書_父.jpg"].token, "filename": "就労証明書_父.jpg",
                 "content_type": "image/jpeg", "size": len(JPEG)},
            ],
            "consent_tax": True,
            "consent_privacy": True,
        },
        "items": {"household": [
            {"member_relationship": "mother", "member_name": {"family": "田中", "given": "美穂"},
             "member_birth_date": "1991-02-14", "member_work_status": "working",
             "member_weekly_hours": 40, "member_workplace": "株式会社デモ商事"},
            {"member_relationship": "father", "member_name": {"family": "田中", "given": "翔"},
             "member_birth_date": "1989-11-30", "member_work_status": "working",
             "member_weekly_hours": 45, "member_workplace": "デモ市役所"},
        ]},
    }


def test_a_pregnant_mother_caring_for_a_grandmother_applies(client, app, form, db_session):
    due = days(60)
    person = resident(client, app, household=(MOTHER, GRANDMOTHER),
                      need_reasons=["pregnancy", "care", "job_seeking", "other"], due_date=due,
                      care_details="同居の祖母（要介護2）の介護を週5日、1日4時間しています。",
                      other_reason="上の子の通院の付き添いが週2回あります。",
                      facility_1="aozora", facility_2="sakura", facility_3="ekimae",
                      accept_other_facility=False, care_hours="unsure",
                      other_documents=Files(("母子健康手帳.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)))
    check = person.apply()
    assert person.visited == ["eligibility_check", "child", "applicant", "home", "household",
                              "reasons", "reason_details", "facilities", "start", "attachments",
                              "consent"]
    sections = check_answers(check.text)
    assert sections["家族 2"]["1週間の就労・就学時間"] == "0時間"  # 0 is an answer
    assert sections["家族 2"]["勤務先・学校名"] == "（回答なし）"
    assert sections["保育を必要とする理由"]["保育を必要とする理由"] == (
        "妊娠・出産、同居親族の介護・看護、求職活動（起業の準備を含む）、その他")
    assert sections["理由についての詳しい内容"] == {
        "出産予定日": reiwa(due),
        "介護・看護の状況": "同居の祖母（要介護2）の介護を週5日、1日4時間しています。",
        "その他の理由": "上の子の通院の付き添いが週2回あります。"}
    assert sections["希望する施設"]["第3希望"] == "デモ駅前保育園（私立・0〜5歳）"
    assert sections["希望する施設"]["希望した施設に空きがない場合、ほかの施設の案内を希望しますか"] == "いいえ"
    assert sections["書類の添付"] == {"その他の書類": "母子健康手帳.png"}

    submission = stored_submission(db_session, person.submit_from_check())
    fields = submission.answers["fields"]
    assert fields["due_date"] == due.isoformat()
    assert fields["facility_3"] == "ekimae"
    assert "employment_certificate" not in fields
    assert submission.answers["items"]["household"][1]["member_weekly_hours"] == 0


# --- exits and conditions ------------------------------------------------------------------------

@pytest.mark.parametrize(("preschool", "lives_in_city", "exit_page", "title", "guidance"), [
    (False, True, "not_preschool_exit", "小学生は学童保育をご利用ください",
     "小学生のお子さんは、放課後児童クラブ（学童保育）をご利用いただけます。"),
    (False, False, "not_preschool_exit", "小学生は学童保育をご利用ください",
     "保育施設は小学校入学前のお子さんが対象です。"),
    (True, False, "not_resident_exit", "お住まいの市区町村へお申し込みください",
     "お住まいの市区町村の保育担当窓口へ申し込んでください。"),
])
def test_the_exit_pages(client, app, form, preschool, lives_in_city, exit_page, title, guidance):
    person = resident(client, app, preschool=preschool, lives_in_city=lives_in_city)
    page = person.apply()
    assert person.visited == ["eligibility_check", exit_page]
    assert f"<h1>{title}</h1>" in page.text and guidance in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/{exit_page}")
    assert moved_to(client.get(f"{PAGES}/child"), f"{PAGES}/{exit_page}")


@pytest.mark.parametrize(("reasons", "shown", "hidden"), [
    (["pregnancy"], ["due_date-year"], ["care_details", "other_reason", "求職活動の場合"]),
    (["care"], ["care_details"], ["due_date-year", "other_reason", "求職活動の場合"]),
    (["job_seeking"], ["求職活動の場合"], ["due_date-year", "care_details", "other_reason"]),
    (["other", "work"], ["other_reason"], ["due_date-year", "care_details", "求職活動の場合"]),
])
def test_the_details_page_asks_only_about_the_reasons_chosen(client, app, form, reasons, shown,
                                                             hidden):
    page = resident(client, app, need_reasons=reasons).at("reason_details").text
    for item in shown:
        assert (has_input(page, item) or item in page), item
    for item in hidden:
        assert not (has_input(page, item) or item in page), item


@pytest.mark.parametrize("reasons", [["work"], ["illness", "study"], ["disaster", "parental_leave"]])
def test_the_details_page_is_skipped_for_other_reasons(client, app, form, reasons):
    person = resident(client, app, need_reasons=reasons)
    person.at("reasons")
    assert moved_to(person.answer("reasons"), f"{PAGES}/facilities")
    assert moved_to(client.get(f"{PAGES}/reason_details"), f"{PAGES}/facilities")


@pytest.mark.parametrize(("reasons", "required_files"), [
    (["work"], ["employment_certificate"]),
    (["illness"], ["medical_certificate"]),
    (["study"], ["study_certificate"]),
    (["work", "illness", "study"], ["employment_certificate", "medical_certificate",
                                    "study_certificate"]),
    (["job_seeking"], []),
])
def test_the_files_asked_follow_the_reasons(client, app, form, reasons, required_files):
    person = resident(client, app, need_reasons=reasons, due_date=days(30))
    page = person.at("attachments").text
    asked = [name for name in ("employment_certificate", "medical_certificate", "study_certificate",
                               "other_documents") if has_input(page, name)]
    assert asked == [*required_files, "other_documents"]
    response = person.post(f"{PAGES}/attachments", {})
    assert [target for target, _ in error_summary(response.text)] == required_files
    if not required_files:
        assert moved_to(response, f"{PAGES}/consent")


# --- household: a repeating page of 1 to 8 ------------------------------------------------------

def test_at_least_one_household_member_is_needed(client, app, form):
    person = resident(client, app)
    assert person.at("household").request.path == f"{HOUSEHOLD}/0"
    response = person.continue_from_items("household")
    assert message_beside(response.text, "add-another") == "家族を1件以上追加してください"
    assert error_summary(response.text) == [("add-another", "家族を1件以上追加してください")]
    assert moved_to(person.answer_item("household", 0, **MOTHER), HOUSEHOLD)
    assert moved_to(person.continue_from_items("household"), f"{PAGES}/reasons")


def test_up_to_eight_household_members(client, app, form):
    person = resident(client, app)
    person.at("household")
    for index in range(8):
        assert moved_to(person.answer_item("household", index, **GRANDMOTHER), HOUSEHOLD)
    summary = client.get(HOUSEHOLD).text
    assert "家族を追加する" not in summary
    assert "家族は8件まで追加できます。" in summary and "家族：8件（1件以上8件まで）" in summary
    assert summary.count("田中\u3000和子") == 8
    assert moved_to(client.get(f"{HOUSEHOLD}/8"), HOUSEHOLD)
    assert moved_to(person.continue_from_items("household"), f"{PAGES}/reasons")


def test_a_household_member_is_checked(client, app, form):
    person = resident(client, app)
    person.at("household")
    hours = "1週間の就労・就学時間は0から80までの数字で入力してください"
    for values, field_id, target, message in [
        ({**MOTHER, "member_weekly_hours": -1}, "member_weekly_hours", None, hours),
        ({**MOTHER, "member_weekly_hours": 81}, "member_weekly_hours", None, hours),
        ({**MOTHER, "member_weekly_hours": None}, "member_weekly_hours", None,
         "1週間の就労・就学時間を入力してください"),
        ({**MOTHER, "member_relationship": ""}, "member_relationship", None,
         "お子さんとの続柄を選択してください"),
        ({**MOTHER, "member_work_status": ""}, "member_work_status", "member_work_status-0",
         "就労などの状況を選択してください"),
        ({**MOTHER, "member_workplace": "あ" * 51}, "member_workplace", None,
         "勤務先・学校名は50文字以内で入力してください（現在51文字）"),
        ({**MOTHER, "member_birth_date": days(1)}, "member_birth_date", "member_birth_date-year",
         "生年月日は今日以前の日付を入力してください"),
    ]:
        assert_error(person.answer_item("household", 0, **values), field_id, message, target=target)
    assert moved_to(person.answer_item("household", 0, **{**MOTHER, "member_weekly_hours": 80}),
                    HOUSEHOLD)


# --- validation on the other pages ---------------------------------------------------------------

def test_both_eligibility_questions_need_an_answer(client, app, form):
    person = resident(client, app)
    person.at("eligibility_check")
    response = person.post(f"{PAGES}/eligibility_check", {})
    assert error_summary(response.text) == [
        ("preschool-0", "お子さんは小学校入学前ですかは「はい」か「いいえ」を選択してください"),
        ("lives_in_city-0",
         "お子さんと保護者はデモ市に住んでいますか（転入予定を含む）は「はい」か「いいえ」を選択してください"),
    ]
    assert moved_to(person.answer("eligibility_check"), f"{PAGES}/child")


def test_the_child_and_the_applicant(client, app, form):
    person = resident(client, app)
    person.at("child")
    person.assert_mistakes("child", [
        Mistake("child_birth_date", "お子さんの生年月日は今日以前の日付を入力してください",
                values={"child_birth_date": days(1)}, target="child_birth_date-year"),
        Mistake("child_kana", "お子さんのフリガナを入力してください", target="child_kana-family",
                raw={"child_kana-family": "", "child_kana-given": ""}),
    ], then=f"{PAGES}/applicant")
    person.assert_mistakes("applicant", [
        Mistake("applicant_relationship", "お子さんとの続柄を選択してください",
                raw={"applicant_relationship": ""}, target="applicant_relationship-0"),
        Mistake("applicant_phone", "日中の連絡先電話番号を入力してください", raw={"applicant_phone": ""}),
        Mistake("applicant_email", "メールアドレスを入力してください", raw={"applicant_email": ""}),
        Mistake("applicant_email", "メールアドレスを正しい形式で入力してください（例：name@example.jp）",
                raw={"applicant_email": "miho.tanaka@example"}),
    ], then=f"{PAGES}/home")


def test_the_home_address(client, app, form):
    person = resident(client, app)
    person.at("home")
    person.assert_mistakes("home", [
        Mistake("home_postal_code", "この郵便番号は見つかりません。番号を確かめてください",
                raw={"home_postal_code": "9999999"}),
        Mistake("home_address", "住所の番地を入力してください", target="home_address-block",
                raw={"home_address-block": ""}),
        Mistake("home_address", "住所の都道府県は80文字以内で入力してください",
                target="home_address-prefecture", raw={"home_address-prefecture": "東" * 81}),
    ], then=f"{PAGES}/household")


def test_at_least_one_reason(client, app, form):
    person = resident(client, app)
    person.at("reasons")
    person.assert_mistakes("reasons", [
        Mistake("need_reasons", "保育を必要とする理由を選択してください", raw={"need_reasons": []},
                target="need_reasons-0"),
        Mistake("need_reasons", "保育を必要とする理由は表示された選択肢から選んでください",
                raw={"need_reasons": ["work", "holiday"]}, target="need_reasons-0"),
    ], then=f"{PAGES}/facilities")


def test_the_reason_details_are_checked(client, app, form):
    person = resident(client, app, need_reasons=["pregnancy", "care", "other"], due_date=days(30),
                      care_details="祖父の介護", other_reason="その他の事情")
    person.at("reason_details")
    person.assert_mistakes("reason_details", [
        Mistake("due_date", f"出産予定日は{reiwa(days(-56))}以降の日付を入力してください",
                values={"due_date": days(-57)}, target="due_date-year"),
        Mistake("due_date", f"出産予定日は{reiwa(days(300))}以前の日付を入力してください",
                values={"due_date": days(301)}, target="due_date-year"),
        Mistake("care_details", "介護・看護の状況を入力してください", raw={"care_details": ""}),
        Mistake("care_details", "介護・看護の状況は500文字以内で入力してください（現在501文字）",
                raw={"care_details": "介" * 501}),
        Mistake("other_reason", "その他の理由を入力してください", raw={"other_reason": ""}),
    ], then=f"{PAGES}/facilities")
    for first_and_last in (days(-56), days(300)):
        assert moved_to(person.answer("reason_details", due_date=first_and_last), f"{PAGES}/facilities")


def test_the_facility_choices_must_differ_and_come_in_order(client, app, form):
    person = resident(client, app)
    person.at("facilities")
    person.assert_mistakes("facilities", [
        Mistake("facility_1", "第1希望を選択してください", raw={"facility_1": ""}),
        Mistake("facility_1", "第1希望は表示された選択肢から選んでください", raw={"facility_1": "tokyo"}),
        Mistake("facility_2", "第2希望には、第1希望と違う施設を選んでください",
                values={"facility_1": "sakura", "facility_2": "sakura"}),
        Mistake("facility_2", "第3希望を選ぶ場合は、先に第2希望を選んでください",
                values={"facility_2": "", "facility_3": "minami"}),
        Mistake("facility_3", "第3希望には、第1希望・第2希望と違う施設を選んでください",
                values={"facility_3": "chuo"}),
        Mistake("facility_3", "第3希望には、第1希望・第2希望と違う施設を選んでください",
                values={"facility_3": "hikari"}),
    ], then=f"{PAGES}/start")
    assert moved_to(person.answer("facilities", facility_3="minami"), f"{PAGES}/start")
    only_first = person.answer("facilities", facility_2="", facility_3="")  # 選択してください
    assert moved_to(only_first, f"{PAGES}/start")


def test_the_start_date_is_a_1st_applied_for_by_the_10th_of_the_month_before(client, app, form):
    person = resident(client, app)
    page = person.at("start")
    assert "毎月1日だけを選べます" in page.text and "申込の締切は、選んだ日の前月10日です" in page.text
    missed = date(START.year - (START.month == 1), START.month - 1 or 12, 1)  # its deadline has passed
    last = next(days(n) for n in range(365, 300, -1) if days(n).day == 1)
    person.assert_mistakes("start", [
        Mistake("desired_start_date", f"利用開始希望日は毎月1日の日付を入力してください（例：{reiwa(START)}）",
                values={"desired_start_date": START - timedelta(days=1)}, target="desired_start_date-year"),
        Mistake("desired_start_date", "利用開始希望日は、1年以内の日付を入力してください",
                values={"desired_start_date": days(366)}, target="desired_start_date-year"),
        Mistake("care_hours", "希望する保育時間を選択してください", raw={"care_hours": ""},
                target="care_hours-0"),
    ], then=f"{PAGES}/attachments")
    if missed > TODAY:  # after the 10th: next month's 1st is past its deadline
        deadline = date(TODAY.year, TODAY.month, 10)
        person.assert_mistakes("start", [
            Mistake("desired_start_date", f"利用開始希望日を{reiwa(missed)}にする申込の締切（前月10日、"
                                          f"{reiwa(deadline)}）を過ぎています。今から選べるのは{reiwa(START)}以降です",
                    values={"desired_start_date": missed}, target="desired_start_date-year"),
        ], then=f"{PAGES}/attachments")
    for first_and_last in (START, last):
        assert moved_to(person.answer("start", desired_start_date=first_and_last),
                        f"{PAGES}/attachments")


def test_the_employment_certificates_are_checked(client, app, form):
    person = resident(client, app)
    person.at("attachments")
    for files, message in [
        (Files(), "就労証明書のファイルを選択してください"),
        (Files(*[(f"就労証明書{n}.pdf", PDF) for n in range(4)]), "就労証明書は3ファイルまで添付できます"),
        (Files(("就労証明書.docx", b"PK\x03\x04" + b"\0" * 32)),
         "就労証明書.docxはPDF・JPEG・PNGのファイルではありません。PDF・JPEG・PNGのファイルを選択してください"),
    ]:
        response = person.post(f"{PAGES}/attachments", {"employment_certificate": files.parts()})
        assert_error(response, "employment_certificate", message)
    three = Files(*[(f"就労証明書{n}.pdf", PDF) for n in range(3)])
    response = person.post(f"{PAGES}/attachments", {"employment_certificate": three.parts()})
    assert moved_to(response, f"{PAGES}/consent")


def test_both_consents_must_be_ticked(client, app, form):
    person = resident(client, app)
    person.at("consent")
    person.assert_mistakes("consent", [
        Mistake("consent_tax", "税情報の確認に同意する場合はチェックを入れてください",
                values={"consent_tax": False},
                target="consent_tax-0"),
        Mistake("consent_privacy", "個人情報の取扱いに同意する場合はチェックを入れてください",
                values={"consent_privacy": False},
                target="consent_privacy-0"),
    ], then=f"/forms/{FORM}/check")


# --- English -----------------------------------------------------------------------------------

def test_the_first_page_in_english(client, app, form):
    person = resident(client, app)
    client.get("/language/en?next=/")
    page = person.at("eligibility_check")
    assert "Application for a place at a nursery (childcare eligibility)" in page.text
    assert "<h1>Before you start</h1>" in page.text
    assert "Is your child not yet at primary school?" in page.text
    assert "Do you and your child live in Demo City (or are you about to move here)?" in page.text
    assert ">Yes</label>" in page.text and ">No</label>" in page.text
