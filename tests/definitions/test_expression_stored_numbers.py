"""A fee is computed from answers as stored, including those saved before numbers were bounded
(Infinity, NaN, thousands of digits): those count as unanswered rather than break the page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.vocabulary.support import Answers
from tests.vocabulary.test_expressions import Definition, expression


@pytest.mark.parametrize("stored", [float("nan"), float("inf"), float("-inf"), "NaN", "sNaN",
                                    "Infinity", 10 ** 5000],
                         ids=["nan", "inf", "-inf", "NaN", "sNaN", "Infinity", "5000 digits"])
def test_a_number_that_is_no_number_counts_as_unanswered(stored):
    fee = expression("{multiply: [{field: copies}, 300]}")
    total = fee.evaluate(Answers({"copies": stored}), Definition())
    assert total == Decimal(0)
    assert int(total) == 0  # what the submission stores


def test_plain_stored_numbers_still_count():
    fee = expression("{multiply: [{field: copies}, 300]}")
    assert fee.evaluate(Answers({"copies": 3}), Definition()) == Decimal(900)
    assert fee.evaluate(Answers({"copies": 2.5}), Definition()) == Decimal(750)
