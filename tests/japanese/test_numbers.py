"""個人番号 and 法人番号 check digits (vectors from shared/reference/japan.md)."""

import pytest

from formsvc.japanese.numbers import (
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_my_number,
    mask_my_number,
    my_number_check_digit,
)

VALID_MY_NUMBERS = ["123456789018", "548836529885"]
VALID_CORPORATE_NUMBERS = ["1010601008968", "4011001098993", "7123456789012"]


@pytest.mark.parametrize("number", VALID_MY_NUMBERS)
def test_my_number_check_digit_matches_vector(number: str) -> None:
    assert my_number_check_digit(number[:11]) == int(number[11])


@pytest.mark.parametrize("number", VALID_MY_NUMBERS)
def test_valid_my_numbers(number: str) -> None:
    assert is_valid_my_number(number)


@pytest.mark.parametrize(
    "text",
    [
        "1234-5678-9018",
        "1234 5678 9018",
        "１２３４５６７８９０１８",
        "１２３４－５６７８－９０１８",
        " 123456789018 ",
    ],
)
def test_my_number_accepts_typed_variants(text: str) -> None:
    assert is_valid_my_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "123456789019",  # wrong check digit (japan.md)
        "548836529884",
        "12345678901",  # 11 digits
        "1234567890180",  # 13 digits
        "12345678901a",
        "",
        "１２３４５６７８９０１９",
        "12345678901²",  # a Unicode digit that is not 0-9
    ],
)
def test_invalid_my_numbers(text: str) -> None:
    assert not is_valid_my_number(text)


@pytest.mark.parametrize(
    ("first11", "expected"),
    [
        ("00000000000", 0),  # remainder 0 -> 0
        ("12345678901", 8),
        ("54883652988", 5),
    ],
)
def test_my_number_check_digit_values(first11: str, expected: int) -> None:
    assert my_number_check_digit(first11) == expected


def test_my_number_check_digit_remainder_one_gives_zero() -> None:
    # Weight of the rightmost digit is 2, so '...6' sums to 12 -> remainder 1.
    assert my_number_check_digit("00000000006") == 0
    assert is_valid_my_number("000000000060")


@pytest.mark.parametrize(
    "bad", ["1234567890", "123456789012", "1234567890a", "１２３４５６７８９０１"]
)
def test_my_number_check_digit_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        my_number_check_digit(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456789018", "********9018"),
        ("1234-5678-9018", "********9018"),
        ("１２３４５６７８９０１８", "********9018"),
        ("548836529885", "********9885"),
        ("12345", "************"),  # malformed: reveal nothing
        ("", "************"),
    ],
)
def test_mask_my_number(text: str, expected: str) -> None:
    assert mask_my_number(text) == expected


@pytest.mark.parametrize("number", VALID_CORPORATE_NUMBERS)
def test_corporate_check_digit_matches_vector(number: str) -> None:
    assert corporate_number_check_digit(number[1:]) == int(number[0])


@pytest.mark.parametrize("number", VALID_CORPORATE_NUMBERS)
def test_valid_corporate_numbers(number: str) -> None:
    assert is_valid_corporate_number(number)


@pytest.mark.parametrize(
    "number",
    [
        f"{digit}{valid[1:]}"
        for valid in VALID_CORPORATE_NUMBERS
        for digit in "0123456789"
        if digit != valid[0]
    ],
)
def test_corporate_number_with_any_other_check_digit_is_invalid(number: str) -> None:
    assert not is_valid_corporate_number(number)


@pytest.mark.parametrize(
    "text",
    ["1-0106-0100-8968", "１０１０６０１００８９６８", " 4011001098993 "],
)
def test_corporate_number_accepts_typed_variants(text: str) -> None:
    assert is_valid_corporate_number(text)


@pytest.mark.parametrize("text", ["101060100896", "10106010089680", "", "101060100896x"])
def test_corporate_number_wrong_shape(text: str) -> None:
    assert not is_valid_corporate_number(text)


@pytest.mark.parametrize("bad", ["12345678901", "1234567890123", "12345678901x"])
def test_corporate_check_digit_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        corporate_number_check_digit(bad)
