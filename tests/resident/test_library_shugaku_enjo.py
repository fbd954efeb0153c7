"""就学援助費の申請 (form_definitions/shugaku-enjo.yaml), page by page as a resident.

The clock is held on a day of the 令和8年度 受付期間, so that school years and dates do not move.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

import pytest

from formsvc import clock
from tests.resident.library_support import (
    Resident,
    assert_confirmation,
    check_answers,
    message_beside,
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
          "member_employer_phone": "03-3433-1111"}
# 森さんの令和7年中の所得: パートの給与 (給与所得控除後 1,500,000円)。子どもには所得がない.
PART_TIME = {"income_kind": "salary", "income_source": "デモスーパー", "income_amount": 1500000}
MORI_INCOMES = [[PART_TIME], [], []]
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


class Household(Resident):
    """A Resident who answers one income of a member on demand (the nested page
    ``member_incomes``, ``repeat.per: members``: items["member_incomes"][i] are the i-th
    member's incomes)."""

    def answer_income(self, parent: int, index: int, raw: dict[str, Any] | None = None, **values):
        data = self.inputs_for(self.page("member_incomes"), values)
        data.update(raw or {})
        return self.post(f"{INCOMES}/{parent}/{index}", data)


INCOMES = f"{PAGES}/member_incomes/items"


def resident(client, app, members=(MOTHER, SON, DAUGHTER), children=(SON_AT_SCHOOL, DAUGHTER_AT_SCHOOL),
             incomes=MORI_INCOMES, **answers) -> Household:
    return Household(client, app, FORM, answers={**MORI, **answers},
                     items={"members": list(members), "member_incomes": [list(i) for i in incomes],
                            "children": list(children)})


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|</main>)", html, flags=re.S)
    assert match, f"no section {heading!r}"
    return re.sub(r"\s+", " ", text_of(match.group(1)))


def test_a_household_of_three_applies(client, app, form, db_session):
    person = resident(client, app)
    check = person.apply()
    assert person.visited == ["situation", "applicant", "members", "member_incomes", "children",
                              "allowance_certificate", "payee"]
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
    assert "member_works" not in items["members"][1] and "member_employer_phone" not in items["members"][1]
    assert items["members"][0]["member_employer"] == "デモスーパー"
    # Each member's incomes are kept with the member, in the members' order.
    assert items["member_incomes"] == [[PART_TIME], [], []]


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


def test_the_household_income_adds_every_income_of_every_member(client, app, form, db_session):
    # 森さんは給与と事業、同居の祖母 (昭和30年生まれ) は年金: 4人世帯の基準額 2,618,000円.
    grandmother = {"member_name": {"family": "森", "given": "節子"}, "member_relationship": "mother",
                   "member_birth_date": date(1955, 3, 3), "member_works": False}
    side_business = {"income_kind": "business", "income_source": "ハンドメイド雑貨の販売", "income_amount": 200000}
    pension = {"income_kind": "pension", "income_source": "国民年金", "income_amount": 0}
    rent = {"income_kind": "other", "income_source": "駐車場の賃料（不動産所得）", "income_amount": 300000}
    person = resident(client, app, members=[MOTHER, SON, DAUGHTER, grandmother],
                      incomes=[[PART_TIME, side_business], [], [], [pension, rent]])
    check = person.apply()
    values = _section(check.text, "計算結果")
    assert "4人" in values and "2,000,000円" in values and "2,618,000円" in values
    # The check page lists each member's incomes right after the member, named with the member.
    headings = [text_of(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", check.text)]
    assert [h for h in headings if "の所得" in h] == [
        "世帯員 1（森\u3000由美）の所得 1", "世帯員 1（森\u3000由美）の所得 2",
        "世帯員 4（森\u3000節子）の所得 1", "世帯員 4（森\u3000節子）の所得 2"], headings
    number = person.submit_from_check()
    submission = stored_submission(db_session, number)
    assert submission.computed["household_income"] == "2000000"
    assert submission.answers["items"]["member_incomes"] == [[PART_TIME, side_business], [], [],
                                                             [pension, rent]]


def test_an_other_income_must_say_what_it_is(client, app, form):
    person = resident(client, app)
    person.at("member_incomes")
    refused = person.answer_income(0, 0, income_kind="other", income_amount=100000)
    assert refused.status_code == 200
    assert message_beside(refused.text, "income_source") == "支払元または所得の内容を入力してください"
    # Salary without the payer is still taken: only 「その他」 must say what it is.
    assert moved_to(person.answer_income(0, 0, income_kind="salary", income_amount=100000), INCOMES)
    page = text_of(client.get(f"{INCOMES}/0/1").text)
    assert "「所得の種類」で「その他」と答えた場合は必ず答えてください" in page


def test_hostile_answers_to_an_income_are_refused(client, app, form):
    person = resident(client, app)
    person.at("member_incomes")
    for raw in ({"income_amount": "1e999"}, {"income_amount": "1000000000"}, {"income_amount": "-1"},
                {"income_amount": "\x00"}, {"income_source": "\x00\x07"}, {"income_kind": "<script>"}):
        response = person.answer_income(0, 0, raw=raw, **PART_TIME)
        assert response.status_code == 200, raw
    for path in (f"{INCOMES}/3/0", f"{INCOMES}/0/5", f"{INCOMES}/99999999999999999999/0"):
        assert moved_to(client.get(path), INCOMES), path


def test_a_working_member_gives_the_employers_phone(client, app, form):
    person = resident(client, app)
    person.at("members")
    without = person.answer_item("members", 0, raw={"member_employer_phone": ""}, **MOTHER)
    assert without.status_code == 200
    assert message_beside(without.text, "member_employer_phone") == "勤務先の電話番号を入力してください"
    # Someone who does not work leaves it empty.
    assert person.answer_item("members", 0, raw={"member_employer_phone": ""},
                              **{**MOTHER, "member_works": False}).status_code == 302


def test_the_children_at_school_must_be_among_the_household_members(client, app, form):
    message = ("お子さんの人数が世帯員の人数より多くなっています。"
               "「世帯の全員」に、小学校・中学校に通うお子さんも入れてください")
    # Only the mother is entered as a member, with two children at school.
    person = resident(client, app, members=[MOTHER], incomes=[[PART_TIME]])
    person.at("children")
    for index, values in enumerate((SON_AT_SCHOOL, DAUGHTER_AT_SCHOOL)):
        assert person.answer_item("children", index, **values).status_code == 302
    response = person.continue_from_items("children")
    assert response.status_code == 200 and message in text_of(response.text)
    # With the children among the members, the application goes on to the check page.
    resident(client, app, members=[MOTHER, SON, DAUGHTER], children=[SON_AT_SCHOOL, DAUGHTER_AT_SCHOOL]).apply()


def test_in_english_the_incomes_are_asked_per_member(client, app, form):
    client.get("/language/en")
    person = resident(client, app)
    person.at("member_incomes")
    page = text_of(client.get(f"{INCOMES}/0/0").text)
    assert "Kind of income" in page and "Income in 2025" in page


def test_income_above_the_limit_ends_the_application(client, app, form):
    # Two people: the limit is 1,513,000円; the incomes of both kinds are added.
    over = resident(client, app, members=[MOTHER, SON], incomes=[[
        {**PART_TIME, "income_amount": 1013001},
        {"income_kind": "pension", "income_source": "遺族厚生年金", "income_amount": 500000}], []])
    over.apply()
    assert over.visited[-1] == "income_exit"
    page = client.get(f"{PAGES}/income_exit").text
    assert "世帯の所得が基準額を超えています" in page
    assert moved_to(client.get(f"/forms/{FORM}/check"), f"{PAGES}/income_exit")


def test_income_at_the_limit_goes_on(client, app, form):
    person = resident(client, app, members=[MOTHER, SON], incomes=[[{**PART_TIME, "income_amount": 1513000}], []],
                      children=[SON_AT_SCHOOL])
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
