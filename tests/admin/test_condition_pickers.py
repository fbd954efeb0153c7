"""Conditions chosen, not typed: the question from a list, the comparison in words and the value
as the question is answered (its choices, はい／いいえ, a date, a number; text only for a text
question). Without JavaScript 「値を選ぶ」 reloads the page with the inputs for the chosen question."""

from __future__ import annotations

import re
from datetime import date

from formsvc.admin.yaml_edit import load
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

SAMPLE = """\
id: admin-sample
title: 見本の届出
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、郵送します。
retention: {years: 5}
pages:
  - id: first
    title: 最初の質問
    fields:
      - {type: radio, id: via, label: 申請する方, choices: [{value: self, label: 本人}, {value: agent, label: 代理人}]}
      - type: checkboxes
        id: benefits
        label: 受けている給付
        choices: [{value: pension, label: 年金}, {value: none, label: 該当なし}]
      - {type: yes_no, id: moved, label: 転居しましたか, yes_label: 転居した, no_label: 転居していない}
      - {type: date, id: moved_on, label: 転居した日, required: false}
      - {type: number, id: copies, label: 通数, min: 1, max: 5}
      - {type: text, id: note, label: 備考, required: false, max_length: 20}
      - {type: consent, id: agree, label: 同意, statement: 同意します}
  - id: last
    title: 最後の質問
    fields:
      - {type: text, id: extra, label: 追加の記入, required: false, max_length: 20}
      - {type: text, id: kept, label: 複雑な条件の項目, required: false, max_length: 20,
         show_if: {all: [{field: via, equals: self}, {field: moved, equals: true}]}}
"""

PAGE = f"/admin/forms/{FORM}/pages/last"
URL = f"{PAGE}/fields/extra"


def shown_for(admin, changes: dict) -> str:
    """The question's page after choosing a condition question and pressing 「値を選ぶ」."""
    data = form_values(admin.get(URL).text, URL)
    data.update({"condition_mode": "simple", **changes, "condition_pick": "1"})
    picked = admin.post(URL, data=data)
    assert picked.status_code == 200, summary_of(picked.text)
    return picked.text


def choose(admin, question: str, changes: dict):
    """Choose ``question``, press 「値を選ぶ」, then fill the shown inputs with ``changes`` and save."""
    page = shown_for(admin, {"condition_field": question})
    data = form_values(page, URL)
    data.pop("condition_pick", None)
    data.update(changes)
    return admin.post(URL, data=data)


def condition_written(app) -> dict:
    return load(working_source(app))["pages"][1]["fields"][0].get("show_if")


def options_of(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1))


def test_no_value_input_before_a_question_is_chosen_and_the_picker_saves_nothing(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = admin.get(URL).text
    assert "比べる値の欄は、項目を選んで「値を選ぶ」を押すと出ます。" in text_of(page)
    assert 'name="condition_value"' not in page
    assert re.search(r'<button type="submit" class="button button--secondary button--small" '
                     r'name="condition_pick" value="1" formaction="' + re.escape(URL) + '#condition"', page)
    picked = shown_for(admin, {"condition_field": "via"})
    assert "値の欄を、選んだ項目に合わせました。まだ保存していません。" in text_of(picked)
    assert working_source(app) is None  # nothing saved


def test_a_choice_question_offers_its_choices_by_label_and_stores_the_value(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "via"})
    assert options_of(page, "condition_value") == [("", "選んでください"), ("self", "本人"), ("agent", "代理人")]
    # No free text box for the value, and only comparisons that fit a choice, in words.
    assert not re.search(r'<input[^>]*type="text"[^>]*name="condition_value"', page)
    assert [words for _, words in options_of(page, "condition_operator")] == [
        "が次と同じ", "が次と違う", "が次のどれか", "に回答がある", "に回答がない"]
    saved = choose(admin, "via", {"condition_operator": "equals", "condition_value": "agent"})
    assert saved.status_code == 302, summary_of(saved.text)
    assert condition_written(app) == {"field": "via", "equals": "agent"}
    again = admin.get(URL).text
    assert ("agent", "代理人") in options_of(again, "condition_value")
    assert '<option value="agent" selected>代理人</option>' in again
    assert "今の条件：「申請する方」が「代理人」" in text_of(again)


def test_several_choices_are_ticked_for_one_of(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    saved = choose(admin, "via", {"condition_operator": "one_of", "condition_values": ["self", "agent"]})
    assert saved.status_code == 302, summary_of(saved.text)
    assert condition_written(app) == {"field": "via", "one_of": ["self", "agent"]}
    again = form_values(admin.get(URL).text, URL)
    assert again["condition_operator"] == "one_of" and again["condition_values"] == ["self", "agent"]
    refused = choose(admin, "via", {"condition_operator": "one_of", "condition_values": []})
    assert refused.status_code == 400
    assert summary_of(refused.text) == ["「が次のどれか」の値を1つ以上選んでください"]
    assert 'id="condition_values-error"' in refused.text  # beside the checkboxes


def test_a_checkboxes_question_is_compared_by_a_chosen_choice(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "benefits"})
    assert options_of(page, "condition_value")[1:] == [("pension", "年金"), ("none", "該当なし")]
    assert [words for _, words in options_of(page, "condition_operator")] == [
        "で次を選んでいる", "に回答がある", "に回答がない"]
    saved = choose(admin, "benefits", {"condition_operator": "contains", "condition_value": "pension"})
    assert saved.status_code == 302 and condition_written(app) == {"field": "benefits", "contains": "pension"}


def test_a_yes_no_question_is_answered_with_its_own_words(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "moved"})
    assert re.search(r'<input class="choice__input" type="radio" id="condition_value-true" name="condition_value" '
                     r'value="true">\s*<label class="choice__label" for="condition_value-true">転居した</label>', page)
    assert 'for="condition_value-false">転居していない</label>' in page
    saved = choose(admin, "moved", {"condition_operator": "equals", "condition_value": "false"})
    assert saved.status_code == 302 and condition_written(app) == {"field": "moved", "equals": False}
    assert form_values(admin.get(URL).text, URL)["condition_value"] == "false"
    # A consent question: 同意している.
    page = shown_for(admin, {"condition_field": "agree"})
    assert 'for="condition_value-true">同意している</label>' in page
    saved = choose(admin, "agree", {"condition_operator": "equals", "condition_value": "true"})
    assert saved.status_code == 302 and condition_written(app) == {"field": "agree", "equals": True}


def test_a_date_question_takes_a_date_input_or_days_from_today(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "moved_on"})
    assert re.search(r'<input class="input input--m" type="date" id="condition_value" name="condition_value"', page)
    assert [words for _, words in options_of(page, "condition_operator")][:4] == [
        "が次の日", "が次の日ではない", "が次の日より後", "が次の日か、それより後"]
    saved = choose(admin, "moved_on", {"condition_operator": "gte", "condition_value": "2027-04-01"})
    assert saved.status_code == 302, summary_of(saved.text)
    assert condition_written(app) == {"field": "moved_on", "gte": date(2027, 4, 1)}
    saved = choose(admin, "moved_on", {"condition_operator": "lt", "condition_value": "", "condition_days": "-7"})
    assert saved.status_code == 302, summary_of(saved.text)
    assert condition_written(app) == {"field": "moved_on", "lt": {"days_from_today": -7}}
    again = form_values(admin.get(URL).text, URL)
    assert (again["condition_value"], again["condition_days"]) == ("", "-7")
    both = choose(admin, "moved_on", {"condition_value": "2027-04-01", "condition_days": "3"})
    assert both.status_code == 400
    assert errors_on(both.text) == ["＊日付と「今日から数えた日数」は、どちらか一方だけにしてください"]
    for hostile in ("たくさん", "9" * 5000, "1e9"):
        refused = choose(admin, "moved_on", {"condition_value": "", "condition_days": hostile})
        assert refused.status_code == 400, hostile
        assert summary_of(refused.text) == ["今日から数えた日数は、整数で入力してください（例: 7、-7）"], hostile
        assert 'id="condition_days-error"' in refused.text
    refused = choose(admin, "moved_on", {"condition_value": "2027-02-30", "condition_days": ""})
    assert refused.status_code == 400 and 'id="condition_value-error"' in refused.text


def test_numbers_and_text_have_their_own_inputs(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "copies"})
    assert re.search(r'type="text" id="condition_value" name="condition_value" value="" inputmode="decimal"', page)
    saved = choose(admin, "copies", {"condition_operator": "gte", "condition_value": "3"})
    assert saved.status_code == 302 and condition_written(app) == {"field": "copies", "gte": 3}
    refused = choose(admin, "copies", {"condition_operator": "gte", "condition_value": "たくさん"})
    assert refused.status_code == 400 and 'id="condition_value-error"' in refused.text
    page = shown_for(admin, {"condition_field": "note"})
    assert "回答と同じ文字で書きます" in text_of(page)
    saved = choose(admin, "note", {"condition_operator": "equals", "condition_value": "急ぎ"})
    assert saved.status_code == 302 and condition_written(app) == {"field": "note", "equals": "急ぎ"}


def test_answered_and_not_answered_need_no_value(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    saved = choose(admin, "note", {"condition_operator": "unanswered", "condition_value": ""})
    assert saved.status_code == 302 and condition_written(app) == {"field": "note", "answered": False}
    assert form_values(admin.get(URL).text, URL)["condition_operator"] == "unanswered"
    saved = choose(admin, "via", {"condition_operator": "answered", "condition_value": ""})
    assert saved.status_code == 302 and condition_written(app) == {"field": "via", "answered": True}


def test_changing_the_question_without_choosing_its_value_is_refused_beside_the_question(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    page = shown_for(admin, {"condition_field": "via"})
    data = form_values(page, URL)
    data.pop("condition_pick", None)
    # The administrator changes the question and saves at once: "agent" was a value of 申請する方.
    data.update({"condition_field": "benefits", "condition_operator": "equals", "condition_value": "agent"})
    refused = admin.post(URL, data=data)
    assert refused.status_code == 400
    assert summary_of(refused.text) == [
        "条件に使う項目を変えたため、値を選び直してください（「値を選ぶ」を押すと、その項目に合った値の欄が出ます）"]
    assert 'id="condition_field-error"' in refused.text
    # The page now shows the inputs of the new question; saving them works.
    assert options_of(refused.text, "condition_value")[1:3] == [("pension", "年金"), ("none", "該当なし")]
    data = form_values(refused.text, URL)
    data.update({"condition_operator": "contains", "condition_value": "none"})
    assert admin.post(URL, data=data).status_code == 302
    assert condition_written(app) == {"field": "benefits", "contains": "none"}


def test_forged_questions_and_values_are_refused_in_japanese(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    for forged in ("kept", "nothing", "../x", "x" * 10000):
        data = form_values(admin.get(URL).text, URL)
        data.update({"condition_mode": "simple", "condition_field": forged, "condition_operator": "equals",
                     "condition_value": "a"})
        refused = admin.post(URL, data=data)
        assert refused.status_code == 400, forged
        assert summary_of(refused.text) == ["条件に使う項目を一覧から選んでください"], forged
    # A value that is not a choice is refused, and shown again marked (never silently replaced).
    refused = choose(admin, "via", {"condition_operator": "equals", "condition_value": "第三者"})
    assert refused.status_code == 400 and summary_of(refused.text)
    assert '<option value="第三者" selected>第三者（選択肢にありません）</option>' in refused.text
    assert working_source(app) is None


def test_a_condition_the_form_cannot_express_stays_unchanged(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    url = f"{PAGE}/fields/kept"
    values = form_values(admin.get(url).text, url)
    assert values["condition_mode"] == "keep"
    assert submit(admin, url, url, {"label_ja": "複雑な条件の項目です"}).status_code == 302
    written = load(working_source(app))["pages"][1]["fields"][1]
    assert written["show_if"] == {"all": [{"field": "via", "equals": "self"}, {"field": "moved", "equals": True}]}


def test_a_page_condition_is_chosen_the_same_way(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    data = form_values(admin.get(PAGE).text, PAGE)
    data.update({"condition_mode": "simple", "condition_field": "moved", "condition_pick": "1"})
    picked = admin.post(PAGE, data=data)
    assert picked.status_code == 200 and 'for="condition_value-true">転居した</label>' in picked.text
    data = form_values(picked.text, PAGE)
    data.update({"condition_operator": "equals", "condition_value": "true"})
    assert admin.post(PAGE, data=data).status_code == 302
    assert load(working_source(app))["pages"][1]["show_if"] == {"field": "moved", "equals": True}
