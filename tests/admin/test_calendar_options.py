"""The structured editor offers the date question's calendar rules (issue 20): 開庁日のみ, 毎月の日,
前月の締切日 as options, and 「N開庁日後」 as a minimum typed like today+3開庁日."""

from __future__ import annotations

import pytest

from formsvc.admin import describe, editing
from formsvc.admin.forms import DATE_BOUND_HINT
from formsvc.fields import REGISTRY
from formsvc.fields.admin_options import admin_options
from formsvc.fields.date import BusinessDayOffset


def test_the_calendar_rules_are_options_of_a_date_question():
    options = admin_options(REGISTRY["date"])
    assert (options["business_days_only"].kind, options["day_of_month"].kind,
            options["previous_month_deadline"].kind) == ("bool", "int", "int")
    assert options["business_days_only"].name == "開庁日のみ"


def test_a_business_day_minimum_is_typed_and_read_back():
    assert editing.bound_from_text("today+3開庁日") == {"business_days_from_today": 3}
    assert editing.bound_from_text("今日＋３開庁日後") == {"business_days_from_today": 3}
    assert editing.bound_text({"business_days_from_today": 3}) == "today+3開庁日"
    assert editing.bound_from_text("today+999開庁日") is None  # more than any procedure counts
    assert "today+3開庁日" in DATE_BOUND_HINT


def test_business_days_are_not_the_same_bound_as_days():
    assert not editing.same_bound({"days_from_today": 3}, {"business_days_from_today": 3})
    assert not editing.same_bound({"business_days_from_today": 3}, {"business_days_from_today": 5})
    assert editing.same_bound({"business_days_from_today": 3}, {"business_days_from_today": 3})


def test_the_history_names_a_business_day_bound():
    assert describe.date_bound(BusinessDayOffset(business_days_from_today=3)) == "今日から3開庁日後"
    assert describe.value_words({"business_days_from_today": 3}) == "今日から3開庁日後"


def test_a_business_day_bound_is_no_condition_value():
    with pytest.raises(ValueError, match="日付は"):
        REGISTRY["date"].model_validate({"type": "date", "id": "d", "label": "日"}).condition_value("today+3開庁日")
