"""text and textarea: trimming, length counted in characters, the administrator's pattern."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, submit

CODE = {"label": "受付記号", "pattern": {"regex": "[A-Z]{2}[0-9]{4}",
                                     "message": "受付記号は英大文字2文字と数字4桁で入力してください（例：AB1234）"}}


@pytest.mark.parametrize("kind", ["text", "textarea"])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("デモ銀行", "デモ銀行"),
        ("  デモ銀行  ", "デモ銀行"),
        ("\u3000デモ銀行\u3000", "デモ銀行"),  # full-width spaces pasted from a word processor
    ],
)
def test_surrounding_spaces_are_trimmed(kind, typed, stored):
    result = submit(make(kind, label="提出先"), {"answer": typed})
    assert result.valid
    assert result.data == stored


@pytest.mark.parametrize("kind", ["text", "textarea"])
def test_spaces_only_count_as_no_answer(kind):
    result = submit(make(kind, label="提出先"), {"answer": " \u3000 "})
    assert result.errors == ["提出先を入力してください"]


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ("あ", ["続柄は2文字以上で入力してください"]),
        ("長女", []),
        ("ご長男様", []),  # 4 characters, however many bytes they take
        ("ご長男様です", ["続柄は5文字以内で入力してください（現在6文字）"]),
    ],
)
def test_length_is_counted_in_characters(typed, errors):
    spec = make("text", label="続柄", min_length=2, max_length=5)
    assert submit(spec, {"answer": typed}).errors == errors


@pytest.mark.parametrize(
    ("typed", "errors"),
    [
        ("AB1234", []),
        ("ab1234", ["受付記号は英大文字2文字と数字4桁で入力してください（例：AB1234）"]),
        ("AB1234X", ["受付記号は英大文字2文字と数字4桁で入力してください（例：AB1234）"]),  # the whole answer
        ("XAB1234", ["受付記号は英大文字2文字と数字4桁で入力してください（例：AB1234）"]),
    ],
)
def test_a_pattern_must_match_the_whole_answer_and_shows_its_own_message(typed, errors):
    assert submit(make("text", **CODE), {"answer": typed}).errors == errors


def test_the_length_message_comes_before_the_pattern_message():
    spec = make("text", **CODE, max_length=6)
    assert submit(spec, {"answer": "abcdefgh"}).errors == [
        "受付記号は6文字以内で入力してください（現在8文字）"
    ]


def test_a_textarea_stores_line_breaks_as_lf_and_counts_them():
    spec = make("textarea", label="必要な方の氏名", max_length=5)
    result = submit(spec, {"answer": "山田\r\n鈴木\r\n"})
    assert result.valid
    assert result.data == "山田\n鈴木"
    too_long = submit(spec, {"answer": "山田\r\n鈴木\r\n田中"})
    assert too_long.errors == ["必要な方の氏名は5文字以内で入力してください（現在8文字）"]


def test_a_textarea_is_one_line_in_csv_but_keeps_its_lines_on_screen():
    spec = make("textarea", label="必要な方の氏名")
    assert spec.csv_columns() == [("", "必要な方の氏名")]
    assert spec.csv_values("山田\n鈴木") == ["山田 鈴木"]
    assert spec.display("山田\n鈴木") == "山田\n鈴木"


def test_text_in_csv_is_the_answer_itself():
    spec = make("text", label="提出先")
    assert spec.csv_columns() == [("", "提出先")]
    assert spec.csv_values("デモ銀行") == ["デモ銀行"]
    assert spec.to_json("デモ銀行") == "デモ銀行"


def test_full_width_letters_and_digits_read_as_ascii_but_japanese_stays_as_typed():
    from formsvc.fields.text import FULL_WIDTH_ALPHANUMERIC

    assert "００１２３４５ＡＢｃ".translate(FULL_WIDTH_ALPHANUMERIC) == "0012345ABc"
    assert "コーポ①㈱".translate(FULL_WIDTH_ALPHANUMERIC) == "コーポ①㈱"
