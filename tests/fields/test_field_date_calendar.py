"""Dates checked against the municipal calendar (issue 20): 開庁日のみ, N開庁日後以降, 毎月1日のみ
and 前月10日まで, on real dates around 年末年始, Golden Week 2027 and a 振替休日."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.fields import FieldContext
from tests.conftest import hold_clock
from tests.fields.fieldkit import make, submit

COLLECTION = {"label": "受取希望日", "business_days_only": True,
              "min": {"business_days_from_today": 3}, "max": {"days_from_today": 30}}
START = {"label": "利用開始希望日", "day_of_month": 1, "previous_month_deadline": 10,
         "max": {"days_from_today": 365}}
CLOSED = "受取希望日は開庁日（土日祝日・年末年始を除く日）を選んでください。"


def typed(day: date) -> dict[str, str]:
    return {"answer-year": str(day.year), "answer-month": str(day.month), "answer-day": str(day.day)}


def errors(keys: dict, day: date, today: date, locale: str = "ja") -> list[str]:
    return submit(make("date", **keys), typed(day), FieldContext(locale=locale, today=today)).errors


# --- 開庁日のみ, 3開庁日後以降 -------------------------------------------------------------------

@pytest.mark.parametrize(("today", "day", "expected"), [
    # Friday 25 December 2026: the 3rd 開庁日 after it is 5 January (28 Dec, 4 Jan, 5 Jan).
    (date(2026, 12, 25), date(2027, 1, 4),
     ["受取希望日は、今日から3開庁日後（2027年1月5日(令和9年1月5日)）以降の日付を入力してください"]),
    (date(2026, 12, 25), date(2027, 1, 5), []),
    (date(2026, 12, 22), date(2026, 12, 29), [CLOSED + "2026年12月29日(令和8年12月29日)は年末年始です"]),
    (date(2026, 12, 22), date(2027, 1, 1), [CLOSED + "2027年1月1日(令和9年1月1日)は元日です"]),
    (date(2026, 12, 22), date(2027, 1, 4), []),  # the first 開庁日 of 2027
    (date(2026, 12, 1), date(2026, 12, 6), [CLOSED + "2026年12月6日(令和8年12月6日)は日曜日です"]),
    # Golden Week 2027: 4/29 昭和の日, 5/3–5/5.
    (date(2027, 4, 20), date(2027, 4, 29), [CLOSED + "2027年4月29日(令和9年4月29日)は昭和の日です"]),
    (date(2027, 4, 20), date(2027, 4, 30), []),
    (date(2027, 4, 20), date(2027, 5, 3), [CLOSED + "2027年5月3日(令和9年5月3日)は憲法記念日です"]),
    (date(2027, 4, 20), date(2027, 5, 4), [CLOSED + "2027年5月4日(令和9年5月4日)はみどりの日です"]),
    (date(2027, 4, 20), date(2027, 5, 5), [CLOSED + "2027年5月5日(令和9年5月5日)はこどもの日です"]),
    (date(2027, 4, 20), date(2027, 5, 6), []),
    # 春分の日 2027 is a Sunday: Monday 22 March is a 振替休日.
    (date(2027, 3, 15), date(2027, 3, 22), [CLOSED + "2027年3月22日(令和9年3月22日)は春分の日 振替休日です"]),
    (date(2027, 3, 15), date(2027, 3, 23), []),
])
def test_collection_dates_are_business_days_3_business_days_ahead(today, day, expected):
    assert errors(COLLECTION, day, today) == expected


def test_golden_week_is_skipped_when_counting_business_days():
    # Wednesday 28 April 2027: 30 April, 6 May, 7 May.
    too_soon = errors(COLLECTION, date(2027, 5, 6), date(2027, 4, 28))
    assert too_soon == ["受取希望日は、今日から3開庁日後（2027年5月7日(令和9年5月7日)）以降の日付を入力してください"]
    assert errors(COLLECTION, date(2027, 5, 7), date(2027, 4, 28)) == []


def test_the_hint_says_the_rules_in_plain_japanese_and_english():
    spec = make("date", **COLLECTION)
    hint = spec.automatic_hint(FieldContext(today=date(2026, 12, 25)))
    assert hint.endswith("。今日から3開庁日後（2027年1月5日(令和9年1月5日)）以降の日を選べます。"
                         "開庁日（土日祝日・年末年始を除く日）だけを選べます")
    english = spec.automatic_hint(FieldContext(locale="en", today=date(2026, 12, 25)))
    assert "Choose a day on or after 2027-01-05 (3 working days from today)" in english
    assert "Choose a day the city office is open" in english


def test_english_messages():
    assert errors(COLLECTION, date(2027, 1, 9), date(2026, 12, 25), "en") == [
        "受取希望日 must be a day the city office is open: 2027-01-09 is a weekend, a public holiday "
        "or a day the office is closed"]


def test_configured_closed_days_are_not_business_days(monkeypatch):
    monkeypatch.setenv("FORMSVC_CLOSED_DAYS", "12-29..01-03,08-13..08-16")
    assert errors(COLLECTION, date(2027, 8, 13), date(2027, 8, 2)) == [
        "受取希望日は開庁日（土日祝日・市の休庁日を除く日）を選んでください。2027年8月13日(令和9年8月13日)は休庁日です"]


# --- 毎月1日のみ, 前月10日まで ------------------------------------------------------------------

@pytest.mark.parametrize(("today", "day", "expected"), [
    (date(2026, 12, 7), date(2026, 12, 21),  # the day of issue 20
     ["利用開始希望日は毎月1日の日付を入力してください（例：2027年1月1日(令和9年1月1日)）"]),
    (date(2026, 12, 7), date(2027, 1, 1), []),
    (date(2026, 12, 10), date(2027, 1, 1), []),  # on the deadline itself
    (date(2026, 12, 11), date(2027, 1, 1),
     ["利用開始希望日を2027年1月1日(令和9年1月1日)にする申込の締切（前月10日、2026年12月10日(令和8年12月10日)）"
      "を過ぎています。今から選べるのは2027年2月1日(令和9年2月1日)以降です"]),
    (date(2026, 12, 11), date(2027, 2, 1), []),
    (date(2027, 3, 10), date(2027, 4, 1), []),  # 4月入所 applied for by 3月10日
    (date(2027, 3, 11), date(2027, 4, 1),
     ["利用開始希望日を2027年4月1日(令和9年4月1日)にする申込の締切（前月10日、2027年3月10日(令和9年3月10日)）"
      "を過ぎています。今から選べるのは2027年5月1日(令和9年5月1日)以降です"]),
])
def test_start_dates_are_the_1st_applied_for_by_the_10th_of_the_month_before(today, day, expected):
    assert errors(START, day, today) == expected


def test_the_deadline_hint_names_the_earliest_start():
    hint = make("date", **START).automatic_hint(FieldContext(today=date(2026, 12, 11)))
    assert hint.endswith("。毎月1日だけを選べます。申込の締切は、選んだ日の前月10日です。"
                         "今日申し込んで選べるいちばん早い日は2027年2月1日(令和9年2月1日)です")


def test_a_deadline_of_31_is_the_last_day_of_the_month_before():
    keys = {"label": "開始日", "day_of_month": 1, "previous_month_deadline": 31}
    assert errors(keys, date(2027, 3, 1), date(2027, 2, 28)) == []
    late = errors(keys, date(2027, 3, 1), date(2027, 3, 1))
    assert late and "前月末日、2027年2月28日(令和9年2月28日)" in late[0]


def test_example_answers_keep_the_rules(monkeypatch):
    hold_clock(monkeypatch, date(2026, 12, 25))
    assert make("date", **COLLECTION).example_answer() == date(2027, 1, 5)
    assert make("date", **START).example_answer() == date(2027, 2, 1)


def test_a_rule_no_day_can_meet_has_no_first_day():
    keys = {"label": "日", "day_of_month": 1, "previous_month_deadline": 10, "max": {"days_from_today": 10}}
    spec = make("date", **keys)
    assert spec.first_allowed(date(2026, 12, 11)) is None
    assert "いちばん早い日" not in spec.automatic_hint(FieldContext(today=date(2026, 12, 11)))
    # Without a date that can be chosen, the message says only the deadline that has passed.
    unbounded = make("date", label="日", day_of_month=1, previous_month_deadline=10)
    assert unbounded.calendar_messages(date(2027, 1, 1), FieldContext(today=date(2026, 12, 11))) == [
        "日を2027年1月1日(令和9年1月1日)にする申込の締切（前月10日、2026年12月10日(令和8年12月10日)）を過ぎています。"
        "今から選べるのは2027年2月1日(令和9年2月1日)以降です"]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_dates_at_the_ends_of_the_calendar_do_not_fail(day):
    spec = make("date", **START)
    assert spec.deadline_for(date(1, 1, 1)) is None
    assert spec.first_allowed(day) is None or spec.first_allowed(day).day == 1
