"""checkboxes: answers kept in the order of the definition's choices, and a choice that cannot
be combined with the others (``exclusive: true``, e.g. 「該当なし」)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from formsvc.resident.forms import build_form, field_views
from tests.fields.fieldkit import CTX, EN, make, question_html, submit

ITEMS = {"label": "記載が必要な事項", "choices": [
    {"value": "relationship", "label": "世帯主の氏名と続柄"},
    {"value": "honseki", "label": "本籍・筆頭者"},
    {"value": "previous_address", "label": "前住所"},
]}


# --- order --------------------------------------------------------------------------------

@pytest.mark.parametrize("sent", [
    ["previous_address", "relationship"],
    ["relationship", "previous_address"],
    ["previous_address", "honseki", "relationship", "honseki"],
])
def test_ticked_choices_are_stored_in_the_order_of_the_page_not_of_the_request(sent):
    spec = make("checkboxes", **ITEMS)
    result = submit(spec, [("answer", value) for value in sent])
    expected = [value for value in ("relationship", "honseki", "previous_address") if value in sent]
    assert result.data == expected
    assert spec.display(result.data) == "、".join(
        spec.choice_label(value) for value in expected)


def test_a_forged_value_is_kept_after_the_known_ones_and_refused():
    spec = make("checkboxes", **ITEMS)
    result = submit(spec, [("answer", "forged"), ("answer", "honseki")])
    assert result.data == ["honseki", "forged"]
    assert result.errors == ["記載が必要な事項は表示された選択肢から選んでください"]


# --- exclusive: 「該当なし」 -------------------------------------------------------------------

DISABILITY = {"label": "お持ちの手帳", "choices": [
    {"value": "physical", "label": {"ja": "身体障害者手帳", "en": "Physical disability certificate"}},
    {"value": "rehab", "label": {"ja": "療育手帳", "en": "Rehabilitation certificate"}},
    {"value": "mental", "label": {"ja": "精神障害者保健福祉手帳", "en": "Mental health certificate"}},
    {"value": "none", "label": {"ja": "該当なし", "en": "None of these"}, "exclusive": True},
]}
ALONE = "「該当なし」と他の選択肢は同時に選べません"


@pytest.mark.parametrize(("ticked", "errors"), [
    (["none"], []),
    (["physical", "mental"], []),
    (["physical", "none"], [ALONE]),
    (["none", "physical"], [ALONE]),          # whatever order the browser sends
    (["physical", "rehab", "mental", "none"], [ALONE]),
    (["none", "none"], []),                   # the same box twice is one box
    (["none", "forged"], ["お持ちの手帳は表示された選択肢から選んでください"]),
    ([], ["お持ちの手帳を選択してください"]),
])
def test_an_exclusive_choice_cannot_be_combined_with_others(ticked, errors):
    result = submit(make("checkboxes", **DISABILITY), [("answer", value) for value in ticked])
    assert result.errors == errors


def test_the_message_is_in_english_too():
    result = submit(make("checkboxes", **DISABILITY), [("answer", "none"), ("answer", "rehab")], ctx=EN)
    assert result.errors == ["You cannot select “None of these” together with other choices"]


def test_the_exclusive_choice_alone_is_a_whole_answer_whatever_min_selected_asks():
    spec = make("checkboxes", **DISABILITY, min_selected=2)
    assert submit(spec, [("answer", "none")]).errors == []
    assert submit(spec, [("answer", "rehab")]).errors == ["お持ちの手帳は2つ以上選択してください"]


def test_two_exclusive_choices_cannot_be_combined_either():
    keys = {**DISABILITY, "choices": [*DISABILITY["choices"],
                                      {"value": "unknown", "label": "わからない", "exclusive": True}]}
    assert submit(make("checkboxes", **keys), [("answer", "unknown"), ("answer", "none")]).errors == [ALONE]


def test_the_hint_says_so_before_the_resident_tries():
    spec = make("checkboxes", **DISABILITY)
    assert spec.automatic_hint(CTX) == ("当てはまるものをすべて選んでください。"
                                        "「該当なし」は他の選択肢と一緒には選べません")
    assert spec.automatic_hint(EN) == ("Select all that apply. “None of these” cannot be selected "
                                       "together with other choices")
    assert make("checkboxes", **ITEMS).automatic_hint(CTX) == "当てはまるものをすべて選んでください"


def test_exclusive_is_false_unless_written_and_plain_choices_stay_plain():
    spec = make("checkboxes", label="理由", choices=["仕事", "病気"])
    assert [choice.exclusive for choice in spec.all_choices()] == [False, False]
    assert spec.exclusive_choices() == []


def test_radio_buttons_have_no_exclusive_choices_to_enforce():
    radio = make("radio", **DISABILITY)
    assert radio.exclusive_choices() == []


def _rendered(spec, formdata=()):
    """The question as its template draws it on an application page."""
    form = build_form([spec], CTX, MultiDict(formdata))
    form.validate()
    view = field_views(form, [spec], CTX)[0]
    return BeautifulSoup(question_html(view), "html.parser")


def test_the_page_marks_the_exclusive_choices_for_the_script_and_keeps_the_fieldset():
    page = _rendered(make("checkboxes", **DISABILITY), [("answer", "none"), ("answer", "mental")])
    group = page.find(attrs={"data-exclusive-choices": True})
    assert group["data-exclusive-choices"] == '["none"]'
    assert group.find("fieldset").find("legend").get_text(strip=True).startswith("お持ちの手帳")
    # Redisplayed as ticked, with the message, so the resident sees what to untick.
    assert sorted(box["value"] for box in page.find_all("input", checked=True)) == ["mental", "none"]
    assert ALONE in page.get_text()


def test_checkboxes_without_exclusive_choices_render_as_before():
    assert _rendered(make("checkboxes", **ITEMS)).find(attrs={"data-exclusive-choices": True}) is None
