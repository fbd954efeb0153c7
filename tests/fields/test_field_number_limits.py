"""Numbers are read only in plain decimal notation, and only as long as a resident could mean.

Anything else (exponents, Infinity, NaN, other scripts' digits, a hundred digits) is refused with
a message before it is converted: Decimal builds a number of any size from "1e999999999", and
turning that into an int kept a worker busy for minutes.
"""

from __future__ import annotations

import multiprocessing

import pytest

from tests.fields.fieldkit import EN, make, shown_value, submit

COPIES = {"label": "必要な通数", "min": 1, "max": 10, "unit": "通"}
NOT_A_NUMBER = "数字で入力してください"


@pytest.mark.parametrize("typed", [
    "1E5", "1e5", "１ｅ３", "1e-5", "1e5000",
    "Infinity", "-Infinity", "inf", "-inf", "INF", "NaN", "nan", "sNaN", "-sNaN", "NaN123",
    "٣", "१२", "0x10", "1_000", "+-1", ".", "-", "1.2.3", "1 000", "3通",
])
@pytest.mark.parametrize("keys", [COPIES, {"label": "人数"}, {"label": "面積", "integer": False}])
def test_anything_but_plain_decimal_notation_is_refused(keys, typed):
    result = submit(make("number", **keys), {"answer": typed})
    assert result.errors == [NOT_A_NUMBER]
    assert result.data is None
    assert shown_value(make("number", **keys), {"answer": typed}) == typed  # shown again for correction


def _parse_the_issues_request(results) -> None:
    results.put(submit(make("number", **COPIES), {"answer": "1e999999999"}).errors)


def test_an_enormous_exponent_is_refused_at_once():
    """The issue's request: before, int(Decimal("1e999999999")) ran for minutes, holding the GIL
    (so a thread could not time it out): it is parsed in a process of its own."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    worker = context.Process(target=_parse_the_issues_request, args=(results,), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():
        worker.kill()
        worker.join()
        pytest.fail("parsing 1e999999999 did not finish within 10 seconds")
    assert results.get(timeout=5) == [NOT_A_NUMBER]


@pytest.mark.parametrize(("typed", "stored"), [
    ("+3", 3), ("−３", -3), ("ー３", -3), ("－12", -12), ("1,234", 1234), ("１，２３４", 1234),
    ("007", 7), ("2.000", 2), ("999999999999999", 999_999_999_999_999),
])
def test_plain_numbers_as_residents_type_them(typed, stored):
    result = submit(make("number", label="金額"), {"answer": typed})
    assert result.errors == []
    assert result.data == stored and isinstance(result.data, int)


@pytest.mark.parametrize(("typed", "stored"), [
    ("12.5", 12.5), ("１２．５", 12.5), (".5", 0.5), ("3.", 3.0), ("1,234.25", 1234.25),
    ("-0.125", -0.125), ("0.0000000001", 1e-10),
])
def test_plain_decimals_where_the_definition_allows_them(typed, stored):
    result = submit(make("number", label="面積", integer=False), {"answer": typed})
    assert result.errors == []
    assert result.data == stored


@pytest.mark.parametrize(("keys", "typed", "message"), [
    # A field with bounds says them, however long the number typed.
    (COPIES, "9" * 16, "必要な通数は1から10までの数字で入力してください"),
    (COPIES, "-" + "9" * 40, "必要な通数は1から10までの数字で入力してください"),
    ({"label": "人数", "min": 1}, "-" + "9" * 16, "人数は1以上で入力してください"),
    ({"label": "人数", "max": 8}, "9" * 16, "人数は8以下で入力してください"),
    # Without one, the number of digits we read is the bound.
    ({"label": "人数"}, "1" + "0" * 15, "人数は15桁以内の数字で入力してください"),
    ({"label": "人数"}, "9" * 5000, "人数は15桁以内の数字で入力してください"),
    ({"label": "人数", "min": 0}, "9" * 16, "人数は15桁以内の数字で入力してください"),
    ({"label": "面積", "integer": False}, "0." + "1" * 11, "小数点以下は10桁以内で入力してください"),
])
def test_numbers_too_long_to_mean_anything_are_refused(keys, typed, message):
    result = submit(make("number", **keys), {"answer": typed})
    assert result.errors == [message]
    assert result.data is None


def test_the_limits_in_english():
    assert submit(make("number", label={"ja": "人数", "en": "People"}), {"answer": "9" * 16},
                  EN).errors == ["People must be at most 15 digits"]
    assert submit(make("number", label="x"), {"answer": "1e3"}, EN).errors == ["Enter a number"]


def test_a_whole_number_with_a_long_fraction_still_says_whole_number():
    assert submit(make("number", **COPIES), {"answer": "1." + "5" * 30}).errors == ["整数で入力してください"]
    assert submit(make("number", **COPIES), {"answer": "3." + "0" * 30}).data == 3
