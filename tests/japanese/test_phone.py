"""Japanese phone numbers."""

import pytest

from formsvc.japanese.phone import format_phone, is_valid_phone, normalise_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("090-1234-5678", "09012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),
        ("090ー1234ー5678", "09012345678"),
        ("(03) 1234-5678", "0312345678"),
        ("（０３）１２３４－５６７８", "0312345678"),
        ("03(1234)5678", "0312345678"),
        ("　045 123 4567　", "0451234567"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81 (0)3-1234-5678", "0312345678"),
        ("＋８１ ３ １２３４ ５６７８", "0312345678"),
        ("090-1234-567a", "0901234567a"),  # letters kept so validation fails
    ],
)
def test_normalise_phone(text: str, expected: str) -> None:
    assert normalise_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "090-1234-5678",
        "080-1234-5678",
        "070-1234-5678",
        "050-1234-5678",  # IP phone
        "020-1234-5678",
        "03-1234-5678",
        "06-1234-5678",
        "045-123-4567",
        "0466-12-3456",
        "01564-2-1234",
        "0120-123-456",  # free dial, 10 digits
        "0800-123-4567",  # free dial, 11 digits
        "0570-123-456",  # navi dial
        "０９０１２３４５６７８",
        "(03)1234-5678",
    ],
)
def test_valid_phones(text: str) -> None:
    assert is_valid_phone(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1234567890",  # no leading 0
        "0012345678",  # 00 is the international prefix
        "090-1234-567",  # mobile with 10 digits
        "080-1234-567",
        "070-1234-567",
        "050-1234-567",
        "020-1234-567",
        "0800-123-456",  # 0800 needs 11 digits
        "03-1234-56789",  # landline with 11 digits
        "0120-123-4567",  # 0120 needs 10 digits
        "03-1234-567",
        "090-1234-56789",
        "090-1234-567a",
        "phone",
    ],
)
def test_invalid_phones(text: str) -> None:
    assert not is_valid_phone(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09012345678", "090-1234-5678"),
        ("０８０１２３４５６７８", "080-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("05012345678", "050-1234-5678"),
        ("02012345678", "020-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("0451234567", "045-123-4567"),
        ("0112345678", "011-234-5678"),
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        ("+81 3 1234 5678", "03-1234-5678"),
        # invalid input is shown as typed (trimmed), never raises
        ("  12345  ", "12345"),
        ("090-1234-567", "090-1234-567"),
    ],
)
def test_format_phone(text: str, expected: str) -> None:
    assert format_phone(text) == expected


# --- libphonenumber's area codes (issue 20) -----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0466123456", "0466-12-3456"),  # 藤沢: a 4-digit area code (was 046-612-3456)
        ("0156421234", "01564-2-1234"),  # a 5-digit area code
        ("0990123456", "0990-123-456"),  # was split as a landline
        ("0334331111", "03-3433-1111"),
        ("0451234567", "045-123-4567"),
        ("09012345678", "090-1234-5678"),
        ("08012345678", "080-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("05012345678", "050-1234-5678"),  # IP phone
        ("0120123456", "0120-123-456"),  # free dial
        ("08001234567", "0800-123-4567"),  # free dial, 11 digits
        ("０４６６ー１２ー３４５６", "0466-12-3456"),  # full-width, as typed with an IME
        ("+81 466 12 3456", "0466-12-3456"),
    ],
)
def test_numbers_are_grouped_by_their_real_area_codes(text: str, expected: str) -> None:
    assert is_valid_phone(text)
    assert format_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0201234567",  # 020 needs 11 digits
        "01201234567",  # 0120 needs 10 digits
        "0800123456",  # 0800 needs 11 digits
        "0180123456",  # not a prefix in use
        "09012345678\x00",  # NUL
        "090\x071234\x1b5678",  # control characters
        "0" * 10_000,  # very long
        "０９０－１２３４－５６７８" * 1000,
        "090-1234-5678\u202e",  # a bidirectional override
        "",
    ],
)
def test_numbers_that_do_not_exist_or_hostile_input_are_invalid(text: str) -> None:
    assert not is_valid_phone(text)
    assert format_phone(text) == text.strip()  # shown as typed, never raises


def test_very_long_input_is_not_read() -> None:
    text = "0" * 1_000_000
    assert normalise_phone(text) is text
