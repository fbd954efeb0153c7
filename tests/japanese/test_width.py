"""Width normalisation: what residents type into numeric fields."""

import pytest

from formsvc.japanese.width import HYPHEN_LIKE, digits_only, normalise_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("０１２３４５６７８９", "0123456789"),
        ("012", "012"),
        ("０３ー１２３４ー５６７８", "03-1234-5678"),
        ("１０５－００１１", "105-0011"),
        ("105‐0011", "105-0011"),  # U+2010
        ("105‑0011", "105-0011"),  # U+2011
        ("105–0011", "105-0011"),  # U+2013
        ("105—0011", "105-0011"),  # U+2014
        ("105―0011", "105-0011"),  # U+2015
        ("105−0011", "105-0011"),  # U+2212
        ("105ｰ0011", "105-0011"),  # U+FF70
        ("105-0011", "105-0011"),
        ("０９０　１２３４　５６７８", "090 1234 5678"),
        ("　１２３　", "123"),
        ("  12 ", "12"),
        ("", ""),
        ("ＡＢＣ１", "ABC1"),
    ],
)
def test_normalise_digits(text: str, expected: str) -> None:
    assert normalise_digits(text) == expected


@pytest.mark.parametrize("hyphen", list(HYPHEN_LIKE))
def test_every_hyphen_like_character_becomes_ascii_hyphen(hyphen: str) -> None:
    assert normalise_digits(f"1{hyphen}2") == "1-2"


def test_kana_is_left_alone() -> None:
    # Only the prolonged sound mark is mapped (it is a common mistyped hyphen).
    assert normalise_digits("ｶﾅかなカナ") == "ｶﾅかなカナ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３４－５６７８－９０１８", "123456789018"),
        ("1234 5678 9018", "123456789018"),
        ("１２３４　５６７８　９０１８", "123456789018"),
        ("0120-ー-123", "0120123"),
        (" - ", ""),
        ("12a-3", "12a3"),  # letters are kept so validation can reject them
    ],
)
def test_digits_only(text: str, expected: str) -> None:
    assert digits_only(text) == expected
