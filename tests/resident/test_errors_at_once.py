"""Every error that can be known is shown at once (issue 16): a page with a field error also
shows the messages of the cross-field rules whose answers were read fine, beside their fields and
in the error summary in page order; a rule that reads a refused answer waits.

On the shipped 粗大ごみ procedure: 収集する場所 asks the postal code, the address, 出す場所 and
出す場所の詳しい説明, and its rule put_out_note_for_other needs the 説明 when 出す場所 is その他.
"""

from __future__ import annotations

import pytest

from formsvc.definitions.loader import load_text
from formsvc.resident.pages.rule_reads import rule_reads
from tests.conftest import hold_clock
from tests.resident.library_support import LIBRARY, Resident, error_summary, message_beside, publish
from tests.resident.test_library_shugaku_enjo import DAY, SON_AT_SCHOOL
from tests.resident.test_library_shugaku_enjo import resident as shugaku_enjo_resident
from tests.resident.test_library_sodai_gomi import FUTONS, YAMAMOTO

FORM = "sodai-gomi"
PAGE = "collection_place"
POSTAL_MESSAGE = "郵便番号は7桁の数字で入力してください（例：123-4567）"
RULE_MESSAGE = "出す場所で「その他」を選んだ場合は、出す場所の詳しい説明を入力してください"


@pytest.fixture
def person(client, app):
    publish(app, FORM)
    resident = Resident(client, app, FORM, answers=dict(YAMAMOTO), items={"items": [FUTONS]})
    resident.at(PAGE)
    return resident


def test_a_field_error_and_a_rule_are_shown_together_in_page_order(person):
    response = person.answer(PAGE, raw={"collection_postal_code": "12"}, put_out_place="other")
    assert response.status_code == 200
    page = response.text
    assert "入力内容にエラーがあります" in page
    # One round: the postal code's own error and the rule's, in the order of the page.
    assert error_summary(page) == [("collection_postal_code", POSTAL_MESSAGE),
                                   ("put_out_note", RULE_MESSAGE)]
    assert message_beside(page, "collection_postal_code") == POSTAL_MESSAGE
    assert message_beside(page, "put_out_note") == RULE_MESSAGE
    # What was typed stays, so both can be fixed and the page sent once more.
    assert 'value="12"' in page


def test_fixing_both_moves_on(person):
    response = person.answer(PAGE, put_out_place="other", put_out_note="駐車場の奥")
    assert response.status_code == 302
    assert response.location.endswith("/pages/collection_date")


def test_a_rule_reading_a_refused_answer_is_not_checked(person):
    # 出す場所 forged (no such choice): its own error only; the rule that reads it waits.
    response = person.answer(PAGE, raw={"put_out_place": "on-the-roof"})
    summary = error_summary(response.text)
    assert [target for target, _ in summary] == ["put_out_place-0"], summary
    assert message_beside(response.text, "put_out_note") is None


def test_a_rule_is_not_checked_on_its_own_refused_answer(person):
    # The 説明 is too long: its length message, not "enter the 説明" (it was typed).
    response = person.answer(PAGE, put_out_place="other", put_out_note="あ" * 201)
    summary = error_summary(response.text)
    assert len(summary) == 1, summary
    assert summary[0][0] == "put_out_note"
    assert "200文字以内" in summary[0][1]
    assert RULE_MESSAGE not in response.text


def test_control_characters_count_as_refused(person):
    response = person.answer(PAGE, raw={"collection_postal_code": "160\x000023"}, put_out_place="other")
    summary = error_summary(response.text)
    assert [target for target, _ in summary] == ["collection_postal_code", "put_out_note"], summary
    assert summary[1] == ("put_out_note", RULE_MESSAGE)


def test_english_messages_come_together_too(person, client):
    client.get("/language/en")
    response = person.answer(PAGE, raw={"collection_postal_code": "12"}, put_out_place="other")
    assert error_summary(response.text) == [
        ("collection_postal_code", "Enter a postcode of 7 digits, like 123-4567"),
        ("put_out_note", "Describe where the items will be, because you chose Other")]


def test_an_items_rules_come_with_its_field_errors(client, app, monkeypatch):
    # 就学援助: each child's school year is checked against the birth date (for_each: children).
    hold_clock(monkeypatch, DAY)
    publish(app, "shugaku-enjo")
    person = shugaku_enjo_resident(client, app)
    person.at("children")
    response = person.answer_item("children", 0, **{**SON_AT_SCHOOL, "child_grade": "8",
                                                    "child_school": "学" * 41})
    summary = error_summary(response.text)
    assert [target for target, _ in summary] == ["child_school", "child_grade"], summary
    assert message_beside(response.text, "child_grade") == "生年月日からみると小学生です。学年を確かめてください"


def definition(form_id: str):
    return load_text((LIBRARY / f"{form_id}.yaml").read_text(), f"{form_id}.yaml").definition


def test_what_a_rule_reads():
    sodai = definition("sodai-gomi")
    assert rule_reads(sodai.rules[0], sodai) == {"put_out_place", "put_out_note"}
    shugaku = definition("shugaku-enjo")
    rules = {rule.id: rule for rule in shugaku.rules}
    # Counting a repeating page's items (and where) reads every question of that page.
    members = {spec.id for spec in shugaku.page_by_id("members").fields}
    children = {spec.id for spec in shugaku.page_by_id("children").fields}
    assert rule_reads(rules["children_are_household_members"], shugaku) >= members | children
    assert rule_reads(rules["one_head_of_household"], shugaku) >= members
    assert rule_reads(rules["elementary_grade_matches_birth"], shugaku) == {"child_grade", "child_birth_date"}
