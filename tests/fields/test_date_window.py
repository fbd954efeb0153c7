"""A date question's window (min/max) when one end is fixed and the other moves with today.

A definition's validity must not depend on the day it is validated: ``min: 2027-04-01`` with
``max: {days_from_today: 0}`` (申請日: from the start of 2027年度 up to today) is valid in
2026, even though no date can be accepted before 1 April 2027. On such a day the question
says clearly that no date can be entered yet.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from formsvc import clock
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.fields import FieldContext
from tests.fields.fieldkit import make, submit

DEFINITION = """\
id: window-test
title: 期間のテスト
description: テスト用
department: {{name: 市民課}}
declaration: 相違ありません。
next_steps: 審査します。
retention: {{years: 5}}
pages:
  - id: p
    title: 申請日
    fields:
      - {{type: date, id: applied, label: 申請日, {bounds}}}
"""


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "_read_system_clock", lambda: datetime.combine(day, datetime.min.time(), clock.JST))


def _problems(bounds: str) -> list[str]:
    try:
        load_text(DEFINITION.format(bounds=bounds), "window.yaml")
    except DefinitionInvalid as invalid:
        return [error.message for error in invalid.errors]
    return []


def test_a_fixed_min_with_a_relative_max_is_valid_before_the_min(monkeypatch):
    _on(monkeypatch, date(2026, 6, 1))
    assert _problems("min: 2027-04-01, max: {days_from_today: 0}") == []


def test_a_relative_min_with_a_fixed_max_is_valid_after_the_max(monkeypatch):
    _on(monkeypatch, date(2028, 6, 1))
    assert _problems("min: {days_from_today: -30}, max: 2027-03-31") == []


def test_two_fixed_dates_in_the_wrong_order_are_refused_whatever_the_day(monkeypatch):
    _on(monkeypatch, date(2026, 6, 1))
    assert any("min が max より後" in message for message in _problems("min: 2027-04-01, max: 2027-03-31"))


def test_two_relative_bounds_in_the_wrong_order_are_refused():
    assert any("min が max より後" in message
               for message in _problems("min: {days_from_today: 3}, max: {days_from_today: 1}"))


@pytest.mark.parametrize("bounds", ["min: 2027-04-01, max: 2027-04-01",
                                    "min: {days_from_today: 0}, max: {days_from_today: 0}"])
def test_a_one_day_window_is_valid(bounds):
    assert _problems(bounds) == []


def test_an_empty_window_today_says_no_date_can_be_entered_yet():
    spec = make("date", label="申請日", min="2027-04-01", max={"days_from_today": 0})
    ctx = FieldContext(today=date(2026, 6, 1))
    messages = spec.validate_answer(date(2026, 6, 1), ctx)
    assert messages == ["今日は申請日に入力できる日付がありません（2027年4月1日(令和9年4月1日)以降で、"
                        "かつ2026年6月1日(令和8年6月1日)以前の日付だけを受け付けます）。担当課にお問い合わせください"]
    assert "2027年4月1日(令和9年4月1日)以降" in (spec.automatic_hint(ctx) or "")
    english = spec.validate_answer(date(2026, 6, 1), FieldContext(locale="en", today=date(2026, 6, 1)))
    assert english == ["No date can be entered for 申請日 today: it must be on or after 2027-04-01 "
                       "and on or before 2026-06-01. Please contact the department"]


def test_once_the_window_opens_the_question_works_as_usual():
    spec = make("date", label="申請日", min="2027-04-01", max={"days_from_today": 0})
    ctx = FieldContext(today=date(2027, 4, 2))
    assert spec.validate_answer(date(2027, 4, 1), ctx) == []
    assert spec.validate_answer(date(2027, 4, 3), ctx) == ["申請日は今日以前の日付を入力してください"]
    # Only the usual hint (its example years are this year's: issue 16).
    assert spec.automatic_hint(ctx) == "年は西暦（例：2027）か和暦（例：令和9）で入力できます"


def test_the_page_shows_the_empty_window_message(monkeypatch):
    spec = make("date", label="申請日", min="2027-04-01", max={"days_from_today": 0})
    result = submit(spec, {"answer-year": "2026", "answer-month": "6", "answer-day": "1"},
                    ctx=FieldContext(today=date(2026, 6, 1)))
    assert result.errors and "入力できる日付がありません" in result.errors[0]
