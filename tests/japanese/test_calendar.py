"""The municipal calendar (開庁日), on real dates around the holidays (issue 20)."""

from __future__ import annotations

from datetime import date

import pytest

from formsvc.japanese import calendar
from formsvc.japanese.calendar import ClosedDaysError, MunicipalCalendar, parse_closed_days

DEFAULT = MunicipalCalendar.from_text(calendar.DEFAULT_CLOSED_DAYS)


@pytest.mark.parametrize(("day", "reason"), [
    (date(2026, 12, 28), None),  # the last 開庁日 of 2026 (a Monday)
    (date(2026, 12, 29), "年末年始"),
    (date(2026, 12, 31), "年末年始"),
    (date(2027, 1, 1), "元日"),
    (date(2027, 1, 2), "土曜日"),
    (date(2027, 1, 3), "日曜日"),
    (date(2027, 1, 4), None),  # the first 開庁日 of 2027
    (date(2027, 1, 11), "成人の日"),
    (date(2027, 3, 21), "日曜日"),  # 春分の日 on a Sunday …
    (date(2027, 3, 22), "春分の日 振替休日"),  # … so the Monday is a 振替休日
    (date(2027, 4, 29), "昭和の日"),  # Golden Week 2027
    (date(2027, 4, 30), None),
    (date(2027, 5, 3), "憲法記念日"),
    (date(2027, 5, 4), "みどりの日"),
    (date(2027, 5, 5), "こどもの日"),
    (date(2027, 5, 6), None),
    (date(2026, 5, 6), "憲法記念日 振替休日"),  # 5/3/2026 is a Sunday
    (date(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
])
def test_business_days_and_why_the_office_is_closed(day, reason):
    assert DEFAULT.closed_reason(day) == reason
    assert DEFAULT.is_business_day(day) is (reason is None)


@pytest.mark.parametrize(("start", "count", "expected"), [
    (date(2026, 12, 25), 1, date(2026, 12, 28)),
    (date(2026, 12, 25), 2, date(2027, 1, 4)),  # over 年末年始
    (date(2026, 12, 25), 3, date(2027, 1, 5)),
    (date(2026, 12, 29), 1, date(2027, 1, 4)),
    (date(2027, 4, 28), 1, date(2027, 4, 30)),  # over 昭和の日
    (date(2027, 4, 28), 2, date(2027, 5, 6)),  # over 5/1–5/5
    (date(2027, 3, 19), 1, date(2027, 3, 23)),  # over the 振替休日
    (date(2027, 1, 3), 0, date(2027, 1, 4)),  # 0: the day itself or the next 開庁日
    (date(2027, 1, 4), 0, date(2027, 1, 4)),
    (date(2027, 1, 4), -1, date(2026, 12, 28)),
])
def test_counting_business_days(start, count, expected):
    assert DEFAULT.add_business_days(start, count) == expected


def test_business_days_between():
    assert DEFAULT.business_days_between(date(2026, 12, 25), date(2027, 1, 5)) == 3
    assert DEFAULT.business_days_between(date(2027, 1, 5), date(2026, 12, 25)) == 0


def test_an_absurd_count_is_refused():
    with pytest.raises(OverflowError):
        DEFAULT.add_business_days(date(2027, 1, 4), 10**9)


def test_the_closed_days_can_be_configured(monkeypatch):
    monkeypatch.setenv("FORMSVC_CLOSED_DAYS", "12-29..01-03, 08-13..08-15, 2027-06-01")
    assert not calendar.is_business_day(date(2027, 8, 13))  # a Friday: お盆 in this town
    assert calendar.closed_reason(date(2027, 6, 1)) == "休庁日"
    assert calendar.is_business_day(date(2028, 6, 1))  # once only
    assert not calendar.has_default_closed_days()
    monkeypatch.setenv("FORMSVC_CLOSED_DAYS", "")
    assert calendar.is_business_day(date(2026, 12, 29))  # no 年末年始 of its own
    monkeypatch.delenv("FORMSVC_CLOSED_DAYS")
    assert not calendar.is_business_day(date(2026, 12, 29))
    assert calendar.has_default_closed_days()


@pytest.mark.parametrize("text", [
    "12-32", "13-01", "2027-02-29", "12/29", "12-29..", "12-29..2027-01-03", "2027-01-05..2027-01-04",
    "12-29\x00", "１２-２９" + "x", "0" * 3000,
])
def test_a_wrong_setting_says_what_is_wrong(text):
    with pytest.raises(ClosedDaysError, match="FORMSVC_CLOSED_DAYS"):
        parse_closed_days(text)


def test_a_range_over_the_new_year_and_a_leap_day():
    spans = MunicipalCalendar(parse_closed_days("12-30..01-02,02-29"))
    assert spans.is_municipal_closed_day(date(2027, 12, 30)) and spans.is_municipal_closed_day(date(2028, 1, 2))
    assert not spans.is_municipal_closed_day(date(2028, 1, 3))
    assert spans.is_municipal_closed_day(date(2028, 2, 29))


def test_the_app_does_not_start_with_a_wrong_setting(monkeypatch, tmp_path):
    from formsvc import create_app

    monkeypatch.setenv("FORMSVC_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FORMSVC_CLOSED_DAYS", "12-29..01-03,31-12")
    with pytest.raises(ClosedDaysError, match="'31-12'"):
        create_app({"TESTING": True})
    assert list(tmp_path.iterdir()) == []  # stopped before anything was set up


@pytest.mark.parametrize(("day", "reason"), [
    (date(1, 1, 1), "元日"), (date(9999, 12, 31), "年末年始"), (date(9999, 12, 1), None)])
def test_the_ends_of_the_calendar_are_answered(day, reason):
    assert DEFAULT.closed_reason(day) == reason  # jpholiday itself overflows on 9999-12-31
