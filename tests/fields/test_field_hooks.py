"""What the pages, the counter and the checks ask of a field type, answered by the type itself."""

from __future__ import annotations

import io
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from formsvc.fields import REGISTRY
from formsvc.japanese.postal import lookup
from tests.fields.fieldkit import CTX, make, submit

# --- a stored answer checked as if it were typed (prefill, the counter) ---------------------------


@pytest.mark.parametrize(("kind", "keys", "stored"), [
    ("name", {}, {"family": "山田", "given": "太郎"}),
    ("kana", {}, {"family": "ヤマダ", "given": "タロウ"}),
    ("address", {}, {"prefecture": "東京都", "city": "港区", "town": "", "block": "4-2-8", "building": ""}),
    ("date", {"max": {"days_from_today": 0}}, "1990-04-01"),
    ("phone", {}, "0312345678"),
    ("postal_code", {}, "1050011"),
    ("number", {"min": 1}, 3),
    ("radio", {"choices": ["male", "female"]}, "female"),
    ("file", {"max_files": 2}, [{"upload": "t", "filename": "a.pdf"}]),
])
def test_an_acceptable_stored_answer_has_no_message(kind, keys, stored):
    assert make(kind, label="質問", **keys).validate_value(stored, CTX) == []


@pytest.mark.parametrize(("kind", "keys", "stored", "message"), [
    ("name", {}, {"family": "佐藤", "given": ""}, "名を入力してください"),
    ("name", {"max_length": 2}, {"family": "左衛門三郎", "given": "龍"}, "氏は2文字以内で入力してください"),
    ("kana", {}, {"family": "Sato", "given": "ハナコ"}, "セイはカタカナで入力してください"),
    ("address", {"max_length": 3}, {"prefecture": "東京都", "city": "港区芝公園", "block": "1"},
     "住所の市区町村は3文字以内で入力してください"),
    ("date", {"min": "2000-01-01"}, "1950-01-01", "質問は2000年1月1日(平成12年1月1日)以降の日付を入力してください"),
    ("phone", {}, "123", "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）"),
    ("number", {"max": 10}, 11, "質問は10以下で入力してください"),
    ("radio", {"choices": ["male", "female"]}, "other", "質問は表示された選択肢から選んでください"),
])
def test_a_stored_answer_the_question_would_refuse_gets_the_message_typing_it_would(kind, keys, stored, message):
    assert make(kind, label="質問", **keys).validate_value(stored, CTX) == [message]


@pytest.mark.parametrize("kind", sorted(name for name, cls in REGISTRY.items() if cls.has_answer))
def test_an_unanswered_question_needs_an_answer_only_when_required(kind):
    keys = {"choices": ["a"]} if kind in ("radio", "select", "checkboxes") else {}
    keys |= {"statement": "同意します"} if kind == "consent" else {}
    spec = make(kind, label="質問", **keys)
    for empty in (None, "", [], {}):
        assert spec.validate_value(empty, CTX) == [spec.required_message(CTX)]
    assert make(kind, label="質問", required=False, **keys).validate_value(None, CTX) == []


# --- what a page stores from its inputs ------------------------------------------------------------


def test_the_stored_answer_is_the_json_form_of_what_was_typed():
    spec = make("date", label="生年月日")
    typed = submit(spec, {"answer-year": "令和2", "answer-month": "4", "answer-day": "1"})
    assert spec.answer_from_input(typed.data) == "2020-04-01"
    assert spec.answer_from_input(None) is None
    assert make("text", label="備考", required=False).answer_from_input("") == ""


def test_new_files_wait_as_pending_entries_beside_the_ones_attached_before():
    spec = make("file", label="添付", max_files=3)
    earlier = {"upload": "token", "filename": "earlier.pdf", "content_type": "application/pdf", "size": 10}
    new = FileStorage(io.BytesIO(b"%PDF-1.4"), filename="C:\\fakepath\\new\u202egpj.pdf")

    stored = spec.answer_from_input([earlier, new])

    assert stored == [earlier, {"pending": id(new), "filename": "newgpj.pdf"}]
    assert spec.answer_from_input([]) is None and spec.answer_from_input(None) is None
    assert spec.receives_uploads and not make("text", label="備考").receives_uploads


# --- the postal-code lookup --------------------------------------------------------------------------


def test_a_postal_code_fills_the_address_it_names_with_what_the_code_tells():
    postal = make("postal_code", label="郵便番号", fills="home")
    address = make("address", id="home", label="住所")
    assert postal.address_lookup_target() == "home"
    assert make("postal_code", label="郵便番号").address_lookup_target() is None
    assert address.address_lookup_target() is None

    found = lookup("1050011")
    assert found is not None
    assert address.value_from_postal_address(found) == {
        "prefecture": "東京都", "city": "港区", "town": "芝公園", "block": "", "building": ""}
    assert make("text", label="備考").value_from_postal_address(found) is None


# --- the counter's shared details --------------------------------------------------------------------


def test_each_type_declares_the_resident_detail_it_carries():
    declared = {name: cls.carry_over for name, cls in REGISTRY.items() if cls.carry_over}
    assert declared == {"name": "name", "kana": "name_kana", "postal_code": "postal_code", "address": "address",
                        "phone": "phone", "email": "email"}


# --- which input an error links to -------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "keys", "formdata", "target"), [
    ("text", {}, {"answer": ""}, "answer"),
    ("select", {"choices": ["a"]}, {"answer": ""}, "answer"),
    ("radio", {"choices": ["a"]}, {}, "answer-0"),
    ("checkboxes", {"choices": ["a"]}, {}, "answer-0"),
    ("yes_no", {}, {}, "answer-0"),
    ("consent", {"statement": "同意します"}, {}, "answer-0"),
    ("name", {}, {"answer-family": "", "answer-given": ""}, "answer-family"),
    ("name", {}, {"answer-family": "山田", "answer-given": ""}, "answer-given"),
    ("date", {}, {"answer-year": "2025", "answer-month": "13", "answer-day": "1"}, "answer-month"),
])
def test_an_error_links_to_the_first_input_to_fix(kind, keys, formdata, target):
    spec = make(kind, label="質問", **keys)
    result = submit(spec, formdata)
    assert not result.valid
    assert spec.error_target(result.field) == target


# --- conditions on an answer -------------------------------------------------------------------------


def test_what_conditions_may_do_with_each_type_is_the_types_own():
    assert {name for name, cls in REGISTRY.items() if cls.comparable} == {"number", "date"}
    assert {name for name, cls in REGISTRY.items() if cls.several_choices} == {"checkboxes"}
    assert {name for name, cls in REGISTRY.items() if cls.computable} == {
        "number", "yes_no", "checkboxes", "radio", "select"}
    assert {name for name, cls in REGISTRY.items() if cls.protected} == {"my_number"}


def test_a_condition_value_typed_in_the_editor_is_read_as_the_questions_answers_are():
    assert make("yes_no", label="q", yes_label="ある").condition_value("ある") is True
    assert make("yes_no", label="q").condition_value("No") is False
    assert make("radio", label="q", choices=[{"value": "m", "label": {"ja": "男性", "en": "Male"}}]
                ).condition_value("Male") == "m"
    assert make("number", label="q").condition_value("３") == 3
    assert make("date", label="q").condition_value("today+7") == {"days_from_today": 7}
    assert make("date", label="q").condition_value("2025-04-01") == date(2025, 4, 1)
    assert make("text", label="q").condition_value("x") == "x"
    with pytest.raises(ValueError, match="数で比べて"):
        make("number", label="q").condition_value("three")
    with pytest.raises(ValueError, match="today\\+7"):
        make("date", label="q").condition_value("next week")
    with pytest.raises(ValueError, match="「はい」か「いいえ」"):
        make("yes_no", label="q").condition_value("maybe")


def test_a_literal_that_can_never_be_the_answer_is_named():
    radio = make("radio", label="q", id="reason", choices=["a", "b"])
    assert radio.compared_value_problem("a") is None
    assert radio.compared_value_problem("c") == "'c' は項目 'reason' の選択肢にありません。使える値: a, b"
    assert "真偽値 (true)" in radio.compared_value_problem(True)
    assert make("yes_no", label="q", id="moved").compared_value_problem("yes") == \
        "はい/いいえの項目 'moved' とは true か false で比べてください"
    assert make("text", label="q").compared_value_problem("anything") is None
    assert radio.literal_words("a") == "a" and make("yes_no", label="q", no_label="なし").literal_words(False) == "なし"
