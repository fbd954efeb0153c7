"""和暦 conversion and 年/月/日 parsing (boundaries from shared/reference/japan.md)."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from formsvc.japanese.era import (
    ERAS,
    Era,
    InvalidDate,
    era_end,
    era_of,
    find_era,
    format_date_both,
    from_wareki,
    parse_date_parts,
    parse_year,
    to_wareki,
    wareki_year_label,
)

ERA_STARTS = {
    "令和": date(2019, 5, 1),
    "平成": date(1989, 1, 8),
    "昭和": date(1926, 12, 25),
    "大正": date(1912, 7, 30),
    "明治": date(1868, 1, 25),
}


def test_eras_newest_first_with_reference_start_dates() -> None:
    assert [era.name for era in ERAS] == ["令和", "平成", "昭和", "大正", "明治"]
    assert {era.name: era.start for era in ERAS} == ERA_STARTS
    assert [era.romaji for era in ERAS] == ["Reiwa", "Heisei", "Showa", "Taisho", "Meiji"]
    assert [era.initial for era in ERAS] == ["R", "H", "S", "T", "M"]


def test_era_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        ERAS[0].name = "X"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "end"),
    [
        ("令和", None),
        ("平成", date(2019, 4, 30)),
        ("昭和", date(1989, 1, 7)),
        ("大正", date(1926, 12, 24)),
        ("明治", date(1912, 7, 29)),
    ],
)
def test_era_end(name: str, end: date | None) -> None:
    era = find_era(name)
    assert era is not None
    assert era_end(era) == end


@pytest.mark.parametrize(
    ("d", "name"),
    [
        (date(2025, 4, 1), "令和"),
        (date(2019, 5, 1), "令和"),
        (date(2019, 4, 30), "平成"),
        (date(1989, 1, 8), "平成"),
        (date(1989, 1, 7), "昭和"),
        (date(1926, 12, 25), "昭和"),
        (date(1926, 12, 24), "大正"),
        (date(1912, 7, 30), "大正"),
        (date(1912, 7, 29), "明治"),
        (date(1868, 1, 25), "明治"),
    ],
)
def test_era_of(d: date, name: str) -> None:
    era = era_of(d)
    assert isinstance(era, Era)
    assert era.name == name


def test_era_of_before_meiji_is_none() -> None:
    assert era_of(date(1868, 1, 24)) is None
    assert era_of(date(1800, 1, 1)) is None


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 1), "令和7年4月1日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1868, 1, 25), "明治元年1月25日"),
    ],
)
def test_to_wareki(d: date, expected: str) -> None:
    assert to_wareki(d) == expected


def test_to_wareki_before_meiji_raises() -> None:
    with pytest.raises(InvalidDate):
        to_wareki(date(1868, 1, 24))


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, "2025年(令和7年)"),
        (2020, "2020年(令和2年)"),
        (2019, "2019年(平成31年/令和元年)"),
        (2018, "2018年(平成30年)"),
        (1990, "1990年(平成2年)"),
        (1989, "1989年(昭和64年/平成元年)"),
        (1988, "1988年(昭和63年)"),
        (1926, "1926年(大正15年/昭和元年)"),
        (1912, "1912年(明治45年/大正元年)"),
        (1868, "1868年(明治元年)"),
        (1867, "1867年"),
    ],
)
def test_wareki_year_label(year: int, expected: str) -> None:
    assert wareki_year_label(year) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 1), "2025年4月1日(令和7年4月1日)"),
        (date(2019, 5, 1), "2019年5月1日(令和元年5月1日)"),
        (date(1989, 1, 7), "1989年1月7日(昭和64年1月7日)"),
        (date(1800, 1, 1), "1800年1月1日"),
    ],
)
def test_format_date_both(d: date, expected: str) -> None:
    assert format_date_both(d) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("令和", "令和"),
        ("reiwa", "令和"),
        ("Reiwa", "令和"),
        ("REIWA", "令和"),
        ("R", "令和"),
        ("r", "令和"),
        ("Ｒ", "令和"),
        ("㋿", "令和"),
        ("H", "平成"),
        ("heisei", "平成"),
        ("㍻", "平成"),
        ("S", "昭和"),
        ("showa", "昭和"),
        ("T", "大正"),
        ("taisho", "大正"),
        ("M", "明治"),
        ("meiji", "明治"),
        (" 平成 ", "平成"),
    ],
)
def test_find_era(name: str, expected: str) -> None:
    era = find_era(name)
    assert era is not None
    assert era.name == expected


@pytest.mark.parametrize("name", ["", "X", "令", "Reiw", "慶応", "RH"])
def test_find_era_unknown(name: str) -> None:
    assert find_era(name) is None


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "expected"),
    [
        ("平成", 31, 4, 30, date(2019, 4, 30)),
        ("令和", 1, 5, 1, date(2019, 5, 1)),
        ("令和", 7, 4, 1, date(2025, 4, 1)),
        ("昭和", 64, 1, 7, date(1989, 1, 7)),
        ("平成", 1, 1, 8, date(1989, 1, 8)),
        ("昭和", 1, 12, 25, date(1926, 12, 25)),
        ("大正", 15, 12, 24, date(1926, 12, 24)),
        ("明治", 45, 7, 29, date(1912, 7, 29)),
        ("R", 6, 2, 29, date(2024, 2, 29)),
        ("reiwa", 7, 12, 31, date(2025, 12, 31)),
        ("h", 10, 10, 10, date(1998, 10, 10)),
    ],
)
def test_from_wareki_valid(era: str, year: int, month: int, day: int, expected: date) -> None:
    assert from_wareki(era, year, month, day) == expected


@pytest.mark.parametrize(
    ("era", "year", "month", "day", "message"),
    [
        ("平成", 31, 5, 1, "平成31年5月1日は存在しません。平成は31年4月30日までです。"),
        ("令和", 1, 4, 30, "令和元年4月30日は存在しません。令和は元年5月1日からです。"),
        ("昭和", 64, 1, 8, "昭和64年1月8日は存在しません。昭和は64年1月7日までです。"),
        ("平成", 1, 1, 7, "平成元年1月7日は存在しません。平成は元年1月8日からです。"),
        ("平成", 40, 1, 1, "平成40年1月1日は存在しません。平成は31年4月30日までです。"),
        ("大正", 15, 12, 25, "大正15年12月25日は存在しません。大正は15年12月24日までです。"),
        ("令和", 7, 2, 30, "令和7年2月に30日はありません"),
        ("令和", 7, 2, 29, "令和7年2月に29日はありません"),
        ("平成", 31, 2, 29, "平成31年2月に29日はありません"),
        ("令和", 7, 4, 31, "令和7年4月に31日はありません"),
        ("令和", 7, 13, 1, "月は1から12の数字で入力してください"),
        ("令和", 7, 0, 1, "月は1から12の数字で入力してください"),
        ("令和", 7, 1, 0, "日は1から31の数字で入力してください"),
        ("令和", 7, 1, 32, "日は1から31の数字で入力してください"),
        ("令和", 0, 5, 1, "令和の年は元年（1年）以降で入力してください"),
        ("慶応", 1, 1, 1, "元号は令和・平成・昭和・大正・明治のいずれかで入力してください"),
    ],
)
def test_from_wareki_invalid(era: str, year: int, month: int, day: int, message: str) -> None:
    with pytest.raises(InvalidDate) as excinfo:
        from_wareki(era, year, month, day)
    assert str(excinfo.value) == message
    assert excinfo.value.message == message


def test_invalid_date_is_a_value_error() -> None:
    assert issubclass(InvalidDate, ValueError)


def test_from_wareki_year_beyond_calendar() -> None:
    with pytest.raises(InvalidDate):
        from_wareki("令和", 9000, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", (2025, None)),
        ("２０２５", (2025, None)),
        ("2025年", (2025, None)),
        (" 2025 ", (2025, None)),
        ("1989", (1989, None)),
        ("令和7", (2025, "令和")),
        ("令和7年", (2025, "令和")),
        ("令和７年", (2025, "令和")),
        ("令和 7 年", (2025, "令和")),
        ("R7", (2025, "令和")),
        ("r7", (2025, "令和")),
        ("Ｒ７", (2025, "令和")),
        ("R07", (2025, "令和")),
        ("R.7", (2025, "令和")),
        ("Reiwa 7", (2025, "令和")),
        ("㋿7", (2025, "令和")),
        ("H31", (2019, "平成")),
        ("平成31年", (2019, "平成")),
        ("平成元年", (1989, "平成")),
        ("令和元", (2019, "令和")),
        ("令和元年", (2019, "令和")),
        ("S64", (1989, "昭和")),
        ("昭和元年", (1926, "昭和")),
        ("T15", (1926, "大正")),
        ("M45", (1912, "明治")),
    ],
)
def test_parse_year(text: str, expected: tuple[int, str | None]) -> None:
    assert parse_year(text) == expected


YEAR_MESSAGE = "年は西暦（例：2025）か和暦（例：令和7）で入力してください"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "25",
        "202",
        "20255",
        "0999",
        "令和",
        "令和七年",
        "X7",
        "慶応3",
        "7令和",
        "2025-",
        "R7R",
    ],
)
def test_parse_year_garbage(text: str) -> None:
    with pytest.raises(InvalidDate) as excinfo:
        parse_year(text)
    assert str(excinfo.value) == YEAR_MESSAGE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32", "平成は31年までです"),
        ("S65", "昭和は64年までです"),
        ("大正16年", "大正は15年までです"),
        ("令和0", "令和の年は元年（1年）以降で入力してください"),
    ],
)
def test_parse_year_outside_era(text: str, message: str) -> None:
    with pytest.raises(InvalidDate) as excinfo:
        parse_year(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("2025", "4", "1"), date(2025, 4, 1)),
        (("２０２５", "０４", "０１"), date(2025, 4, 1)),
        (("2025年", "4月", "1日"), date(2025, 4, 1)),
        (("令和7", "4", "1"), date(2025, 4, 1)),
        (("R7", "12", "31"), date(2025, 12, 31)),
        (("平成31", "4", "30"), date(2019, 4, 30)),
        (("令和元年", "5", "1"), date(2019, 5, 1)),
        (("2019", "5", "1"), date(2019, 5, 1)),
        (("昭和64", "1", "7"), date(1989, 1, 7)),
        (("2024", "2", "29"), date(2024, 2, 29)),
        ((" 2025 ", " 4 ", " 1 "), date(2025, 4, 1)),
    ],
)
def test_parse_date_parts(parts: tuple[str, str, str], expected: date) -> None:
    assert parse_date_parts(*parts) == expected


@pytest.mark.parametrize(
    ("parts", "message", "part"),
    [
        (("", "4", "1"), "年・月・日をすべて入力してください", "year"),
        (("2025", "", "1"), "年・月・日をすべて入力してください", "month"),
        (("2025", "4", "　"), "年・月・日をすべて入力してください", "day"),
        ((None, None, None), "年・月・日をすべて入力してください", "year"),
        (("2025", "13", "1"), "月は1から12の数字で入力してください", "month"),
        (("2025", "0", "1"), "月は1から12の数字で入力してください", "month"),
        (("2025", "四", "1"), "月は1から12の数字で入力してください", "month"),
        (("2025", "-1", "1"), "月は1から12の数字で入力してください", "month"),
        (("2025", "4", "32"), "日は1から31の数字で入力してください", "day"),
        (("2025", "4", "0"), "日は1から31の数字で入力してください", "day"),
        (("2025", "4", "x"), "日は1から31の数字で入力してください", "day"),
        (("2025", "2", "30"), "2025年2月に30日はありません", "day"),
        (("２０２５", "２", "２９"), "2025年2月に29日はありません", "day"),
        (("2025", "4", "31"), "2025年4月に31日はありません", "day"),
        (("令和7", "2", "30"), "令和7年2月に30日はありません", "day"),
        (("平成31", "5", "1"), "平成31年5月1日は存在しません。平成は31年4月30日までです。", "year"),
        (
            ("令和元", "4", "30"),
            "令和元年4月30日は存在しません。令和は元年5月1日からです。",
            "year",
        ),
        (("S64", "1", "8"), "昭和64年1月8日は存在しません。昭和は64年1月7日までです。", "year"),
        (("abc", "4", "1"), YEAR_MESSAGE, "year"),
    ],
)
def test_parse_date_parts_invalid(parts: tuple[str | None, ...], message: str, part: str) -> None:
    with pytest.raises(InvalidDate) as excinfo:
        parse_date_parts(*parts)
    assert str(excinfo.value) == message
    # which of the three inputs the form should mark as wrong
    assert excinfo.value.part == part


def test_round_trip_every_era_boundary() -> None:
    for era in ERAS:
        for d in filter(None, (era.start, era_end(era))):
            wareki = to_wareki(d)
            era_year_text = wareki[len(era.name) : wareki.index("年")]
            era_year = 1 if era_year_text == "元" else int(era_year_text)
            assert from_wareki(era.name, era_year, d.month, d.day) == d
