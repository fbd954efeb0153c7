"""Numbers and numbered identifiers as residents type them with a Japanese IME."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, shown_value, submit

COPIES = {"label": "必要な通数", "min": 1, "max": 10, "unit": "通"}


# --- number ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "stored"),
    [("3", 3), ("３", 3), (" 10 ", 10), ("１０", 10), ("2.0", 2)],
)
def test_a_number_accepts_full_width_digits(typed, stored):
    result = submit(make("number", **COPIES), {"answer": typed})
    assert result.errors == []
    assert result.data == stored
    assert isinstance(result.data, int)


@pytest.mark.parametrize(
    ("keys", "typed", "errors"),
    [
        (COPIES, "0", ["必要な通数は1から10までの数字で入力してください"]),
        (COPIES, "11", ["必要な通数は1から10までの数字で入力してください"]),
        (COPIES, "1", []),
        (COPIES, "10", []),
        ({"label": "人数", "min": 1}, "0", ["人数は1以上で入力してください"]),
        ({"label": "人数", "max": 8}, "9", ["人数は8以下で入力してください"]),
        ({"label": "人数"}, "-3", []),
        (COPIES, "1.5", ["整数で入力してください"]),
        (COPIES, "三", ["数字で入力してください"]),
        (COPIES, "3通", ["数字で入力してください"]),
    ],
)
def test_number_rules(keys, typed, errors):
    assert submit(make("number", **keys), {"answer": typed}).errors == errors


def test_a_number_that_cannot_be_read_keeps_what_was_typed_for_correction():
    result = submit(make("number", **COPIES), {"answer": "三"})
    assert result.data is None
    assert shown_value(make("number", **COPIES), {"answer": "三"}) == "三"


def test_a_decimal_number_when_the_definition_allows_it():
    spec = make("number", label="面積", integer=False, min=0.5, max=99.9, unit="㎡")
    assert submit(spec, {"answer": "１２.５"}).data == 12.5
    assert submit(spec, {"answer": "0.4"}).errors == ["面積は0.5から99.9までの数字で入力してください"]
    assert spec.display(12.5) == "12.5㎡"


def test_number_display_and_csv():
    spec = make("number", label="金額", unit="円")
    assert submit(spec, {"answer": "1,200"}).data == 1200
    assert spec.display(1200) == "1,200円"
    assert spec.csv_values(1200) == ["1200"]  # a machine-readable cell: no separator, no unit
    assert spec.display(0) == "0円"


# --- my_number ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed", ["123456789018", "1234 5678 9018", "１２３４－５６７８－９０１８", "1234-5678-9018"]
)
def test_a_my_number_is_stored_as_12_digits(typed):
    result = submit(make("my_number", label="個人番号"), {"answer": typed})
    assert result.errors == []
    assert result.data == "123456789018"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("123456789019", "個人番号が正しくありません。番号を確かめてください"),  # wrong check digit
        ("12345678901", "個人番号は12桁の数字で入力してください"),
        ("1234567890123", "個人番号は12桁の数字で入力してください"),
        ("12345678901a", "個人番号は12桁の数字で入力してください"),
    ],
)
def test_a_wrong_my_number_is_refused(typed, message):
    assert submit(make("my_number", label="個人番号"), {"answer": typed}).errors == [message]


def test_a_my_number_is_never_shown_in_full():
    spec = make("my_number", label="個人番号")
    assert spec.display("123456789018") == "********9018"
    assert spec.csv_values("123456789018") == ["********9018"]
    assert shown_value(spec, {"answer": "123456789018"}) == ""  # not echoed back into the page
    assert shown_value(spec, {"answer": "123456789019"}) == "123456789019"  # shown for correction


# --- corporate_number --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("typed", "errors", "stored"),
    [
        ("1010601008968", [], "1010601008968"),
        ("１－０１０６－０１００－８９６８", [], "1010601008968"),
        ("2010601008968", ["法人番号が正しくありません。番号を確かめてください"], "2010601008968"),
        ("101060100896", ["法人番号は13桁の数字で入力してください"], "101060100896"),
    ],
)
def test_corporate_number(typed, errors, stored):
    result = submit(make("corporate_number", label="法人番号"), {"answer": typed})
    assert result.errors == errors
    assert result.data == stored


# --- phone -------------------------------------------------------------------------------

PHONE_MESSAGE = "電話番号は0から始まる10桁または11桁の数字で入力してください（例：03-1234-5678）"


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("090-1234-5678", "09012345678", "090-1234-5678"),
        ("０９０－１２３４－５６７８", "09012345678", "090-1234-5678"),
        ("03(1234)5678", "0312345678", "03-1234-5678"),
        ("+81 90 1234 5678", "09012345678", "090-1234-5678"),
        ("0120-123-456", "0120123456", "0120-123-456"),
    ],
)
def test_a_phone_number_is_stored_as_digits_and_shown_with_hyphens(typed, stored, shown):
    spec = make("phone", label="電話番号")
    result = submit(spec, {"answer": typed})
    assert result.errors == []
    assert result.data == stored
    assert spec.display(result.data) == shown


# "090-1234-567" has the shape but no such number exists: tests/fields/test_field_phone.py.
@pytest.mark.parametrize("typed", ["1234", "9012345678", "03-1234-5678 内線12"])
def test_a_wrong_phone_number_is_refused(typed):
    assert submit(make("phone", label="電話番号"), {"answer": typed}).errors == [PHONE_MESSAGE]


# --- postal_code -------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["1050011", "105-0011", "〒１０５－００１１", "105 0011"])
def test_a_known_postal_code_is_accepted_in_any_shape(typed):
    spec = make("postal_code", label="郵便番号")
    result = submit(spec, {"answer": typed})
    assert result.errors == []
    assert result.data == "1050011"
    assert spec.display(result.data) == "〒105-0011"
    assert spec.csv_values(result.data) == ["105-0011"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0000000", "この郵便番号は見つかりません。番号を確かめてください"),
        ("105001", "郵便番号は7桁の数字で入力してください（例：123-4567）"),
        ("105-00111", "郵便番号は7桁の数字で入力してください（例：123-4567）"),
    ],
)
def test_a_wrong_postal_code_is_refused(typed, message):
    assert submit(make("postal_code", label="郵便番号"), {"answer": typed}).errors == [message]


# --- email -------------------------------------------------------------------------------

EMAIL_MESSAGE = "メールアドレスを正しい形式で入力してください（例：name@example.jp）"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("taro@example.jp", "taro@example.jp"),
        ("taro＠example.jp", "taro@example.jp"),  # ＠ typed with the IME on
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        (" taro@example.jp ", "taro@example.jp"),
    ],
)
def test_an_email_address_typed_in_full_width_is_normalised(typed, stored):
    result = submit(make("email", label="メールアドレス"), {"answer": typed})
    assert result.errors == []
    assert result.data == stored


@pytest.mark.parametrize("typed", ["taro", "taro@example", "taro@@example.jp", "taro @example.jp",
                                   "a" * 250 + "@example.jp"])
def test_a_wrong_email_address_is_refused(typed):
    assert submit(make("email", label="メールアドレス"), {"answer": typed}).errors == [EMAIL_MESSAGE]
