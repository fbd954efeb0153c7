"""子ども医療費助成 受給者証の交付申請 (form_definitions/kodomo-iryohi.yaml), page by page as a resident.

The clock is held on one day, so that ages, school years and the end of eligibility do not move.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.fields import filekinds
from tests.resident.library_support import (
    JPEG,
    Files,
    Mistake,
    Resident,
    assert_confirmation,
    assert_error,
    check_answers,
    moved_to,
    publish,
    stored_submission,
    text_of,
)

FORM = "kodomo-iryohi"
PAGES = f"/forms/{FORM}/pages"
DAY = date(2026, 12, 7)

# 小林さんが、3歳の娘の受給者証を申請する (協会けんぽの被扶養者)。
KOBAYASHI = {
    "guardian_name": {"family": "小林", "given": "誠"},
    "guardian_kana": {"family": "コバヤシ", "given": "マコト"},
    "guardian_birth_date": date(1988, 2, 3),
    "guardian_postal_code": "105-0011",
    "guardian_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                         "block": "4-2-8", "building": ""},
    "guardian_phone": "090-3333-4444",
    "lived_here_on_january_1": True,
    "child_name": {"family": "小林", "given": "葵"},
    "child_kana": {"family": "コバヤシ", "given": "アオイ"},
    "child_birth_date": date(2023, 5, 10),
    "child_relationship": "parent",
    "insurance_type": "employee",
    "insurer_number": "01130012",
    "insured_symbol": "1234",
    "insured_number": "56",
    "other_subsidies": ["none"],
    "insurance_card_copy": Files(("資格確認書.jpg", JPEG)),
    "receive_method": "mail",
}


@pytest.fixture(autouse=True)
def on_one_day(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(DAY, time(10, 0), clock.JST))


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, **answers) -> Resident:
    return Resident(client, app, FORM, answers={**KOBAYASHI, **answers})


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", text_of(match.group(1)))


def test_a_three_year_old_gets_the_infant_certificate(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["guardian", "child", "insurance", "other_benefits", "attachments", "receiving"]
    sections = check_answers(check.text)
    assert sections["お子さんの健康保険"]["保険者番号"] == "01130012"
    assert sections["ほかに受けている助成"] == {"お子さんが受けている助成・制度": "該当なし"}
    assert "3歳" in _section(check.text, "計算結果")
    # 18歳に達する日 (2041年5月9日) 以後の最初の3月31日.
    assert "2042年3月31日" in _section(check.text, "期限")
    certificates = _section(check.text, "交付する医療証")
    assert "乳幼児医療証（就学前のお子さん）" in certificates
    assert "子ども医療証（小学生・中学生）" not in certificates and "高校生等医療証" not in certificates
    assert "所得課税証明書" not in check.text  # lived here on 1 January
    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.computed == {"child_age": "3", "eligible_until": "2042-03-31"}
    assert submission.answers["fields"]["other_subsidies"] == ["none"]


def test_an_elementary_school_child_shows_the_school_year(client, app, form):
    check = resident(client, app, child_birth_date=date(2015, 6, 1)).apply()
    assert "5年生" in _section(check.text, "計算結果")  # born in 2015年度: 小学5年生 in 2026年度
    assert "子ども医療証（小学生・中学生）" in _section(check.text, "交付する医療証")


def test_a_junior_high_school_child(client, app, form):
    check = resident(client, app, child_birth_date=date(2011, 4, 2)).apply()  # 平成23年度生まれ: 中学3年生
    assert "お子さんの学年（今年度・中学校）" in check.text and "3年生" in _section(check.text, "計算結果")
    assert "子ども医療証（小学生・中学生）" in _section(check.text, "交付する医療証")


@pytest.mark.parametrize(("born", "label", "value"), [
    (date(2015, 6, 1), "Child's year at elementary school (this school year)", "5 of 6"),
    (date(2011, 4, 2), "Child's year at junior high school (this school year)", "3 of 3"),
])
def test_the_school_year_reads_naturally_in_english(client, app, form, born, label, value):
    """Not "5 (year)": English has no counter word like 年生, so the year is said out of the
    school's years."""
    client.get("/language/en")
    check = resident(client, app, child_birth_date=born).apply()
    calculated = _section(check.text, "Calculated")
    assert re.search(re.escape(label) + r"\s*" + re.escape(value), calculated), calculated
    assert "(year)" not in calculated


def test_an_eighteen_year_old_born_on_2_april_is_covered_until_31_march(client, app, form):
    check = resident(client, app, child_birth_date=date(2008, 4, 2)).apply()
    youth = _section(check.text, "交付する医療証")
    assert "高校生等医療証（高校生年代のお子さん）" in youth and "2027年3月31日" in youth


def test_a_child_born_on_1_april_reached_18_the_day_before_and_is_not_covered(client, app, form):
    # Born 2008-04-01: 18歳に達する日 is 2026-03-31, so eligibility ended on that very day.
    person = resident(client, app)
    person.at("child")
    message = "お子さんは18歳に達した日以後の最初の3月31日を過ぎているため、対象外です"
    response = person.answer("child", child_birth_date=date(2008, 4, 1))
    assert_error(response, "child_birth_date", message, target="child_birth_date-year")
    person.assert_mistakes("child", [
        Mistake("child_birth_date", "19歳以上のお子さんは対象外です（18歳に達した日以後の最初の3月31日まで）",
                values={"child_birth_date": date(2007, 12, 6)}, target="child_birth_date-year"),
    ], then=f"{PAGES}/insurance")


KOKUHO_SIX = ("国民健康保険（国保組合を含む）の保険者番号は6桁です。"
              "資格確認書・保険証の「保険者番号」欄を確認してください")
OTHERS_EIGHT = "社会保険・共済組合の保険者番号は8桁です。資格確認書・保険証の「保険者番号」欄を確認してください"
WRONG_LENGTH = "保険者番号は6桁（国民健康保険）または8桁の数字で入力してください。保険証に記載の番号を確認してください"


@pytest.mark.parametrize(("insurance", "typed", "message"), [
    ("kokuho", "01130012", KOKUHO_SIX),
    ("kokuho_union", "01130012", KOKUHO_SIX),
    ("employee", "138016", OTHERS_EIGHT),
    ("employee", "01130013", "保険者番号が正しくありません。保険証に記載の番号を確認してください"),
    ("mutual_aid", "12345", WRONG_LENGTH),
])
def test_the_insurer_number_fits_the_insurance(client, app, form, insurance, typed, message):
    person = resident(client, app)
    person.at("insurance")
    response = person.answer("insurance", insurance_type=insurance, raw={"insurer_number": typed})
    assert_error(response, "insurer_number", message)


@pytest.mark.parametrize(("insurance", "typed"), [
    ("kokuho", "138016"), ("employee", "０１１３-００１２"), ("mutual_aid", "01130012")])
def test_a_right_insurer_number_moves_on(client, app, form, insurance, typed):
    person = resident(client, app)
    person.at("insurance")
    response = person.answer("insurance", insurance_type=insurance, raw={"insurer_number": typed})
    assert moved_to(response, f"{PAGES}/other_benefits")


def test_none_of_these_stands_alone(client, app, form):
    person = resident(client, app)
    page = person.at("other_benefits")
    assert "「該当なし」は他の選択肢と一緒には選べません" in page.text
    response = person.answer("other_benefits", other_subsidies=["single_parent", "none"])
    assert_error(response, "other_subsidies", "「該当なし」と他の選択肢は同時に選べません",
                 target="other_subsidies-0")
    both = person.answer("other_benefits", other_subsidies=["chronic", "single_parent"])
    assert moved_to(both, f"{PAGES}/attachments")
    stored = person.resume(f"{PAGES}/attachments").text
    # Stored in the order of the choices, not the order sent.
    assert "ひとり親家庭等医療費助成、小児慢性特定疾病医療費助成" in stored


def test_a_child_on_public_assistance_is_sent_to_the_caseworker(client, app, form):
    person = resident(client, app, other_subsidies=["public_assistance"])
    page = person.apply()
    assert person.visited[-1] == "public_assistance_exit"
    assert "生活保護を受けているお子さんは対象外です" in page.text
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/public_assistance_exit")


def test_a_newcomer_attaches_the_income_certificate_as_a_phone_photo(client, app, form):
    person = resident(client, app, lived_here_on_january_1=False)
    person.at("attachments")
    response = person.answer("attachments", insurance_card_copy=Files(("IMG_0001.HEIC", filekinds.heic())))
    assert moved_to(response, f"{PAGES}/income_certificate_page"), text_of(response.text)[:300]
    response = person.answer("income_certificate_page",
                             income_certificate=Files(("課税証明書.heic", filekinds.heic())))
    assert moved_to(response, f"{PAGES}/receiving"), text_of(response.text)[:300]
    check = person.resume(f"{PAGES}/receiving")
    assert "IMG_0001.HEIC" in check.text and "課税証明書.heic" in check.text
    assert "所得課税証明書（保護者の分）" in _section(check.text, "必要な書類")


def test_residents_since_1_january_skip_the_income_certificate(client, app, form):
    person = resident(client, app)
    person.at("attachments")
    assert moved_to(person.answer("attachments"), f"{PAGES}/receiving")
