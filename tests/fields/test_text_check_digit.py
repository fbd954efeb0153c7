"""A text question with ``check_digit: insurer_number``: the 保険者番号 on a health insurance card,
6 digits (国民健康保険) or 8 (the others), its last digit the 検証番号."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from formsvc.fields.admin_options import admin_options
from formsvc.fields.text import TextField
from tests.fields.fieldkit import CTX, EN, make, shown_value, submit

INSURER = {"label": "保険者番号", "check_digit": "insurer_number"}
WRONG = "保険者番号が正しくありません。保険証に記載の番号を確認してください"
SHAPE = "保険者番号は6桁（国民健康保険）または8桁の数字で入力してください。保険証に記載の番号を確認してください"


@pytest.mark.parametrize(("typed", "stored"), [
    ("01130012", "01130012"),        # 協会けんぽ東京支部
    ("138016", "138016"),            # 国民健康保険
    ("33120015", "33120015"),        # 千葉県警察共済
    ("０１０４００１３", "01040013"),  # full-width digits, as typed with a Japanese IME
    (" 0113 0012 ", "01130012"),     # spaces and hyphens around digits, as copied from a card
    ("0113-0012", "01130012"),
    ("０１１３－００１２", "01130012"),
    ("\u3000138016\u3000", "138016"),
])
def test_a_right_number_is_stored_as_ascii_digits(typed, stored):
    result = submit(make("text", **INSURER), {"answer": typed})
    assert result.errors == []
    assert result.data == stored


@pytest.mark.parametrize("typed", ["01130013", "01130021", "138017", "０１１３００１３", "000000", "00000000"])
def test_a_wrong_check_digit_says_to_look_at_the_card(typed):
    assert submit(make("text", **INSURER), {"answer": typed}).errors == [WRONG]


@pytest.mark.parametrize("typed", ["13801", "0113001", "011300120", "01l30012", "保険者番号", "1380１６x",
                                   "\x00138016", "9" * 200, "1e5", "13801.6"])
def test_anything_but_6_or_8_digits_says_how_many(typed):
    assert submit(make("text", **INSURER), {"answer": typed}).errors == [SHAPE]


def test_an_answer_longer_than_any_text_gets_the_length_message_before_the_regex_or_digit_runs():
    assert submit(make("text", **INSURER), {"answer": "9" * 5000}).errors == [
        "保険者番号は1000文字以内で入力してください（現在5000文字）"]


def test_nothing_typed_is_the_required_message_and_optional_may_be_blank():
    assert submit(make("text", **INSURER), {"answer": ""}).errors == ["保険者番号を入力してください"]
    assert submit(make("text", **INSURER, required=False), {"answer": " "}).valid


def test_messages_in_english():
    spec = make("text", **INSURER)
    assert submit(spec, {"answer": "01130013"}, ctx=EN).errors == [
        "The insurer number is not correct. Check the number on your health insurance card"]
    assert submit(spec, {"answer": "12345"}, ctx=EN).errors == [
        "Enter the insurer number as 6 digits (National Health Insurance) or 8 digits. "
        "Check the number on your health insurance card"]
    assert spec.automatic_hint(EN) == "The 6 or 8 digits on your health insurance card"
    assert spec.automatic_hint(CTX) == "保険証に記載の6桁または8桁の数字"


def test_a_pattern_still_applies_and_is_checked_first():
    spec = make("text", **INSURER, pattern={"regex": "[0-9]{8}", "message": "8桁で入力してください"})
    assert submit(spec, {"answer": "138016"}).errors == ["8桁で入力してください"]
    assert submit(spec, {"answer": "01130013"}).errors == [WRONG]


def test_a_stored_answer_is_checked_the_same_way():
    spec = make("text", **INSURER)
    assert spec.validate_value("01130012", CTX) == []
    assert spec.validate_value("01130013", CTX) == [WRONG]


def test_the_page_shows_the_numeric_keypad_and_what_was_typed():
    assert shown_value(make("text", **INSURER), {"answer": "0113001３"}) == "0113001３"


def test_only_insurer_number_is_known():
    with pytest.raises(ValidationError, match="insurer_number"):
        make("text", label="番号", check_digit="my_number")
    with pytest.raises(ValidationError):
        make("textarea", label="番号", check_digit="insurer_number")  # one line only


def test_the_example_answer_is_valid_and_other_text_keeps_its_own():
    spec = make("text", **INSURER)
    assert submit(spec, {"answer": spec.example_answer()}).errors == []
    assert make("text", label="備考").example_answer() == "テスト回答"[:4]


def test_the_structured_editor_offers_it():
    option = admin_options(TextField)["check_digit"]
    assert option.kind == "str"
    assert "insurer_number" in (option.hint or "")
