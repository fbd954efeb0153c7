"""The definition language's calendar rules for dates (issue 20): 開庁日のみ, N開庁日後以降,
毎月1日のみ, 前月10日まで, and the card sign-in as a condition. Valid YAML loads; a wrong value
is one error at its line and column."""

from __future__ import annotations

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.fields.date import BusinessDayOffset

HEAD = """\
id: sample-form
title: 見本の手続き
description: 見本です
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
pages:
  - id: when
    title: 日付
    fields:
      - type: date
        id: wanted
        label: 希望日
"""


def errors(text: str) -> list[str]:
    try:
        load_text(text, "x.yaml")
    except DefinitionInvalid as invalid:
        return [f"{error.line}:{error.column}:{error.path}: {error.message}" for error in invalid.errors]
    return []


def test_the_calendar_keys_load():
    definition = load_text(HEAD + """\
        business_days_only: true
        min: {business_days_from_today: 3}
        max: {days_from_today: 30}
  - id: start
    title: 開始日
    fields:
      - type: date
        id: start_date
        label: 利用開始希望日
        day_of_month: 1
        previous_month_deadline: 10
""", "x.yaml").definition
    wanted, start = definition.field_by_id("wanted"), definition.field_by_id("start_date")
    assert wanted.business_days_only is True
    assert isinstance(wanted.min, BusinessDayOffset) and wanted.min.business_days_from_today == 3
    assert (start.day_of_month, start.previous_month_deadline, start.business_days_only) == (1, 10, False)


def test_a_definition_without_them_is_unchanged():
    wanted = load_text(HEAD, "x.yaml").definition.field_by_id("wanted")
    assert (wanted.business_days_only, wanted.day_of_month, wanted.previous_month_deadline) == (False, None, None)


@pytest.mark.parametrize(("extra", "expected"), [
    ("        business_days_only: はい\n", "15:29:pages[0].fields[0].business_days_only: true か false"),
    ("        day_of_month: 31\n", "15:23:pages[0].fields[0].day_of_month: 28以下にしてください"),
    ("        day_of_month: 0\n", "15:23:pages[0].fields[0].day_of_month: 1以上にしてください"),
    ("        previous_month_deadline: 32\n", "15:34:pages[0].fields[0].previous_month_deadline: 31以下"),
    ("        min: {business_days_from_today: -1}\n",
     "15:41:pages[0].fields[0].min.business_days_from_today: 0以上にしてください"),
    ("        min: {business_days_from_today: 100000}\n",
     "15:41:pages[0].fields[0].min.business_days_from_today: 400以下にしてください"),
    ("        min: {days_from_today: 1000000}\n", "15:32:pages[0].fields[0].min.days_from_today: 73200以下"),
    ("        min: today\n", "15:14:pages[0].fields[0].min: 日付を YYYY-MM-DD の形で書いてください"),
])
def test_a_wrong_value_is_one_error_at_its_place(extra, expected):
    found = errors(HEAD + extra)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_a_business_day_offset_is_only_a_minimum():
    found = errors(HEAD + "        max: {business_days_from_today: 3}\n")
    assert len(found) == 1
    assert "business_days_from_today は min にだけ書けます" in found[0]


def test_signed_in_with_card_is_a_condition_of_its_own():
    definition = load_text(HEAD + """\
      - type: text
        id: note
        label: 補足
        required_if: {signed_in_with_card: false}
""", "x.yaml").definition
    assert definition.field_by_id("note").required_if.signed_in_with_card is False
    mixed = errors(HEAD + """\
      - type: text
        id: note
        label: 補足
        required_if: {signed_in_with_card: false, field: wanted, answered: true}
""")
    assert len(mixed) == 1 and "signed_in_with_card は1つの条件に単独で書いてください" in mixed[0]
