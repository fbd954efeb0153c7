"""A nested repeat driven through the pages: each 世帯員's own 収入 (``repeat.per: members``).

Three members: 太郎 with a salary and a business income, 一郎 with a part-time salary, 花子 with
none. 一郎 is removed (his income goes with him and 花子's empty list moves up with her), the
check page lists each income under its member, and staff see them named with their member.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Draft, Submission
from tests.applicant import csrf_token
from tests.applications.test_nested_repeat import SHOTOKU
from tests.resident.library_support import Resident, error_summary, message_beside, moved_to, text_of
from tests.staff.support import staff_client

FORM = "shotoku-test"
PAGES = f"/forms/{FORM}/pages"
INCOMES = f"{PAGES}/incomes/items"

TARO = {"member_name": "山田太郎", "member_age": 45}
ICHIRO = {"member_name": "山田一郎", "member_age": 19}
HANAKO = {"member_name": "山田花子", "member_age": 70}
SALARY = {"income_kind": "salary", "employer": "デモ商事", "amount": 3000000}
BUSINESS = {"income_kind": "business", "amount": 500000}
PART_TIME = {"income_kind": "salary", "employer": "デモ書店", "amount": 800000}


@pytest.fixture
def form(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SHOTOKU, "shotoku.yaml"), actor="test")
    return FORM


def the_draft(db_session) -> Draft:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one()


def household(client, app) -> Resident:
    person = Resident(client, app, FORM, answers={"applicant_name": "山田太郎"},
                      items={"members": [TARO, ICHIRO, HANAKO]})
    person.at("incomes")
    return person


def add_income(person: Resident, parent: int, index: int, raw: dict | None = None, **values):
    data = person.inputs_for(person.page("incomes"), values)
    data.update(raw or {})
    return person.post(f"{INCOMES}/{parent}/{index}", data)


def test_a_household_declares_each_members_incomes(client, app, form, db_session):
    person = household(client, app)
    summary = client.get(f"{PAGES}/incomes/items")
    assert "世帯員 1（山田太郎）の収入" in summary.text and "世帯員 3（山田花子）の収入" in summary.text
    assert f'href="{INCOMES}/0/0"' in summary.text  # 追加 is a link: works without JavaScript
    assert "世帯員 1（山田太郎）の収入を追加する" in summary.text

    # The item page is headed with its member; questions may depend on the member's answers.
    page = client.get(f"{INCOMES}/0/0")
    assert "世帯員 1（山田太郎）の収入 1" in page.text
    assert "遺族年金ですか" not in page.text  # asked of members aged 60 or over only
    assert "遺族年金ですか" in client.get(f"{INCOMES}/2/0").text

    assert moved_to(add_income(person, 0, 0, **SALARY), INCOMES)
    assert moved_to(add_income(person, 0, 1, **BUSINESS), INCOMES)
    assert moved_to(add_income(person, 1, 0, **PART_TIME), INCOMES)
    # A rule for each income reads the member's age: 年金 for a member under 60 is refused there.
    refused = add_income(person, 0, 2, income_kind="pension", amount=100)
    assert message_beside(refused.text, "income_kind") == "年金は60歳以上の世帯員の収入として入力してください"
    stored = the_draft(db_session).answers["items"]["incomes"]
    assert stored == [[SALARY, BUSINESS], [PART_TIME], []]  # one list per member

    # 一郎 is removed: his income goes with him; 花子 (and her empty list) move up.
    token = csrf_token(client.get(f"{PAGES}/members/items/1/remove").text)
    client.post(f"{PAGES}/members/items/1/remove", data={"confirm": "yes", "csrf_token": token})
    answers = the_draft(db_session).answers
    assert [m["member_name"] for m in answers["items"]["members"]] == ["山田太郎", "山田花子"]
    assert answers["items"]["incomes"] == [[SALARY, BUSINESS], []]

    assert moved_to(person.continue_from_items("members"), f"{PAGES}/incomes")
    assert moved_to(person.continue_from_items("incomes"), f"/forms/{FORM}/check")
    check = person.check_page()
    headings = [text_of(h) for h in re.findall(r"<h2 id=\"section-\d+\">(.*?)</h2>", check.text)]
    assert headings == ["申請者", "世帯員 1", "世帯員 1（山田太郎）の収入 1", "世帯員 1（山田太郎）の収入 2",
                        "世帯員 2"]
    assert f"{INCOMES}/0/1?return=check" in check.text.replace("&amp;", "&")
    assert "3,500,000円" in check.text  # the household total
    assert "1,000,000円" in check.text  # each member's total capped at 100万円

    number = person.submit_from_check()
    submitted = db_session.scalars(select(Submission)).one()
    assert submitted.answers["items"]["incomes"] == [[SALARY, BUSINESS], []]

    reviewer = staff_client(app, "shinsa", "reviewer")
    detail = reviewer.get(f"/staff/submissions/{number}")
    assert detail.status_code == 200
    assert "世帯員 1（山田太郎）の収入 2" in detail.text
    rows = list(csv.DictReader(io.StringIO(
        reviewer.get(f"/staff/queue/export.csv?form={FORM}&status=all").data.decode("utf-8"), newline="")))
    assert rows[0]["世帯員1_収入2_年間の収入額"] == "500000"
    assert rows[0]["世帯員1_収入1_勤務先"] == "デモ商事"
    assert rows[0]["世帯員2_収入1_収入の種類"] == ""


def test_each_member_needs_the_minimum_of_incomes(client, app, db_session):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(SHOTOKU.replace("min: 0, max: 5, item_label: 収入",
                                                          "min: 1, max: 5, item_label: 収入"), "x.yaml"),
                       actor="test")
    person = household(client, app)
    assert moved_to(add_income(person, 0, 0, **SALARY), INCOMES)
    response = person.continue_from_items("incomes")
    assert response.status_code == 200
    assert [message for _, message in error_summary(response.text)] == [
        "世帯員 2（山田一郎）の収入を1件以上追加してください", "世帯員 3（山田花子）の収入を1件以上追加してください"]
    assert [target for target, _ in error_summary(response.text)] == ["add-1", "add-2"]


@pytest.mark.parametrize("path", [
    f"{INCOMES}/3/0",      # no 4th member
    f"{INCOMES}/0/1",      # one past the last is 0 here: no gap may be made
    f"{INCOMES}/99999999999999999999/0",
    f"{INCOMES}/0",        # a nested page has no items of its own
    f"{INCOMES}/0/0/remove",  # nothing to remove yet
    f"{INCOMES}/5/0/remove",
])
def test_forged_positions_lead_back_to_the_list_and_store_nothing(client, app, form, db_session, path):
    person = household(client, app)
    before = the_draft(db_session).answers
    assert moved_to(client.get(path), INCOMES)
    token = csrf_token(client.get(f"{PAGES}/incomes/items").text)
    response = client.post(path, data={**person.inputs_for(person.page("incomes"), SALARY),
                                       "confirm": "yes", "csrf_token": token})
    assert moved_to(response, INCOMES)
    assert the_draft(db_session).answers == before


def test_negative_positions_are_not_found(client, app, form):
    household(client, app)
    assert client.get(f"{INCOMES}/-1/0").status_code == 404


def test_hostile_input_on_a_nested_item_is_refused(client, app, form, db_session):
    person = household(client, app)
    for raw in ({"amount": "1e999"}, {"amount": "\x00"}, {"employer": "\x00" * 5},
                {"income_kind": "<script>"}):
        response = add_income(person, 0, 0, raw=raw, **SALARY)
        assert response.status_code == 200, raw
        assert error_summary(response.text), raw
    assert not any(the_draft(db_session).answers["items"].get("incomes", []))


def test_removing_a_nested_item(client, app, form, db_session):
    person = household(client, app)
    add_income(person, 0, 0, **SALARY)
    add_income(person, 0, 1, **BUSINESS)
    page = client.get(f"{INCOMES}/0/0/remove")
    assert "世帯員 1（山田太郎）の収入 1（給与）を削除しますか" in page.text
    client.post(f"{INCOMES}/0/0/remove", data={"confirm": "yes", "csrf_token": csrf_token(page.text)})
    assert the_draft(db_session).answers["items"]["incomes"] == [[BUSINESS], [], []]


def test_the_item_page_reads_the_parent_when_the_page_is_sent(client, app, form, db_session):
    """遺族年金 is asked of 花子 (70) only, also when the page is sent: for 太郎 it is not stored."""
    person = household(client, app)
    assert moved_to(add_income(person, 0, 0, raw={"survivor_pension": "yes"}, **SALARY), INCOMES)
    assert moved_to(add_income(person, 2, 0, income_kind="pension", amount=900000, survivor_pension=True), INCOMES)
    stored = the_draft(db_session).answers["items"]["incomes"]
    assert "survivor_pension" not in stored[0][0]
    assert stored[2] == [{"income_kind": "pension", "amount": 900000, "survivor_pension": True}]


def test_a_reveal_inside_a_nested_item_reads_its_parent_members_answers(client, app):
    # 遺族年金ですか: asked when the income is a pension (this page) of a member aged 60 or over
    # (the parent item). The script must decide the parent's part as the server does.
    shotoku = SHOTOKU.replace(
        "show_if: {field: member_age, gte: 60}",
        "show_if: {all: [{field: income_kind, equals: pension}, {field: member_age, gte: 60}]}")
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(shotoku, "shotoku.yaml"), actor="test")
    household(client, app)

    def script(parent: int) -> str:
        page = client.get(f"{INCOMES}/{parent}/0").text
        found = re.search(r'id="survivor_pension-conditional" data-reveal="([^"]*)"', page)
        assert found, page
        return html_lib.unescape(found.group(1))

    assert '{"const":true}' in script(2)   # 花子, 70
    assert '{"const":false}' in script(0)  # 太郎, 45
