"""The ``matches`` condition: a text answer matched as a whole against a regular expression, so
that a rule can make one question's format depend on another answer (保険者番号: 6 digits for
国民健康保険, 8 for the others)."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from pydantic import ValidationError

from formsvc.vocabulary.conditions import Condition
from tests.vocabulary.support import Answers


def condition(text: str) -> Condition:
    return Condition.model_validate(yaml.safe_load(text))


SIX_DIGITS = "{field: insurer_number, matches: '[0-9]{6}'}"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("138016", True),
        ("01130012", False),      # the whole answer, not a part of it
        ("x138016", False),
        ("138016\n", False),      # fullmatch: $ would let a trailing line break through
        ("13801", False),
        ("１３８０１６", False),   # full-width digits are not [0-9]; text fields store them as ASCII
        ("", False),
        (None, False),            # unanswered
        (138016, False),          # not text (a number answer)
        (["138016"], False),      # not text (checkboxes)
        (date(2026, 1, 1), False),
        ("\x00138016", False),
        ("1" * 100_000, False),
    ],
)
def test_the_whole_text_answer_must_match(answer, expected):
    assert condition(SIX_DIGITS).evaluate(Answers(fields={"insurer_number": answer})) is expected


def test_anchors_and_alternatives_are_read_as_written():
    assert condition("{field: code, matches: '^[A-Z]{2}$|^[0-9]{3}$'}").evaluate(Answers(fields={"code": "123"}))
    # Without a group, alternatives are each matched as a whole too (fullmatch).
    assert condition("{field: code, matches: 'ab|cd'}").evaluate(Answers(fields={"code": "cd"}))
    assert not condition("{field: code, matches: 'ab|cd'}").evaluate(Answers(fields={"code": "abcd"}))


def test_matches_in_a_rule_with_not_and_any():
    rule = condition("""
any:
  - {field: insurer_number, answered: false}
  - {field: insurer_number, matches: '[0-9]{8}'}
""")
    assert rule.evaluate(Answers(fields={}))
    assert rule.evaluate(Answers(fields={"insurer_number": "01130012"}))
    assert not rule.evaluate(Answers(fields={"insurer_number": "138016"}))
    assert condition("{not: " + SIX_DIGITS + "}").evaluate(Answers(fields={"insurer_number": "abc"}))


@pytest.mark.parametrize("regex", ["[0-9", "(?P<x>a", "*a", "a{2,1}"])
def test_a_regex_python_cannot_read_is_refused_with_the_reason(regex):
    with pytest.raises(ValidationError) as raised:
        Condition.model_validate({"field": "x", "matches": regex})
    assert "正規表現として読めません" in str(raised.value)


def test_matches_is_one_operator_like_the_others():
    with pytest.raises(ValidationError, match="比較を1つだけ"):
        Condition.model_validate({"field": "x", "matches": "a", "equals": "a"})
    assert condition(SIX_DIGITS).field_references() == {"insurer_number"}
    assert condition(SIX_DIGITS).compared_values() == []
