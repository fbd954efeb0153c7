"""保険者番号 検証番号 (formsvc.japanese.check_digits), checked against published numbers."""

from __future__ import annotations

import pytest

from formsvc.japanese.check_digits import (
    insurer_number_check_digit,
    is_insurer_number_shape,
    is_valid_insurer_number,
    prefecture_code,
)

# Numbers printed on real cards or published by the insurers (sources in the module's docstring).
PUBLISHED = [
    "33120015",  # 千葉県警察共済組合: the worked example of the rule (sum 15 -> 5)
    "01040013",  # 全国健康保険協会（協会けんぽ）宮城支部
    "01130012",  # 全国健康保険協会（協会けんぽ）東京支部
    "138016",    # 国民健康保険 (東京都)
]


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_insurer_numbers_are_valid(number):
    assert is_valid_insurer_number(number)
    assert insurer_number_check_digit(number[:-1]) == int(number[-1])


def test_the_worked_example_step_by_step():
    # 3 3 1 2 0 0 1 × 2 1 2 1 2 1 2 = 6 3 2 2 0 0 2, sum 15, 10 - 5 = 5
    assert insurer_number_check_digit("3312001") == 5


def test_a_two_digit_product_counts_as_the_sum_of_its_digits():
    # 13801: 1×2, 0×1, 8×2 = 16 -> 1 + 6 = 7, 3×1, 1×2: 2 + 0 + 7 + 3 + 2 = 14 -> 6
    assert insurer_number_check_digit("13801") == 6
    # Read as 16 instead of 7, the sum would be 23 and the digit 7.
    assert not is_valid_insurer_number("138017")


def test_a_sum_ending_in_zero_gives_zero_not_ten():
    # 0×2 + 9×1 + 0×2 + 1×1 + 0×2 = 10: "10 minus 0" would be 10, which is no digit.
    assert insurer_number_check_digit("01090") == 0
    assert is_valid_insurer_number("010900")


@pytest.mark.parametrize("number", PUBLISHED)
def test_every_single_digit_typo_is_caught(number):
    for index, digit in enumerate(number):
        for other in "0123456789":
            if other != digit:
                typo = number[:index] + other + number[index + 1:]
                assert not is_valid_insurer_number(typo), typo


@pytest.mark.parametrize("number", ["01130021", "01310012", "13816", "183016"])
def test_most_swapped_neighbours_are_caught(number):
    assert not is_valid_insurer_number(number)


@pytest.mark.parametrize("number", [
    "", "0113001", "011300120", "1380", "01130012 ", "０１１３００１２", "0113-0012", "01l30012",
    "\x00138016", "138016\n", "１３８０１６", "²38016", "٣38016", "9" * 10_000,
])
def test_anything_but_6_or_8_ascii_digits_is_refused(number):
    assert not is_valid_insurer_number(number)


@pytest.mark.parametrize("number", ["000000", "00000000", "480004", "99999997", "01000017", "01480003"])
def test_a_prefecture_number_outside_01_to_47_is_refused_even_with_a_matching_digit(number):
    assert insurer_number_check_digit(number[:-1]) == int(number[-1])
    assert not is_valid_insurer_number(number)


def test_prefecture_code_is_read_where_each_length_has_it():
    assert prefecture_code("138016") == 13
    assert prefecture_code("01040013") == 4
    assert prefecture_code("1380") is None


def test_shape():
    assert is_insurer_number_shape("123456") and is_insurer_number_shape("12345678")
    assert not is_insurer_number_shape("1234567")


@pytest.mark.parametrize("preceding", ["", "1234", "123456", "12345678", "1234a", "１２３４５"])
def test_the_check_digit_needs_5_or_7_ascii_digits(preceding):
    with pytest.raises(ValueError):
        insurer_number_check_digit(preceding)
