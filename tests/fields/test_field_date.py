"""Dates typed in three boxes (年/月/日), in 西暦 or 和暦, checked against their bounds."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.fields import FieldContext
from tests.fields.fieldkit import TODAY, make, submit

BIRTH_DATE = {"label": "生年月日", "max": {"days_from_today": 0}}
COLLECTION = {
    "label": "受取希望日",
    "min": {"days_from_today": 3},
    "max": {"days_from_today": 30},
}


def typed(year: str, month: str, day: str) -> dict[str, str]:
    return {"answer-year": year, "answer-month": month, "answer-day": day}


@pytest.mark.parametrize(
    ("year", "month", "day", "expected"),
    [
        ("2025", "4", "1", date(2025, 4, 1)),
        ("２０２５", "０４", "０１", date(2025, 4, 1)),
        ("2025年", "4月", "1日", date(2025, 4, 1)),
        ("令和7", "4", "1", date(2025, 4, 1)),
        ("令和7年", "4", "1", date(2025, 4, 1)),
        ("R7", "4", "1", date(2025, 4, 1)),
        ("r7", "4", "1", date(2025, 4, 1)),
        ("令和元", "5", "1", date(2019, 5, 1)),
        ("平成31", "4", "30", date(2019, 4, 30)),
        ("H31", "4", "30", date(2019, 4, 30)),
        ("昭和64", "1", "7", date(1989, 1, 7)),
        (" 2025 ", " 4 ", " 1 ", date(2025, 4, 1)),
    ],
)
def test_a_date_is_read_in_western_or_japanese_years(year, month, day, expected):
    result = submit(make("date", label="日付"), typed(year, month, day))
    assert result.errors == []
    assert result.data == expected


@pytest.mark.parametrize(
    ("year", "month", "day", "message", "part"),
    [
        ("平成31", "5", "1", "平成31年5月1日は存在しません。平成は31年4月30日までです。", "year"),
        ("令和元", "4", "30", "令和元年4月30日は存在しません。令和は元年5月1日からです。", "year"),
        ("平成32", "1", "1", "平成は31年までです", "year"),
        ("2025", "2", "29", "2025年2月に29日はありません", "day"),
        ("２０２５", "２", "３０", "2025年2月に30日はありません", "day"),
        ("2025", "13", "1", "月は1から12の数字で入力してください", "month"),
        ("2025", "4", "32", "日は1から31の数字で入力してください", "day"),
        ("二〇二五", "4", "1", "年は西暦（例：2026）か和暦（例：令和8）で入力してください", "year"),
        ("25", "4", "1", "年は西暦（例：2026）か和暦（例：令和8）で入力してください", "year"),
        ("2025", "", "1", "年・月・日をすべて入力してください", "month"),
        ("", "4", "1", "年・月・日をすべて入力してください", "year"),
    ],
)
def test_a_date_that_does_not_exist_is_explained_at_the_box_to_correct(year, month, day, message, part):
    result = submit(make("date", label="日付"), typed(year, month, day))
    assert result.errors == [message]
    assert result.data is None
    assert result.field.error_part == part
    # What was typed stays in the boxes so the resident can correct it.
    assert [result.field.part_value(p) for p in ("year", "month", "day")] == [year, month, day]


def test_an_unreadable_date_is_not_also_reported_as_missing():
    spec = make("date", label="生年月日", required=True)
    assert submit(spec, typed("2025", "2", "30")).errors == ["2025年2月に30日はありません"]


def test_an_empty_optional_date_is_no_answer():
    result = submit(make("date", label="生年月日", required=False), typed("", "", ""))
    assert result.valid
    assert result.data is None


@pytest.mark.parametrize(
    ("answer", "errors"),
    [
        (TODAY, []),
        (date(2026, 11, 27), ["生年月日は今日以前の日付を入力してください"]),
        (date(1950, 1, 1), []),
    ],
)
def test_a_birth_date_cannot_be_in_the_future(answer, errors):
    spec = make("date", **BIRTH_DATE)
    assert submit(spec, typed(str(answer.year), str(answer.month), str(answer.day))).errors == errors


@pytest.mark.parametrize(
    ("answer", "errors"),
    [
        (date(2026, 11, 28), ["受取希望日は2026年11月29日(令和8年11月29日)以降の日付を入力してください"]),
        (date(2026, 11, 29), []),
        (date(2026, 12, 26), []),
        (date(2026, 12, 27), ["受取希望日は2026年12月26日(令和8年12月26日)以前の日付を入力してください"]),
    ],
)
def test_bounds_relative_to_today(answer, errors):
    spec = make("date", **COLLECTION)
    assert submit(spec, typed(str(answer.year), str(answer.month), str(answer.day))).errors == errors


def test_relative_bounds_move_with_the_day_of_the_request():
    spec = make("date", **COLLECTION)
    answer = typed("2026", "11", "28")
    assert submit(spec, answer, FieldContext(today=date(2026, 11, 25))).errors == []
    assert submit(spec, answer, FieldContext(today=date(2026, 11, 26))).errors != []


@pytest.mark.parametrize(
    ("answer", "errors"),
    [
        (typed("令和7", "3", "31"), ["開始日は2025年4月1日(令和7年4月1日)以降の日付を入力してください"]),
        (typed("令和7", "4", "1"), []),
        (typed("2026", "3", "31"), []),
        (typed("2026", "4", "1"), ["開始日は2026年3月31日(令和8年3月31日)以前の日付を入力してください"]),
    ],
)
def test_fixed_bounds(answer, errors):
    spec = make("date", label="開始日", min="2025-04-01", max="2026-03-31")
    assert submit(spec, answer).errors == errors


def test_the_administrators_own_bound_messages_replace_the_standard_ones():
    spec = make("date", **COLLECTION,
                min_message="受取希望日は、準備のため今日から3日後以降の日付を入力してください",
                max_message="受取希望日は、今日から30日以内の日付を入力してください")
    assert submit(spec, typed("2026", "11", "27")).errors == [
        "受取希望日は、準備のため今日から3日後以降の日付を入力してください"
    ]
    assert submit(spec, typed("2027", "1", "1")).errors == [
        "受取希望日は、今日から30日以内の日付を入力してください"
    ]


def test_a_date_is_shown_in_both_calendars_and_exported_as_iso():
    spec = make("date", label="生年月日")
    assert spec.display(date(2025, 4, 1)) == "2025年4月1日(令和7年4月1日)"
    assert spec.display(date(2019, 5, 1)) == "2019年5月1日(令和元年5月1日)"
    assert spec.display(date(2025, 4, 1), "en") == "2025-04-01"
    assert spec.csv_columns() == [("", "生年月日")]
    assert spec.csv_values(date(2025, 4, 1)) == ["2025-04-01"]
    assert spec.to_json(date(2025, 4, 1)) == "2025-04-01"
    assert spec.from_json("2025-04-01") == date(2025, 4, 1)
    assert spec.to_json(None) is None and spec.from_json(None) is None


def test_a_stored_date_is_shown_back_in_the_boxes():
    spec = make("date", label="生年月日")
    assert spec.form_inputs(date(2025, 4, 1)) == {
        "answer-year": ["2025"], "answer-month": ["4"], "answer-day": ["1"]
    }
