"""The structured editor's changes, as functions from YAML to YAML."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.admin import editing
from formsvc.admin.yaml_edit import load
from formsvc.definitions.loader import load_text
from tests.admin.support import SAMPLE


def test_texts_are_plain_strings_unless_there_is_english():
    assert editing.text_value("氏名") == "氏名"
    assert editing.text_value(" 氏名 ", "Name") == {"ja": "氏名", "en": "Name"}
    assert editing.text_value("") is None
    assert editing.text_parts({"ja": "氏名", "en": "Name"}) == ("氏名", "Name")


def test_choice_lines_round_trip_and_keep_what_the_textarea_does_not_show():
    raw = [{"value": "self", "label": {"ja": "本人", "en": "Yourself"}, "amount": 300}, "その他"]
    assert editing.choices_text(raw) == "self: 本人\nその他"
    lines = editing.parse_choice_lines("self: 本人\n\nagent：代理人\nその他\n")
    assert [(line.value, line.label) for line in lines] == [("self", "本人"), ("agent", "代理人"), ("その他", "その他")]
    merged = editing.merged_choices(lines, raw)
    assert merged == [{"value": "self", "label": {"ja": "本人", "en": "Yourself"}, "amount": 300},
                      {"value": "agent", "label": "代理人"}, "その他"]
    relabelled = editing.merged_choices(editing.parse_choice_lines("self: ご本人"), raw)
    assert relabelled == [{"value": "self", "label": "ご本人", "amount": 300}]  # stale English dropped


def test_pages_and_fields_are_added_moved_and_removed():
    text = editing.add_page(SAMPLE, "contact", "連絡先")
    assert [p["id"] for p in load(text)["pages"]] == ["applicant", "agent", "request", "contact"]
    text = editing.add_field(text, "contact", editing.new_field("phone", "phone", "電話番号"))
    text = editing.add_field(text, "contact", editing.new_field("email", "mail", "メール"))
    text = editing.move_field(text, "contact", "mail", -1)
    assert [f["id"] for f in load(text)["pages"][3]["fields"]] == ["mail", "phone"]
    text = editing.move_page(text, "contact", -1)
    assert [p["id"] for p in load(text)["pages"]] == ["applicant", "agent", "contact", "request"]
    text = editing.remove_field(text, "contact", "phone")
    text = editing.remove_page(text, "agent")
    assert [p["id"] for p in load(text)["pages"]] == ["applicant", "contact", "request"]
    with pytest.raises(editing.EditError):
        editing.move_page(text, "applicant", -1)
    with pytest.raises(editing.EditError):
        editing.remove_page(text, "nowhere")


def test_a_field_update_sets_and_removes_keys():
    text = editing.update_field(SAMPLE, "request", "copies",
                                {"label": "必要な通数", "hint": "最大5通", "required": False, "unit": None})
    spec = load(text)["pages"][2]["fields"][0]
    assert spec == {"type": "number", "id": "copies", "label": "必要な通数", "hint": "最大5通", "required": False,
                    "min": 1, "max": 5}
    assert "# 代理人のときだけ" in text


def test_fee_and_procedure_changes():
    text = editing.update_fee(SAMPLE, 400, "1件400円")
    assert load(text)["fee"] == {"amount": 400, "description": "1件400円"}
    assert "fee" not in load(editing.update_fee(SAMPLE, None, None))
    free = editing.update_fee(SAMPLE, None, None)
    assert load(editing.update_fee(free, 200, None))["fee"] == {"amount": 200}
    renamed = editing.rename(SAMPLE, "copy-of-sample", {"ja": "複製", "en": "Copy"})
    assert (load(renamed)["id"], load(renamed)["title"]) == ("copy-of-sample", {"ja": "複製", "en": "Copy"})


def test_conditions_from_the_small_form_read_values_by_the_questions_type():
    definition = load_text(SAMPLE.replace("unit: 通}", "unit: 通}\n      - {type: date, id: day, label: 日付}")
                           .replace("{type: name, id: name, label: 氏名}",
                                    "{type: yes_no, id: local, label: 市内ですか}")).definition
    assert editing.build_condition(definition, "via", "equals", "代理人") == {"field": "via", "equals": "agent"}
    assert editing.build_condition(definition, "via", "one_of", "本人、agent") == {
        "field": "via", "one_of": ["self", "agent"]}
    assert editing.build_condition(definition, "local", "equals", "はい") == {"field": "local", "equals": True}
    assert editing.build_condition(definition, "copies", "gte", "3") == {"field": "copies", "gte": 3}
    assert editing.build_condition(definition, "day", "lt", "today+7") == {"field": "day",
                                                                           "lt": {"days_from_today": 7}}
    assert editing.build_condition(definition, "day", "gte", "2026-04-01") == {"field": "day", "gte": date(2026, 4, 1)}
    assert editing.build_condition(definition, "copies", "answered", "") == {"field": "copies", "answered": True}
    with pytest.raises(editing.ConditionInvalid, match="数値の項目とは数で比べてください"):
        editing.build_condition(definition, "copies", "gt", "三")
    with pytest.raises(editing.ConditionInvalid, match="「はい」か「いいえ」"):
        editing.build_condition(definition, "local", "equals", "たぶん")
    assert editing.simple_condition({"field": "via", "equals": "agent"}) == editing.SimpleCondition(
        "via", "equals", "agent")
    assert editing.simple_condition({"all": [{"field": "via", "equals": "agent"}]}) is None


def test_each_type_offers_its_own_options():
    assert editing.option_fields("number") == ["min", "max", "integer", "places", "unit"]
    assert editing.option_fields("text") == ["min_length", "max_length", "pattern", "autocomplete", "check_digit"]
    assert editing.option_fields("file") == ["accept", "max_size_mb", "max_files", "min_files"]
    assert editing.option_fields("radio") == []


def test_a_questions_keys_are_written_in_the_order_of_its_types_options():
    assert editing.field_keys("checkboxes") == (
        "type", "id", "label", "hint", "required", "min_selected", "max_selected",
        "choices", "choice_list", "show_if", "prefill", "prefill_editable")
    text = editing.update_field(SAMPLE, "request", "copies", {"integer": False})
    assert "{type: number, id: copies, label: 通数, min: 1, max: 5, integer: false, unit: 通}" in text


def test_date_bounds_in_months_are_read_and_written_back():
    assert editing.bound_text({"months_from_today": -228}) == "today-228m"
    assert editing.bound_text({"months_from_today": 1, "days_from_today": -1}) == "today+1m-1"
    assert editing.bound_text({"days_from_today": 7}) == "today+7"
    assert editing.bound_from_text("today-228m") == {"months_from_today": -228}
    assert editing.bound_from_text("今日＋1か月-1") == {"months_from_today": 1, "days_from_today": -1}
    assert editing.bound_from_text("today+99999m") is None
    assert editing.bound_from_text("today-3m\x00") is None
    assert editing.same_bound({"months_from_today": -3, "days_from_today": 0}, {"months_from_today": -3})
