"""What no person means to type gets a message beside the field, never a 500 (on both databases):
control characters, numbers in exponent notation, Infinity and NaN, and answers of any length."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import select

from formsvc.db import database
from formsvc.definitions.loader import load_text
from formsvc.forms.loading import publish_loaded
from formsvc.submissions.models import Draft, Upload
from tests.applicant import TINY_PDF, Applicant
from tests.resident.library_support import error_summary, message_beside

FREE_TEXT = """\
id: free-text
title: {ja: 自由記述の届出, en: Free text}
description: {ja: テスト用の手続きです。, en: For tests.}
department: {name: {ja: 市民課, en: Citizens Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 確認します。, en: We will check it.}
retention: {years: 5}
pages:
  - id: about
    title: {ja: 内容, en: Details}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
      - {type: text, id: memo, label: {ja: メモ, en: Memo}, required: false}
      - {type: textarea, id: details, label: {ja: 詳しい内容, en: Details}, required: false}
      - {type: number, id: count, label: {ja: 人数, en: Number of people}, required: false}
      - {type: number, id: area, label: {ja: 面積, en: Area}, integer: false, required: false}
      - {type: file, id: photo, label: {ja: 写真, en: Photo}, accept: [pdf], required: false}
"""
PAGE = "/forms/free-text/pages/about"
CONTROL_MESSAGE = "に使用できない文字（制御文字）が含まれています。「�」の文字を消してください"


@pytest.fixture
def free_text(app):
    with app.app_context(), database().transaction() as session:
        publish_loaded(session, load_text(FREE_TEXT, "free-text.yaml"), actor="test")
    return "free-text"


def at_page(client, app) -> Applicant:
    person = Applicant(client, app, "free-text")
    person.apply(until="about")
    return person


def post(person: Applicant, **inputs):
    return person.post(PAGE, {"name-family": "山田", "name-given": "太郎", **inputs})


def stored_fields(db_session) -> dict:
    db_session.expire_all()
    return db_session.scalars(select(Draft)).one().answers["fields"]


@pytest.mark.parametrize("typed", ["\x00", "メモ\x00です", "\x1b[31m赤\x1b[0m", "a\x7fb", "a\x85b",
                                   "\x08" * 3])
def test_a_control_character_is_explained_beside_the_field_and_nothing_is_stored(
        client, app, free_text, db_session, typed):
    person = at_page(client, app)
    response = post(person, memo=typed, details=f"一行目\n{typed}")
    assert response.status_code == 200
    assert ("memo", "メモ" + CONTROL_MESSAGE) in error_summary(response.text)
    assert message_beside(response.text, "memo") == "メモ" + CONTROL_MESSAGE
    assert message_beside(response.text, "details") == "詳しい内容" + CONTROL_MESSAGE
    # What was typed is kept, the refused characters shown where they were.
    shown = typed.replace("\x00", "\ufffd").replace("\x1b", "\ufffd").replace("\x7f", "\ufffd") \
        .replace("\x85", "\ufffd").replace("\x08", "\ufffd")
    assert f'value="{html.escape(shown)}"' in response.text
    assert "\x00" not in response.text
    assert stored_fields(db_session) == {}


def test_a_control_character_in_one_part_of_a_name_points_at_that_part(client, app, free_text):
    person = at_page(client, app)
    response = person.post(PAGE, {"name-family": "山田", "name-given": "太\x00郎"})
    assert response.status_code == 200
    assert ("name-given", "氏名" + CONTROL_MESSAGE) in error_summary(response.text)


def test_tabs_and_line_breaks_are_what_people_type(client, app, free_text, db_session):
    person = at_page(client, app)
    response = post(person, memo="a\tb", details="一行目\r\n二行目\n\t三行目")
    assert response.status_code == 302
    assert stored_fields(db_session)["details"] == "一行目\n二行目\n\t三行目"
    assert stored_fields(db_session)["memo"] == "a\tb"


def test_a_text_answer_without_a_length_limit_still_has_one(client, app, free_text, db_session):
    person = at_page(client, app)
    response = post(person, memo="あ" * 1001, details="い" * 10_001)
    assert response.status_code == 200
    assert message_beside(response.text, "memo") == "メモは1000文字以内で入力してください（現在1001文字）"
    assert message_beside(response.text, "details") == \
        "詳しい内容は10000文字以内で入力してください（現在10001文字）"
    assert post(person, memo="あ" * 1000, details="い" * 10_000).status_code == 302
    assert len(stored_fields(db_session)["details"]) == 10_000


@pytest.mark.parametrize("typed", ["Infinity", "-Infinity", "inf", "NaN", "sNaN", "1e5000",
                                   "1e999999", "１ｅ９９"])
def test_special_numbers_are_not_numbers(client, app, free_text, db_session, typed):
    person = at_page(client, app)
    response = post(person, count=typed, area=typed)
    assert response.status_code == 200
    assert message_beside(response.text, "count") == "数字で入力してください"
    assert message_beside(response.text, "area") == "数字で入力してください"
    assert stored_fields(db_session) == {}
    # Corrected, the application goes on to a check page that shows them.
    assert post(person, count="3", area="12.5").status_code == 302
    check = client.get("/forms/free-text/check")
    assert check.status_code == 200 and "12.5" in check.text


def test_a_number_without_a_maximum_is_bounded_by_its_digits(client, app, free_text, db_session):
    person = at_page(client, app)
    response = post(person, count="9" * 5000)
    assert message_beside(response.text, "count") == "人数は15桁以内の数字で入力してください"
    assert stored_fields(db_session) == {}


def test_control_and_direction_characters_leave_an_uploaded_files_name(client, app, free_text, db_session):
    person = at_page(client, app)
    response = post(person, photo=(io.BytesIO(TINY_PDF), "写真\x00\u202efdp.exe\x1f.pdf"))
    assert response.status_code == 302
    assert db_session.scalars(select(Upload.filename)).one() == "写真fdp.exe.pdf"
    assert stored_fields(db_session)["photo"][0]["filename"] == "写真fdp.exe.pdf"


def test_a_form_key_with_a_control_character_is_refused_on_an_application_page_too(client, app, free_text):
    person = at_page(client, app)
    response = post(person, **{"memo\x00": "x"})
    assert response.status_code == 400
    assert "使用できない文字（制御文字）が含まれていたため" in response.text
