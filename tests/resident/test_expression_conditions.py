"""A condition on an expression inside a repeating page's item (form_definitions/shugaku-enjo.yaml):
就労 (and the employer's phone) are asked of the household members who have finished junior high school, by the
age computed from each member's own birth date ({expression: {age: ...}, gte: 15} with the
fixed day {date: 2026-03-31})."""

from __future__ import annotations

import html as html_lib
from datetime import date, datetime, time

import pytest

from formsvc import clock
from tests.resident.library_support import Resident, error_summary, publish, stored_submission
from tests.resident.test_library_shugaku_enjo import (
    DAY,
    FORM,
    MORI,
    MOTHER,
    SON,
    SON_AT_SCHOOL,
)

# 労働基準法第56条: 満15歳に達した日以後の最初の3月31日が終わった人。満年齢は誕生日の前日に達する
# ので、平成23年4月1日生まれは令和8年3月31日に15歳、4月2日生まれは14歳。
FINISHED = date(2011, 4, 1)
IN_JUNIOR_HIGH = date(2011, 4, 2)


@pytest.fixture(autouse=True)
def on_a_day_of_the_period(monkeypatch):
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(DAY, time(10, 0), clock.JST))


@pytest.fixture
def form(app):
    return publish(app, FORM)


def teenager(born: date, **answers) -> dict:
    return {"member_name": {"family": "森", "given": "翔"}, "member_relationship": "child",
            "member_birth_date": born, **answers}


def test_a_member_who_finished_junior_high_is_asked_about_work(client, app, form, db_session):
    working = teenager(FINISHED, member_works=True, member_employer="デモ書店", member_employer_phone="03-3433-2222")
    still_at_school = teenager(IN_JUNIOR_HIGH, member_works=True, member_employer="デモ書店",
                               member_employer_phone="03-3433-2222")
    person = Resident(client, app, FORM, answers=MORI,
                      items={"members": [MOTHER, working, still_at_school, SON], "children": [SON_AT_SCHOOL]})
    number = person.submit()
    members = stored_submission(db_session, number).answers["items"]["members"]
    assert members[1]["member_works"] is True and members[1]["member_employer"] == "デモ書店"
    assert members[1]["member_employer_phone"] == "0334332222"
    # Sent by a forged or stale page, the answers of a member still at junior high are not kept.
    assert not {"member_works", "member_employer", "member_employer_phone"} & set(members[2])
    assert not {"member_works", "member_employer_phone"} & set(members[3])


def test_the_question_says_when_to_answer_it_and_the_server_decides(client, app, form):
    person = Resident(client, app, FORM, answers=MORI, items={"members": [MOTHER], "children": [SON_AT_SCHOOL]})
    page = html_lib.unescape(person.at("members").text)
    # On the page from the start with its hint, so that it works without JavaScript; no script
    # decides it on the browser (an age from a date typed on the same page is the server's).
    assert 'name="member_works"' in page and 'name="member_employer_phone"' in page
    assert "「生年月日」からみた2026年3月31日" in page and "の満年齢が15以上の場合に答えてください" in page
    assert 'id="member_works-conditional" data-reveal' not in page
    # Unanswered (whether a member at junior high works) is no mistake; the same item, sent by
    # someone who finished junior high, must say it.
    response = person.answer_item("members", 0, **teenager(IN_JUNIOR_HIGH))
    assert response.status_code == 302
    left_blank = {"member_works": "", "member_employer": "", "member_employer_phone": ""}
    response = person.answer_item("members", 0, raw=left_blank, **teenager(FINISHED))
    assert response.status_code == 200
    assert error_summary(response.text) == [
        ("member_works-0", "働いていますか（パート・アルバイトを含む）は「はい」か「いいえ」を選択してください")]


def test_in_english_the_hint_says_the_age(client, app, form):
    client.get("/language/en")
    person = Resident(client, app, FORM, answers=MORI, items={"members": [MOTHER], "children": [SON_AT_SCHOOL]})
    page = html_lib.unescape(person.at("members").text)
    assert 'Answer this only if the age on 31 March 2026 by "Date of birth" is 15 or more.' in page
