"""A question optional in itself that a rule (or its required_if) requires in some cases is
labelled 「※条件により必須」, with a hint saying when, not ※任意 (issue 16).

Shipped examples: 粗大ごみ's 出す場所の詳しい説明 (rule put_out_note_for_other: required when 出す
場所 is その他), 住民票's その他の使いみち (rule purpose_other_needed), and 就学援助's required_if.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from formsvc.definitions.loader import load_text
from formsvc.resident.pages.rule_required import answered_fields, requiring_rules
from formsvc.vocabulary.conditions import Condition
from tests.conftest import hold_clock
from tests.resident.library_support import LIBRARY, Resident, publish
from tests.resident.test_library_juminhyo import SELF_AT_COUNTER
from tests.resident.test_library_shugaku_enjo import DAY as SHUGAKU_DAY
from tests.resident.test_library_shugaku_enjo import resident as shugaku_enjo_resident
from tests.resident.test_library_sodai_gomi import FUTONS, YAMAMOTO

CONDITIONAL = "※条件により必須"


def label_of(page: str, field_id: str) -> tuple[str, list[str]]:
    """The label (or legend) of a question as read, and the tags after it."""
    soup = BeautifulSoup(page, "html.parser")
    label = soup.find("label", attrs={"for": field_id})
    if label is None:
        label = soup.find("fieldset", id=field_id).find("legend")
    return label.get_text(), [tag.get_text() for tag in label.select(".tag")]


def hint_of(page: str, field_id: str) -> str:
    return BeautifulSoup(page, "html.parser").find(id=f"{field_id}-hint").get_text()


@pytest.fixture
def sodai_gomi_place(client, app) -> str:
    publish(app, "sodai-gomi")
    person = Resident(client, app, "sodai-gomi", answers=dict(YAMAMOTO), items={"items": [FUTONS]})
    return person.at("collection_place").text


def test_a_question_a_rule_requires_says_so_and_when(sodai_gomi_place):
    text, tags = label_of(sodai_gomi_place, "put_out_note")
    assert tags == [CONDITIONAL]
    assert "※任意" not in text and "※必須" not in text
    assert hint_of(sodai_gomi_place, "put_out_note") == (
        "「出す場所」で「その他」と答えた場合は必ず答えてください。例：駐車場の奥、門の内側。200文字以内")
    # Not aria-required: it is not required now.
    assert 'aria-required' not in str(BeautifulSoup(sodai_gomi_place, "html.parser").find(id="put_out_note"))


def test_other_questions_keep_their_tags(sodai_gomi_place):
    assert label_of(sodai_gomi_place, "put_out_place")[1] == ["※必須"]
    assert label_of(sodai_gomi_place, "collection_postal_code")[1] == ["※必須"]


def test_a_plainly_optional_question_stays_optional(client, app):
    publish(app, "sodai-gomi")
    person = Resident(client, app, "sodai-gomi", answers=dict(YAMAMOTO), items={"items": [FUTONS]})
    page = person.at("applicant").text
    assert label_of(page, "email")[1] == ["※任意"]


def test_the_same_on_another_procedure_and_in_english(client, app):
    publish(app, "juminhyo-copy")
    person = Resident(client, app, "juminhyo-copy", answers=dict(SELF_AT_COUNTER))
    page = person.at("copies_purpose").text
    assert label_of(page, "purpose_other")[1] == [CONDITIONAL]
    assert hint_of(page, "purpose_other").startswith("「使いみち」で「その他」と答えた場合は必ず答えてください。")
    client.get("/language/en")
    english = client.get("/forms/juminhyo-copy/pages/copies_purpose").text
    assert label_of(english, "purpose_other")[1] == ["Required in some cases"]
    assert hint_of(english, "purpose_other").startswith('You must answer this if you answered "Other" to "Purpose".')


def test_required_if_is_labelled_the_same(client, app, monkeypatch):
    # 就学援助's 世帯員 (a repeating page): the employer's phone is required when the member works.
    definition = load_text((LIBRARY / "shugaku-enjo.yaml").read_text(), "shugaku-enjo.yaml").definition
    assert definition.field_by_id("member_employer_phone").required is False  # read as optional
    hold_clock(monkeypatch, SHUGAKU_DAY)  # a day its 受付期間 holds
    publish(app, "shugaku-enjo")
    page = shugaku_enjo_resident(client, app).at("members").text
    assert label_of(page, "member_employer_phone")[1] == [CONDITIONAL]
    assert "必ず答えてください" in hint_of(page, "member_employer_phone")


# --- which checks make a question required ---------------------------------------------------

@pytest.mark.parametrize(("check", "required"), [
    ({"field": "note", "answered": True}, {"note"}),
    ({"not": {"field": "note", "answered": False}}, {"note"}),
    ({"all": [{"field": "note", "answered": True}, {"field": "other", "gt": 3}]}, {"note"}),
    ({"any": [{"field": "note", "answered": True}, {"field": "other", "answered": True}]}, set()),
    ({"field": "note", "answered": False}, set()),
    ({"field": "note", "not_equals": {"field": "other"}}, set()),
])
def test_which_checks_require_an_answer(check, required):
    assert answered_fields(Condition.model_validate(check)) == required


def test_only_the_rules_of_the_page_count():
    definition = load_text((LIBRARY / "hoiku-riyou.yaml").read_text(), "hoiku-riyou.yaml").definition
    page = definition.page_by_id("facilities")
    second, third = definition.field_by_id("facility_2"), definition.field_by_id("facility_3")
    assert [rule.id for rule in requiring_rules(second, page, definition.rules)] == ["second_before_third"]
    assert requiring_rules(third, page, definition.rules) == []
