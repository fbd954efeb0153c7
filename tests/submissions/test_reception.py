"""Reception numbers: short, unique, unambiguous, with a check symbol."""

from __future__ import annotations

import pytest

from formsvc.submissions.reception import (
    ALPHABET,
    display,
    is_well_formed,
    new_reception_number,
    normalise,
)


def test_the_alphabet_has_no_symbols_that_are_easily_confused():
    assert not set("0O1Il") & set(ALPHABET)
    assert len(ALPHABET) == 32


def test_numbers_are_eight_symbols_and_well_formed():
    numbers = {new_reception_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        assert len(number) == 8 and set(number) <= set(ALPHABET)
        assert is_well_formed(number)


@pytest.mark.parametrize("typed", ["abcd-efgh", "ＡＢＣＤ－ＥＦＧＨ", " ABCD EFGH "])
def test_what_people_type_is_normalised(typed):
    assert normalise(typed) == "ABCDEFGH"


def test_a_single_mistyped_symbol_is_caught():
    number = new_reception_number()
    for position in range(len(number)):
        for replacement in ALPHABET:
            if replacement == number[position]:
                continue
            typo = number[:position] + replacement + number[position + 1:]
            assert not is_well_formed(typo)


def test_numbers_are_grouped_for_reading_aloud():
    assert display("ABCDEFGH") == "ABCD-EFGH"
