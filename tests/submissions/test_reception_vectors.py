"""Known answers for reception numbers (受付番号): once printed on a record, told at the counter
or sent by mail, a number must stay valid, so the alphabet, the check symbol, the grouping and
what is accepted as typing are pinned here by fixed examples.

The check symbol is Luhn mod N over the 32 symbols. The examples were worked out by hand and
with the small implementation below, written from the algorithm's definition (validation
form: from the right, the check symbol itself counts once, the next symbol twice, and so on
alternately; a doubled value of N or more counts as the sum of its two base-N digits; the
total of a valid number is a multiple of N). It does not call the code under test.
"""

from __future__ import annotations

import pytest

from formsvc.submissions import reception

SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I
N = len(SYMBOLS)


def luhn_mod_n_is_valid(number: str) -> bool:
    total = 0
    for position_from_right, symbol in enumerate(reversed(number)):
        value = SYMBOLS.index(symbol)
        if position_from_right % 2 == 1:
            high, low = divmod(value * 2, N)
            value = high + low
        total += value
    return total % N == 0


def check_symbol_by_definition(body: str) -> str:
    """The one symbol that makes ``body`` + symbol a valid number."""
    fitting = [symbol for symbol in SYMBOLS if luhn_mod_n_is_valid(body + symbol)]
    assert len(fitting) == 1, (body, fitting)
    return fitting[0]


# (body, check symbol). Worked by hand (symbol values: 2→0 … 9→7, A→8 … Z→31):
#   2222222 → every value 0, total 0 → check value 0 → "2"
#   3333333 → values 1; doubled at positions 1,3,5,7 of the full number → 2+1+2+1+2+1+2 = 11;
#             the check value c makes 11 + c a multiple of 32 → c = 21 → "P"
#   ZZZZZZZ → doubled 31 is 62 = 1·32 + 30 → counts 31; 4·31 + 3·31 = 217 = 6·32 + 25 → c = 7 → "9"
#   222222Z → the doubled Z alone: 31 → c = 1 → "3";  Z222222 likewise → "3"
#   2Z2Z2Z2 → three Zs counted once: 93 = 2·32 + 29 → c = 3 → "5"
VECTORS = [
    ("2222222", "2"),
    ("3333333", "P"),
    ("ZZZZZZZ", "9"),
    ("222222Z", "3"),
    ("Z222222", "3"),
    ("2Z2Z2Z2", "5"),
    ("Z2Z2Z2Z", "6"),
    ("ABCDEF2", "5"),
    ("2345678", "Z"),
    ("9ABCDEF", "L"),
    ("GHJKLMN", "4"),
    ("PQRSTUV", "N"),
    ("WXYZ234", "B"),
    ("7K3QX9M", "6"),
    ("H4WZ2NC", "2"),
    ("RT8V6JD", "5"),
]


def test_the_alphabet_and_length_are_the_printed_ones():
    assert reception.ALPHABET == SYMBOLS
    assert reception.BODY_LENGTH == 7


@pytest.mark.parametrize(("body", "check"), VECTORS)
def test_each_vector_agrees_with_the_definition(body, check):
    assert check_symbol_by_definition(body) == check


@pytest.mark.parametrize(("body", "check"), VECTORS)
def test_the_service_accepts_exactly_the_vector_check_symbol(body, check):
    accepted = [symbol for symbol in SYMBOLS if reception.is_well_formed(body + symbol)]
    assert accepted == [check]


def test_new_numbers_follow_the_definition():
    for _ in range(500):
        number = reception.new_reception_number()
        assert len(number) == 8 and set(number) <= set(SYMBOLS)
        assert luhn_mod_n_is_valid(number), number


@pytest.mark.parametrize(("number", "shown"), [
    ("22222222", "2222-2222"),
    ("3333333P", "3333-333P"),
    ("ABCDEF25", "ABCD-EF25"),
    ("7K3QX9M6", "7K3Q-X9M6"),
    ("RT8V6JD5", "RT8V-6JD5"),
])
def test_numbers_are_shown_in_two_groups_of_four(number, shown):
    assert reception.display(number) == shown
    assert reception.normalise(shown) == number and reception.is_well_formed(shown)


@pytest.mark.parametrize(("typed", "number"), [
    ("7k3q-x9m6", "7K3QX9M6"),                # lower case
    ("rt8v6jd5", "RT8V6JD5"),
    ("ＡＢＣＤ－ＥＦ２５", "ABCDEF25"),        # full-width letters, digits and hyphen (Windows IME)
    ("ＡＢＣＤ　ＥＦ２５", "ABCDEF25"),        # ideographic space
    ("ABCD EF25", "ABCDEF25"),                # a space instead of the hyphen
    ("  ABCD-EF25  ", "ABCDEF25"),            # around it
    ("A-B-C-D-E-F-2-5", "ABCDEF25"),          # read out symbol by symbol
    ("ａｂｃｄ－ｅｆ２５", "ABCDEF25"),        # full-width lower case
])
def test_what_people_type_is_read_as_the_number(typed, number):
    assert reception.normalise(typed) == number
    assert reception.is_well_formed(typed)


@pytest.mark.parametrize("dash", [
    pytest.param("\u30fc", id="prolonged-sound-mark"),  # ー what a Japanese IME gives for "-" in kana mode
    pytest.param("\uff70", id="halfwidth-prolonged-sound-mark"),  # ｰ
    pytest.param("\u2212", id="minus-sign"),  # − the macOS Japanese IME's full-width "-"
    pytest.param("\u2010", id="hyphen"),  # ‐
    pytest.param("\u2011", id="non-breaking-hyphen"),  # ‑
    pytest.param("\u2013", id="en-dash"),  # – word processors
    pytest.param("\u2014", id="em-dash"),  # —
    pytest.param("\u2015", id="horizontal-bar"),  # ―
    pytest.param("\ufe63", id="small-hyphen-minus"),  # ﹣
])
def test_any_dash_a_japanese_keyboard_makes_separates_the_groups(dash):
    # Numbers are typed from paper or from a mail with whatever dash the IME gives; the same
    # look-alikes formsvc.japanese.width accepts in other numbers.
    typed = f"ABCD{dash}EF25"
    assert reception.normalise(typed) == "ABCDEF25"
    assert reception.is_well_formed(typed)


@pytest.mark.parametrize("typed", [
    "ABCD-EF2O",   # the letter O is not a symbol: refused, not guessed
    "ABCD-EF20",   # nor the digit 0
    "ABCD-EFI5",   # nor I
    "ABCD-EF15",   # nor 1
])
def test_excluded_look_alikes_are_refused_not_guessed(typed):
    assert not reception.is_well_formed(typed)


@pytest.mark.parametrize("typed", ["ABCD-EF2", "ABCD-EF255", "", "----", "ABCD-EF26"])
def test_wrong_lengths_and_wrong_check_symbols_are_refused(typed):
    assert not reception.is_well_formed(typed)
