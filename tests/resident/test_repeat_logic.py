"""Logic inside repeated items, driven through the pages as a resident: 世帯員 (household members).

勤務先 is asked only of a member who works, 所得 only of adults (and must be given when they
work), exactly one member is the 世帯主, there are at least as many members as children, a child's
birth date comes after the applicant's, and the first member is the applicant.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.identity import sign_in
from tests.resident.library_support import Resident, check_answers, error_summary, message_beside, moved_to

FORM = "setai-test"
PAGES = f"/forms/{FORM}/pages"

SETAI = """\
id: setai-test
title: 世帯の状況の届出（テスト）
description: テスト用の手続きです。
department: {name: 市民課}
authentication: optional
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: applicant_name, label: 氏名, prefill: name, prefill_editable: true}
      - type: date
        id: applicant_birth_date
        label: 生年月日
        prefill: birthdate
        prefill_editable: true
        max: {days_from_today: 0}
      - type: radio
        id: scope
        label: 届け出る範囲
        choices: [{value: household, label: 世帯全員}, {value: self_only, label: 本人のみ}]
  - id: members
    title: 世帯員
    repeat:
      min: 1
      max: 6
      item_label: 世帯員
      summary_field: member_name
      first_item_from: {member_name: applicant_name, member_birth_date: applicant_birth_date}
    fields:
      - {type: name, id: member_name, label: 氏名}
      - type: radio
        id: relationship
        label: 続柄
        choices:
          - {value: head, label: 世帯主}
          - {value: spouse, label: 配偶者}
          - {value: child, label: 子}
          - {value: other, label: その他}
      - {type: date, id: member_birth_date, label: 生年月日, max: {days_from_today: 0}}
      - {type: yes_no, id: adult, label: 18歳以上ですか}
      - {type: yes_no, id: working, label: 働いていますか}
      - {type: text, id: employer, label: 勤務先, show_if: {field: working, equals: true}}
      - type: number
        id: income
        label: 年間の所得
        unit: 円
        max: 100000000000
        show_if: {field: adult, equals: true}
        required_if: {field: working, equals: true}
  - id: children
    title: 扶養している子ども
    repeat: {min: 0, max: 6, item_label: 子ども}
    fields:
      - {type: text, id: child_name, label: 子どもの氏名}
rules:
  - id: one_head
    check: {count: members, where: {field: relationship, equals: head}, equals: 1}
    field: relationship
    message: 世帯主を1人だけ選んでください
  - id: members_not_fewer_than_children
    check: {count: members, gte: {count: children}}
    field: child_name
    message: 扶養している子どもの人数が、世帯員の人数より多くなっています
  - id: child_born_after_applicant
    for_each: members
    when: {field: relationship, equals: child}
    check: {field: member_birth_date, gt: {field: applicant_birth_date}}
    field: member_birth_date
    message: 子の生年月日は、申請者の生年月日より後の日付にしてください
  - id: self_only_is_one
    when: {field: scope, equals: self_only}
    check: {count: members, equals: 1}
    field: member_name
    message: 本人のみの場合は、世帯員を1人だけ入力してください
"""

HEAD = {"member_name": {"family": "山田", "given": "太郎"}, "relationship": "head",
        "member_birth_date": date(1985, 4, 1), "adult": True, "working": True,
        "employer": "デモ商事", "income": 4200000}
CHILD = {"member_name": {"family": "山田", "given": "一郎"}, "relationship": "child",
         "member_birth_date": date(2015, 6, 1), "adult": False, "working": False}
APPLICANT = {"applicant_name": {"family": "山田", "given": "太郎"}, "applicant_birth_date": date(1985, 4, 1),
             "scope": "household"}


@pytest.fixture
def form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SETAI, "setai.yaml"), actor="test")
    return FORM


def resident(client, app, **items) -> Resident:
    return Resident(client, app, FORM, answers=dict(APPLICANT), items=items)


def the_draft(db_session) -> Draft:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one()


def item_page(person: Resident, index: int):
    return person.client.get(f"{PAGES}/members/items/{index}")


# --- conditional reveal inside an item ---------------------------------------------------------

def test_the_question_shown_by_an_answer_on_the_item_is_on_the_page_with_a_hint(client, app, form):
    person = resident(client, app)
    person.at("members")
    page = item_page(person, 0)
    hint = "「働いていますか」で「はい」と答えた場合に答えてください。"
    block = re.search(r'<div class="conditional-question" id="employer-conditional" data-reveal="([^"]+)">(.*?)</div>\s*\n',  # noqa: E501 (a Japanese message, whole)
                      page.text, flags=re.S)
    assert block is not None, page.text
    assert json.loads(block.group(1).replace("&#34;", '"').replace("&quot;", '"')) == \
        {"input": "working", "op": "equals", "values": ["yes"]}
    assert hint in page.text
    # The hint is read with the input (aria-describedby), so a screen reader says when to answer.
    assert re.search(r'id="employer-hint"[^>]*>[^<]*' + re.escape(hint), page.text)
    assert re.search(r'<input[^>]*aria-describedby="employer-hint"', page.text) or \
        re.search(r'aria-describedby="employer-hint"[^>]*id="employer"', page.text)
    assert "js/reveal.js" in page.text
    # 所得: shown to adults; its hint also says when it must be answered.
    assert "「18歳以上ですか」で「はい」と答えた場合に答えてください。" in page.text
    assert "「働いていますか」で「はい」と答えた場合は必ず答えてください。" in page.text


def test_a_hidden_answer_is_neither_checked_nor_stored(client, app, form, db_session):
    person = resident(client, app)
    person.at("members")
    # Not working: the 勤務先 typed anyway (say, before changing the answer, without JavaScript) goes.
    response = person.answer_item("members", 0, **{**CHILD, "relationship": "head"},
                                  raw={"employer": "\x00" * 3 + "x" * 5000, "income": "1e999"})
    assert moved_to(response, f"{PAGES}/members/items"), error_summary(response.text)
    item = the_draft(db_session).answers["items"]["members"][0]
    assert "employer" not in item and "income" not in item
    assert item["relationship"] == "head"


def test_a_revealed_question_is_required_when_it_applies(client, app, form):
    person = resident(client, app)
    person.at("members")
    response = person.answer_item("members", 0, **{**HEAD, "employer": None, "income": None})
    assert response.status_code == 200
    assert message_beside(response.text, "employer") == "勤務先を入力してください"
    # required_if: an adult who works must give the income.
    assert message_beside(response.text, "income") == "年間の所得を入力してください"
    # An adult who does not work may leave it empty.
    response = person.answer_item("members", 0, **{**HEAD, "working": False, "employer": None, "income": None})
    assert moved_to(response, f"{PAGES}/members/items"), error_summary(response.text)


def test_income_is_not_asked_of_a_child_even_if_working(client, app, form, db_session):
    person = resident(client, app)
    person.at("members")
    response = person.answer_item("members", 0, **{**HEAD, "adult": False, "income": None})
    assert moved_to(response, f"{PAGES}/members/items"), error_summary(response.text)
    item = the_draft(db_session).answers["items"]["members"][0]
    assert item["employer"] == "デモ商事" and "income" not in item


def test_hostile_numbers_in_a_revealed_question_are_refused_when_it_applies(client, app, form):
    person = resident(client, app)
    person.at("members")
    for raw in ("1e999", "NaN", "9" * 400, "\x00"):
        response = person.answer_item("members", 0, **{**HEAD, "income": None}, raw={"income": raw})
        assert response.status_code == 200, raw
        assert message_beside(response.text, "income"), raw


# --- rules: for_each, count where, count against count -------------------------------------------

def test_a_rule_for_each_member_is_shown_on_that_member(client, app, form):
    person = resident(client, app)
    person.at("members")
    assert moved_to(person.answer_item("members", 0, **HEAD), f"{PAGES}/members/items")
    response = person.answer_item("members", 1, **{**CHILD, "member_birth_date": date(1980, 1, 1)})
    assert message_beside(response.text, "member_birth_date") == "子の生年月日は、申請者の生年月日より後の日付にしてください"  # noqa: E501 (a Japanese message, whole)
    assert moved_to(person.answer_item("members", 1, **CHILD), f"{PAGES}/members/items")


def test_exactly_one_head_of_household_is_checked_on_the_list(client, app, form):
    person = resident(client, app)
    person.at("members")
    person.answer_item("members", 0, **{**HEAD, "relationship": "spouse"})
    person.answer_item("members", 1, **CHILD)
    response = person.continue_from_items("members")
    assert response.status_code == 200
    assert "世帯主を1人だけ選んでください" in response.text
    person.answer_item("members", 0, **HEAD)
    person.answer_item("members", 2, **{**HEAD, "member_name": {"family": "山田", "given": "花子"}})
    assert "世帯主を1人だけ選んでください" in person.continue_from_items("members").text
    token = csrf_token(client.get(f"{PAGES}/members/items/2/remove").text)
    client.post(f"{PAGES}/members/items/2/remove", data={"confirm": "yes", "csrf_token": token})
    assert moved_to(person.continue_from_items("members"), f"{PAGES}/children")


def test_no_more_children_than_members(client, app, form):
    person = resident(client, app)
    person.at("members")
    person.answer_item("members", 0, **HEAD)
    assert moved_to(person.continue_from_items("members"), f"{PAGES}/children")
    person.answer_item("children", 0, child_name="一郎")
    person.answer_item("children", 1, child_name="次郎")
    response = person.continue_from_items("children")
    assert "扶養している子どもの人数が、世帯員の人数より多くなっています" in response.text
    person.answer_item("members", 1, **CHILD)
    assert moved_to(person.continue_from_items("children"), f"/forms/{FORM}/check")


# --- the first member is the applicant ---------------------------------------------------------

def test_the_first_member_starts_as_the_applicant_verified_from_the_card(client, app, form, db_session):
    sign_in(client, app)  # 山田 太郎, 1985-04-01
    person = Resident(client, app, FORM, answers=dict(APPLICANT))
    person.at("members")
    page = item_page(person, 0)
    assert re.search(r'name="member_name-family"[^>]*value="山田"|value="山田"[^>]*name="member_name-family"', page.text)  # noqa: E501 (a Japanese message, whole)
    assert re.search(r'name="member_birth_date-year"[^>]*value="1985"|value="1985"[^>]*name="member_birth_date-year"',
                     page.text)
    # The second member starts empty.
    person.answer_item("members", 0, **{key: value for key, value in HEAD.items()
                                        if key not in ("member_name", "member_birth_date")},
                       member_name={"family": "山田", "given": "太郎"}, member_birth_date=date(1985, 4, 1))
    assert 'value="山田"' not in item_page(person, 1).text
    draft = the_draft(db_session).answers
    assert draft["verified"]["members.0.member_name"]["source"] == "mynumber_card"
    assert moved_to(person.continue_from_items("members"), f"{PAGES}/children")
    check = person.resume(f"{PAGES}/children")
    assert "マイナンバーカードで確認済み" in check_answers(check.text)["世帯員 1"]["氏名"]


def test_a_changed_first_member_is_not_verified(client, app, form, db_session):
    sign_in(client, app)
    person = Resident(client, app, FORM, answers=dict(APPLICANT))
    person.at("members")
    person.answer_item("members", 0, **{**HEAD, "member_name": {"family": "山田", "given": "次郎"}})
    assert "members.0.member_name" not in the_draft(db_session).answers.get("verified", {})
    assert "members.0.member_birth_date" in the_draft(db_session).answers["verified"]


# --- defect: a rule on a repeated field is checked again on the check page -----------------------

def test_a_rule_on_a_repeated_field_broken_from_the_check_page_stops_the_submission(client, app, form, db_session):
    person = resident(client, app, members=[HEAD, CHILD])
    check = person.apply()
    assert "申請内容の確認" in check.text
    # From the check page, change 範囲 to 本人のみ: the list of two members now breaks a rule.
    response = person.post(f"{PAGES}/applicant?return=check",
                           {**person.inputs_for(person.page("applicant"), {**APPLICANT, "scope": "self_only"}),
                            "return": "check"})
    assert response.status_code == 302
    check = client.get(f"/forms/{FORM}/check")
    assert "本人のみの場合は、世帯員を1人だけ入力してください" in check.text
    client.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_token(check.text)})
    assert db_session.scalars(select(Submission)).all() == []


def test_flow_failing_rules_include_repeating_pages():
    definition = load_text(SETAI, "setai.yaml").definition
    answers = Answers(fields={"scope": "self_only"}, items={"members": [
        {"relationship": "head"}, {"relationship": "child", "member_birth_date": "1970-01-01"}]})
    answers.fields["applicant_birth_date"] = "1985-04-01"
    failing = Flow(definition, answers, date(2026, 5, 1)).failing_rules("ja")
    messages = {(page.id, field_id, message) for page, field_id, message in failing}
    assert ("members", "member_name", "本人のみの場合は、世帯員を1人だけ入力してください") in messages
    assert ("members", "member_birth_date", "世帯員 2：子の生年月日は、申請者の生年月日より後の日付にしてください") in messages  # noqa: E501 (a Japanese message, whole)


def test_submitted_answers_hold_each_member_as_asked(client, app, form, db_session):
    person = resident(client, app, members=[HEAD, CHILD])
    number = person.submit()
    assert urlparse(f"/{number}").path
    submitted = db_session.scalars(select(Submission)).one().answers
    assert submitted["items"]["members"][1] == {
        "member_name": {"family": "山田", "given": "一郎"}, "relationship": "child",
        "member_birth_date": "2015-06-01", "adult": False, "working": False}
    check_rows = Flow(load_text(SETAI, "x.yaml").definition, Answers.from_json(submitted), date(2026, 5, 1)).rows()
    assert [row.spec.id for row in check_rows if row.item_index == 1] == [
        "member_name", "relationship", "member_birth_date", "adult", "working"]
