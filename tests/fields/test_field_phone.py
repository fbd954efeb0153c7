"""Phone numbers as a resident types them: stored as digits, shown grouped by their area code,
and explained in friendly Japanese when they cannot be a number (issue 20)."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import EN, make, submit

SHAPE = "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）"
NO_SUCH = ("電話番号の局番と桁数が合いません。番号をもう一度確かめてください"
           "（例：携帯電話 090-1234-5678、固定電話 03-1234-5678）")


def phone():
    return make("phone", label="電話番号")


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("0466123456", "0466123456", "0466-12-3456"),
    ("０４６６－１２－３４５６", "0466123456", "0466-12-3456"),
    ("090-1234-5678", "09012345678", "090-1234-5678"),
    ("0990-123-456", "0990123456", "0990-123-456"),
    ("0800 123 4567", "08001234567", "0800-123-4567"),
])
def test_a_number_is_stored_as_digits_and_shown_grouped(typed, stored, shown):
    spec = phone()
    result = submit(spec, {"answer": typed})
    assert result.errors == []
    assert spec.answer_from_input(result.data) == stored
    assert spec.display(stored) == shown


@pytest.mark.parametrize(("typed", "message"), [
    ("090-1234", SHAPE),
    ("phone", SHAPE),
    ("0" * 5000, SHAPE),
    ("090-1234-5678\x00", SHAPE),
    ("090-1234-567", NO_SUCH),  # a mobile number needs 11 digits
    ("0120-123-4567", NO_SUCH),  # free dial 0120 has 10
    ("03-1234-56789", NO_SUCH),
])
def test_a_number_that_cannot_be_one_is_explained(typed, message):
    assert submit(phone(), {"answer": typed}).errors == [message]


def test_the_explanations_have_english_too():
    english = make("phone", label={"ja": "電話番号", "en": "Phone number"})
    assert submit(english, {"answer": "090-1234-567"}, EN).errors == [
        "This is not a Japanese phone number: check the area code and the number of digits"]
