"""就学援助費の申請 (form_definitions/shugaku-enjo.yaml), page by page as a resident.

The clock is held on a day of the 令和8年度 受付期間, so that school years and dates do not move.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.resident.library_support import (
    Resident,
    assert_confirmation,
    check_answers,
    moved_to,
    publish,
    stored_submission,
    text_of,
)

FORM = "shugaku-enjo"
PAGES = f"/forms/{FORM}/pages"
DAY = date(2026, 11, 16)

# 森さん (世帯主、パート勤務) と子ども2人 (小学5年生・中学2年生) の3人世帯。児童扶養手当を受けている。
MORI = {
    "public_assistance": False,
    "child_support_allowance": True,
    "applicant_name": {"family": "森", "given": "由美"},
    "applicant_kana": {"family": "モリ", "given": "ユミ"},
    "applicant_birth_date": date(1985, 5, 5),
    "applicant_postal_code": "105-0011",
    "applicant_address": {"prefecture": "東京都", "city": "港区", "town": "芝公園",
                          "block": "4-2-8", "building": ""},
    "applicant_phone": "090-5555-1234",
    "bank_account": {"bank": "0001", "branch": "001", "kind": "ordinary", "number": "7654321",
                     "holder": "モリ\u3000ユミ"},
}
MOTHER = {"member_name": {"family": "森", "given": "由美"}, "member_relationship": "head",
          "member_birth_date": date(1985, 5, 5), "member_works": True, "member_employer": "デモスーパー",
          "member_income": 1500000}
SON = {"member_name": {"family": "森", "given": "蓮"}, "member_relationship": "child",
       "member_birth_date": date(2015, 6, 1)}
DAUGHTER = {"member_name": {"family": "森", "given": "結衣"}, "member_relationship": "child",
            "member_birth_date": date(2012, 8, 1)}
SON_AT_SCHOOL = {"child_name": {"family": "森", "given": "蓮"}, "child_birth_date": date(2015, 6, 1),
                 "child_school": "デモ市立中央小学校", "child_grade": "5"}
DAUGHTER_AT_SCHOOL = {"child_name": {"family": "森", "given": "結衣"}, "child_birth_date": date(2012, 8, 1),
                      "child_school": "デモ市立第一中学校", "child_grade": "8"}


@pytest.fixture(autouse=True)
def on_a_day_of_the_period(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(DAY, time(10, 0), clock.JST))


@pytest.fixture
def form(app):
    return publish(app, FORM)


def resident(client, app, members=(MOTHER, SON, DAUGHTER), children=(SON_AT_SCHOOL, DAUGHTER_AT_SCHOOL),
             **answers) -> Resident:
    return Resident(client, app, FORM, answers={**MORI, **answers},
                    items={"members": list(members), "children": list(children)})


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", text_of(match.group(1)))


def test_a_household_of_three_applies(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["situation", "applicant", "members", "children", "allowance_certificate", "payee"]
    values = _section(check.text, "計算結果")
    assert "3人" in values and "1,500,000円" in values and "2,179,000円" in values
    # 学用品費: 小学生 11,630円 + 中学生 22,730円 (学年は生年月日から).
    assert "34,360円" in _section(check.text, "給付額・補助金額の見込み")
    assert "児童扶養手当証書の写し" in _section(check.text, "必要な書類")
    number = person.submit_from_check()
    assert_confirmation(client, FORM, number)
    submission = stored_submission(db_session, number)
    assert submission.computed == {"household_size": "3", "household_income": "1500000",
                                   "income_limit": "2179000", "school_supplies_aid": "34360"}
    items = submission.answers["items"]
    assert [item["member_relationship"] for item in items["members"]] == ["head", "child", "child"]
    # Questions that do not apply to a child were not stored for the child.
    assert "member_income" not in items["members"][1] and "member_works" not in items["members"][1]
    assert items["members"][0]["member_employer"] == "デモスーパー"


def test_the_first_member_starts_as_the_applicant(client, app, form):
    person = resident(client, app)
    page = person.at("members")
    assert 'value="森"' in page.text and 'value="由美"' in page.text


def test_someone_must_be_the_only_head_of_household(client, app, form):
    message = "世帯主を1人だけ選んでください（「世帯主との続柄」で「世帯主」は1人です）"
    for members in ([{**MOTHER, "member_relationship": "self"}, SON],
                    [MOTHER, {**SON, "member_relationship": "head"}]):
        person = resident(client, app, members=members)
        person.at("members")
        for index, values in enumerate(members):
            assert person.answer_item("members", index, **values).status_code == 302
        response = person.continue_from_items("members")
        assert response.status_code == 200 and message in text_of(response.text)


def test_income_above_the_limit_ends_the_application(client, app, form):
    # Two people: the limit is 1,513,000円.
    over = resident(client, app, members=[{**MOTHER, "member_income": 1513001}, SON])
    over.apply()
    assert over.visited[-1] == "income_exit"
    page = client.get(f"{PAGES}/income_exit").text
    assert "世帯の所得が基準額を超えています" in page
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/income_exit")


def test_income_at_the_limit_goes_on(client, app, form):
    person = resident(client, app, members=[{**MOTHER, "member_income": 1513000}, SON], children=[SON_AT_SCHOOL])
    check = person.apply()
    assert "1,513,000円" in _section(check.text, "計算結果")
    assert "11,630円" in _section(check.text, "給付額・補助金額の見込み")


def test_each_childs_school_year_must_fit_the_birth_date(client, app, form):
    person = resident(client, app)
    person.at("children")
    wrong = person.answer_item("children", 0, **{**SON_AT_SCHOOL, "child_grade": "8"})
    assert wrong.status_code == 200
    assert "生年月日からみると小学生です。学年を確かめてください" in text_of(wrong.text)
    wrong = person.answer_item("children", 0, **{**DAUGHTER_AT_SCHOOL, "child_grade": "2"})
    assert "生年月日からみると中学生です。学年を確かめてください" in text_of(wrong.text)
    too_young = person.answer_item("children", 0, **{**SON_AT_SCHOOL, "child_birth_date": date(2020, 4, 2)})
    assert "令和8年度の小学1年生は令和2年4月1日までに生まれたお子さんです" in text_of(too_young.text)
    assert person.answer_item("children", 0, **SON_AT_SCHOOL).status_code == 302


def test_public_assistance_households_are_sent_to_their_caseworker(client, app, form):
    person = resident(client, app, public_assistance=True)
    person.apply()
    assert person.visited == ["situation", "public_assistance_exit"]


def test_without_the_allowance_no_certificate_is_asked(client, app, form):
    person = resident(client, app, child_support_allowance=False)
    check = person.apply()
    assert "allowance_certificate" not in person.visited
    assert "児童扶養手当証書" not in _section(check.text, "必要な書類")
    assert check_answers(check.text)["世帯の状況"]["児童扶養手当を受けていますか"] == "いいえ"


def test_the_period_has_ended_on_1_april_2027(client, app, form, monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock",
                        lambda: datetime.combine(date(2027, 4, 1), time(10, 0), clock.JST))
    start = client.get(f"/forms/{FORM}/")
    assert 'action="/forms/shugaku-enjo/start"' not in start.text
