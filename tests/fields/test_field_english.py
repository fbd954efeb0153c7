"""With the English locale and an English label, a resident reads English only."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from formsvc.fields import REGISTRY
from tests.fields.fieldkit import EN, make, minimal_keys, submit, untouched

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def label(ja: str, en: str) -> dict[str, str]:
    return {"ja": ja, "en": en}


def date_inputs(year: str, month: str, day: str) -> dict[str, str]:
    return {"answer-year": year, "answer-month": month, "answer-day": day}


CASES = [
    ("text", {"label": label("提出先", "Recipient")}, {}, "Enter Recipient"),
    ("text", {"label": label("続柄", "Relationship"), "max_length": 3}, {"answer": "daughter"},
     "Relationship must be 3 characters or fewer (now 8)"),
    ("text", {"label": label("続柄", "Relationship"), "min_length": 2}, {"answer": "x"},
     "Relationship must be at least 2 characters"),
    ("text", {"label": label("記号", "Code"),
              "pattern": {"regex": "[A-Z]+", "message": label("英大文字で", "Use capital letters")}},
     {"answer": "abc"}, "Use capital letters"),
    ("textarea", {"label": label("理由", "Reason")}, {}, "Enter Reason"),
    ("number", {"label": label("通数", "Copies"), "min": 1, "max": 10}, {"answer": "11"},
     "Copies must be between 1 and 10"),
    ("number", {"label": label("通数", "Copies"), "min": 1}, {"answer": "0"}, "Copies must be 1 or more"),
    ("number", {"label": label("通数", "Copies"), "max": 10}, {"answer": "11"}, "Copies must be 10 or less"),
    ("number", {"label": label("通数", "Copies")}, {"answer": "many"}, "Enter a number"),
    ("number", {"label": label("通数", "Copies")}, {"answer": "1.5"}, "Enter a whole number"),
    ("email", {"label": label("メール", "Email")}, {"answer": "taro"},
     "Enter an email address in the correct format, like name@example.jp"),
    ("phone", {"label": label("電話番号", "Phone")}, {"answer": "123"},
     "Enter a Japanese phone number of 10 or 11 digits starting with 0"),
    ("postal_code", {"label": label("郵便番号", "Postcode")}, {"answer": "123"},
     "Enter a postcode of 7 digits, like 123-4567"),
    ("postal_code", {"label": label("郵便番号", "Postcode")}, {"answer": "0000000"},
     "This postcode was not found. Check the number"),
    ("my_number", {"label": label("個人番号", "My Number")}, {"answer": "123"},
     "Enter the 12-digit My Number"),
    ("my_number", {"label": label("個人番号", "My Number")}, {"answer": "123456789019"},
     "This My Number is not valid. Check the number"),
    ("corporate_number", {"label": label("法人番号", "Corporate number")}, {"answer": "123"},
     "Enter the 13-digit corporate number"),
    ("corporate_number", {"label": label("法人番号", "Corporate number")}, {"answer": "2010601008968"},
     "This corporate number is not valid. Check the number"),
    ("name", {"label": label("氏名", "Full name")}, {"answer-family": "", "answer-given": "Taro"},
     "Enter the family name"),
    ("name", {"label": label("氏名", "Full name"), "max_length": 3},
     {"answer-family": "Yamada", "answer-given": "Taro"}, "Family name must be 3 characters or fewer"),
    ("kana", {"label": label("フリガナ", "Name in katakana")}, {"answer-family": "", "answer-given": "タロウ"},
     "Enter the family name in katakana"),
    ("kana", {"label": label("フリガナ", "Name in katakana")},
     {"answer-family": "Yamada", "answer-given": "タロウ"}, "The family name in katakana must contain only katakana"),
    ("address", {"label": label("住所", "Address")},
     {"answer-prefecture": "東京都", "answer-city": "", "answer-block": "1"},
     "Enter the city, ward, town or village of the address"),
    ("date", {"label": label("生年月日", "Date of birth")}, {}, "Enter Date of birth"),
    ("date", {"label": label("生年月日", "Date of birth"), "max": {"days_from_today": 0}},
     date_inputs("2030", "1", "1"), "Date of birth must be today or in the past"),
    ("date", {"label": label("開始日", "Start date"), "min": "2025-04-01"}, date_inputs("2025", "3", "31"),
     "Start date must be on or after 2025-04-01"),
    ("date", {"label": label("終了日", "End date"), "max": "2025-04-01"}, date_inputs("2025", "4", "2"),
     "End date must be on or before 2025-04-01"),
    ("date", {"label": label("受取日", "Collection date"), "min": {"days_from_today": 3},
              "min_message": label("3日後以降", "Choose a day at least 3 days from today")},
     date_inputs("2026", "11", "27"), "Choose a day at least 3 days from today"),
    ("date", {"label": label("生年月日", "Date of birth")}, date_inputs("2025", "", "1"),
     "Enter the year, month and day"),
    ("date", {"label": label("生年月日", "Date of birth")}, date_inputs("2025", "2", "30"),
     "Enter a day that exists in that month"),
    ("date", {"label": label("生年月日", "Date of birth")}, date_inputs("2025", "13", "1"),
     "Enter the month as a number from 1 to 12"),
    ("date", {"label": label("生年月日", "Date of birth")}, date_inputs("平成31", "5", "1"),
     "Enter the year like 2026 or 令和8, for a date within that era"),
    ("radio", {"label": label("受け取り方法", "How to receive it"), "choices": ["a"]}, {},
     "Select How to receive it"),
    ("select", {"label": label("窓口", "Office"), "choices": ["a"]}, {"answer": "b"},
     "Select Office from the choices shown"),
    ("checkboxes", {"label": label("事項", "Details"), "choices": ["a", "b"], "min_selected": 2},
     {"answer": "a"}, "Select at least 2 for Details"),
    ("checkboxes", {"label": label("事項", "Details"), "choices": ["a", "b"], "max_selected": 1},
     [("answer", "a"), ("answer", "b")], "Select up to 1 for Details"),
    ("yes_no", {"label": label("転入", "Did you move in")}, {}, "Select yes or no for Did you move in"),
    ("consent", {"label": label("個人情報", "the privacy notice"), "statement": label("同意します", "I agree")},
     {}, "Tick the box to agree to the privacy notice"),
    ("file", {"label": label("委任状", "Letter")}, {}, "Choose a file for Letter"),
    ("file", {"label": label("委任状", "Letter"), "accept": ["pdf"]},
     [("answer", FileStorage(io.BytesIO(b"\x89PNG\r\n\x1a\n"), filename="letter.pdf"))],
     "letter.pdf must be a PDF file"),
    ("file", {"label": label("委任状", "Letter")},
     [("answer", FileStorage(io.BytesIO(b""), filename="letter.pdf"))], "letter.pdf is empty"),
]


@pytest.mark.parametrize(
    ("kind", "keys", "formdata", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_messages_are_in_english(kind, keys, formdata, message):
    result = submit(make(kind, **keys), formdata, EN)
    assert result.errors == [message]


@pytest.mark.parametrize("kind", sorted(name for name, cls in REGISTRY.items() if cls.has_answer))
def test_every_field_type_asks_for_its_answer_in_english(kind):
    spec = make(kind, **{**minimal_keys(kind), "label": label("質問", "the question")})
    errors = submit(spec, untouched(spec), EN).errors
    assert errors and "the question" in errors[0] and not JAPANESE.search(errors[0])


def test_the_field_label_is_english_too():
    result = submit(make("text", label=label("提出先", "Recipient")), {}, EN)
    assert result.field.label.text == "Recipient"


def test_without_an_english_label_the_japanese_one_is_used():
    assert submit(make("text", label="提出先"), {}, EN).errors == ["Enter 提出先"]
