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
