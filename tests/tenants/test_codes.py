"""全国地方公共団体コード and its check digit."""

import pytest

from formsvc.tenants.codes import check_digit, code_problem


@pytest.mark.parametrize("code", ["131016", "010006", "011002", "140007", "142042", "271403", "130001"])
def test_real_codes_pass(code):
    assert code_problem(code) is None


def test_check_digits_at_the_edges_of_the_modulus():
    # Remainder 0 → 11 → 1; remainder 1 → 10 → 0 (only the last digit is kept).
    assert check_digit("00000") == "1"
    assert check_digit("10003") == "0"  # 1×6 + 3×2 = 12, remainder 1
    assert check_digit("13000") == "1"  # 東京都 130001: 1×6 + 3×5 = 21, remainder 10


@pytest.mark.parametrize("code, words", [
    ("131017", "検査数字"), ("13101", "6桁"), ("１３１０１６", "6桁"), ("481003", "都道府県"),
    ("13101a", "6桁"), ("1310160", "6桁"), ("13 016", "6桁"), ("\x00\x00\x00\x00\x00\x00", "6桁"),
])
def test_wrong_codes_say_what_is_wrong(code, words):
    assert words in code_problem(code)
