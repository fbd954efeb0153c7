"""Review fixes of the structured editor, driven as an administrator would: a page re-shown after a
refused move still posts 「値を選ぶ」 to its own form, a forged comparison is refused beside the
comparison, a duplicate question ID is told beside the ID, a refused move beside its 移動先, and a
regular expression that cannot be read is told in Japanese."""

from __future__ import annotations

import re

import pytest

from tests.admin.support import (
    FORM,
    admin_client,
    errors_on,
    form_values,
    publish_sample,
    submit,
    summary_of,
    text_of,
    working_source,
)
from tests.admin.test_condition_pickers import SAMPLE, URL, shown_for

PAGE = f"/admin/forms/{FORM}/pages/last"
# What the structured editor must never show: pydantic's words, English, paths.
INTERNALS = re.compile(r"function-after|CountRef|ComputedRef|DateOffset|FieldRef|list\[|"
                       r"pages\[|[A-Za-z]{4,} [a-z]{3,}")


def test_choosing_a_value_after_a_refused_move_posts_to_the_page_form(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = admin.get(PAGE).text
    data = form_values(page, f"{PAGE}/fields/extra/move")
    data["position"] = "abc"
    refused = admin.post(f"{PAGE}/fields/extra/move", data=data)
    assert refused.status_code == 400
    # The page's own form: 「値を選ぶ」 reloads the page settings, not the refused move.
    assert re.search(r'name="condition_pick" value="1" formaction="' + re.escape(PAGE) + '#condition"',
                     refused.text), re.findall(r'formaction="[^"]*"', refused.text)
    # The same on a question's page re-shown after a refused save.
    saved = submit(admin, URL, URL, {"option_max_length": "たくさん"})
    assert saved.status_code == 400
    assert 'formaction="' + URL + '#condition"' in saved.text


@pytest.mark.parametrize(("question", "operator", "value"), [
    ("via", "gt", "self"),  # a choice question compared as a number
    ("via", "contains", "self"),  # contains is for a checkboxes question
    ("benefits", "equals", "pension"),  # a checkboxes question offers 「で次を選んでいる」
    ("note", "gte", "3"),  # a text question
    ("via", "matches", "self"),  # not offered at all
    ("via", "bogus", "self"),
])
def test_a_forged_comparison_is_refused_beside_the_comparison(app, question, operator, value):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": question})
    data = form_values(page, URL)
    data.pop("condition_pick", None)
    data.update({"condition_operator": operator, "condition_value": value})
    refused = admin.post(URL, data=data)
    assert refused.status_code == 400
    assert summary_of(refused.text) == ["比べ方を一覧から選んでください"]
    assert errors_on(refused.text) == ["＊比べ方を一覧から選んでください"]
    assert 'id="condition_operator-error"' in refused.text
    assert 'href="#condition_operator"' in refused.text
    assert not INTERNALS.search(text_of(refused.text))
    assert working_source(app) is None


def test_a_comparison_written_in_the_yaml_is_kept_when_saved_unchanged(app):
    # equals on a checkboxes question is valid YAML but not offered: saving unchanged keeps it.
    publish_sample(app, SAMPLE.replace(
        "      - {type: text, id: extra, label: 追加の記入, required: false, max_length: 20}",
        "      - {type: text, id: extra, label: 追加の記入, required: false, max_length: 20,\n"
        "         show_if: {field: benefits, equals: pension}}"))
    admin = admin_client(app)
    saved = submit(admin, URL, URL, {"label_ja": "追加の記入（変更）"})
    assert saved.status_code == 302, summary_of(saved.text)
    assert "show_if: {field: benefits, equals: pension}" in working_source(app)


def test_union_words_never_show_pydantic_internals():
    from formsvc.admin.plain_errors import Namer

    namer = Namer("id: x\n")
    message = namer.message("書き方が正しくありません。使える形: 整数、数値、日付 (例: 2025-04-01)、"
                            "{days_from_today: 日数}、{field: 項目ID}、CountRef、ComputedRef、"
                            "function-after[_compiles(), str]")
    assert not INTERNALS.search(message), message
    assert "書き方が正しくありません" in message and "数" in message and "日付" in message


def test_a_duplicate_question_id_on_the_same_page_is_told_beside_the_id(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    refused = submit(admin, PAGE, f"{PAGE}/fields", {"field_type": "text", "field_id": "extra",
                                                      "label_ja": "もう一つの記入"})
    assert refused.status_code == 400
    beside = [message for message in errors_on(refused.text) if "extra" in message or "ID" in message]
    assert beside and beside[0].startswith("＊"), errors_on(refused.text)
    assert 'id="field_id-error"' in refused.text
    assert 'href="#field_id"' in refused.text
    assert working_source(app) is None


@pytest.mark.parametrize("position", ["abc", "99", "0", "１２３４５", "-1"])
def test_a_refused_move_is_told_beside_its_move_to_select(app, position):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    action = f"{PAGE}/fields/extra/move"
    data = form_values(admin.get(PAGE).text, action)
    data["position"] = position
    refused = admin.post(action, data=data)
    assert refused.status_code == 400
    [message] = errors_on(refused.text)
    assert message.startswith("＊") and "移動" in message
    select = re.search(r'<select[^>]*id="move-extra"[^>]*>', refused.text).group(0)
    assert 'aria-describedby="move-extra-error"' in select and 'aria-invalid="true"' in select
    assert 'id="move-extra-error"' in refused.text
    assert 'href="#move-extra"' in refused.text
    assert working_source(app) is None


def test_a_refused_page_move_is_told_beside_its_move_to_select(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    edit = f"/admin/forms/{FORM}/edit"
    action = f"/admin/forms/{FORM}/pages/first/move"
    data = form_values(admin.get(edit).text, action)
    data["position"] = "x"
    refused = admin.post(action, data=data)
    assert refused.status_code == 400
    assert errors_on(refused.text) == ["＊移動先を一覧から選んでください"]
    assert 'aria-describedby="move-first-error"' in refused.text and 'href="#move-first"' in refused.text


@pytest.mark.parametrize(("regex", "words"), [
    ("^[0-9", "正規表現として読めません（2文字目）: 「[」が閉じていません"),
    ("(ab", "正規表現として読めません（1文字目）: 「(」が閉じていません"),
    ("*a", "正規表現として読めません（1文字目）: 繰り返す対象がない「*」"),
    ("a\\q", "正規表現として読めません（2文字目）: 不正なエスケープ「\\q」"),
    ("x{99999999999}", "正規表現として読めません"),
])
def test_a_regular_expression_that_cannot_be_read_is_told_in_japanese(app, regex, words):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    refused = submit(admin, URL, URL, {"option_pattern_regex": regex, "option_pattern_message": "形が違います"})
    assert refused.status_code == 400
    shown = errors_on(refused.text)
    assert any(message.startswith("＊") and words in message for message in shown), shown
    assert not re.search(r"unterminated|position|nothing to repeat|bad escape|missing", text_of(refused.text))
    assert 'id="option_pattern_regex-error"' in refused.text


def test_a_comparison_with_a_control_character_is_refused_without_a_500(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    data = form_values(shown_for(admin, {"condition_field": "via"}), URL)
    data.pop("condition_pick", None)
    data.update({"condition_operator": "gt\x00", "condition_value": "self"})
    refused = admin.post(URL, data=data)
    assert refused.status_code == 400 and working_source(app) is None
