"""Decimal answers are kept as typed: shown, exported and limited faithfully (issue 13)."""

from __future__ import annotations

import pytest

from tests.fields.fieldkit import make, submit

KW = {"label": "最大出力", "integer": False, "unit": "kW"}


@pytest.mark.parametrize(("value", "shown", "cell"), [
    (4.911, "4.911kW", "4.911"), (1e-10, "0.0000000001kW", "0.0000000001"),
    (12345678.9, "12,345,678.9kW", "12345678.9"),
    (-0.5, "-0.5kW", "-0.5"), (3, "3kW", "3"), (None, "", ""), (float("nan"), "", ""), ("junk", "", ""),
])
def test_a_decimal_answer_is_shown_and_exported_as_typed(value, shown, cell):
    spec = make("number", **KW)
    assert spec.display(value) == shown
    assert spec.csv_values(value) == [cell]


def test_places_limits_the_decimals_and_asks_for_decimals():
    spec = make("number", label="最大出力", places=3, unit="kW")
    assert submit(spec, {"answer": "4.911"}).data == 4.911
    assert submit(spec, {"answer": "4.9111"}).errors == ["小数点以下は3桁以内で入力してください"]
    assert submit(make("number", label="人数", places=0), {"answer": "1.5"}).errors == ["整数で入力してください"]


def test_more_significant_digits_than_a_number_keeps_are_refused():
    spec = make("number", **KW)
    assert submit(spec, {"answer": "123456789012345.5"}).errors == [
        "小数点以下も含めて15桁以内の数字で入力してください"]
    assert submit(spec, {"answer": "0.0000012345"}).data == 0.0000012345


def test_the_unit_may_have_an_english_form():
    spec = make("number", label="通数", unit={"ja": "通", "en": "copies"})
    assert spec.display(3) == "3通"
    assert spec.display(3, "en") == "3 copies"
