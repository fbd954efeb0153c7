"""Fixed date literals in expressions ({date: 2026-04-01}) and conditions that compare an
expression ({expression: {age: ...}, gte: 15}), evaluated where the condition is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml
from pydantic import ValidationError

from formsvc.admin import describe
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.vocabulary.conditions import Condition, ItemAnswers
from formsvc.vocabulary.expressions import Expression
from tests.vocabulary.support import Answers
from tests.vocabulary.test_expressions import Definition, expression

NONE = Definition()
TODAY = date(2026, 11, 26)


def condition(text: str) -> Condition:
    return Condition.model_validate(yaml.safe_load(text))


# --- {date: ...} -----------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "answers", "expected"), [
    ("{date: 2026-04-01}", {}, date(2026, 4, 1)),
    ("{school_grade: {birth: {field: b}, on: {date: 2026-04-01}}}", {"b": date(2015, 6, 1)}, Decimal(5)),
    ("{school_grade: {birth: {field: b}, on: {date: 2026-04-01}}}", {"b": date(2019, 4, 2)}, Decimal(1)),
    ("{school_grade: {birth: {field: b}, on: {date: 2026-04-01}}}", {"b": date(2019, 4, 1)}, Decimal(2)),
    ("{age: {birth: {field: b}, on: {date: 2026-03-31}}}", {"b": date(2011, 4, 1)}, Decimal(15)),
    ("{age: {birth: {field: b}, on: {date: 2026-03-31}}}", {"b": date(2011, 4, 2)}, Decimal(14)),
    ("{days_between: [{date: 2026-04-01}, {field: d}]}", {"d": date(2026, 4, 11)}, Decimal(10)),
    ("{add_months: {to: {date: 2026-01-31}, months: 1}}", {}, date(2026, 2, 28)),
    ("{max: [{field: d}, {date: 2026-04-01}]}", {"d": date(2026, 3, 1)}, date(2026, 4, 1)),
    ("{age: {birth: {field: b}, on: {date: 2026-03-31}}}", {}, None),  # unanswered: not computable
])
def test_a_fixed_date(written, answers, expected):
    assert expression(written).evaluate(Answers(fields=answers, today=TODAY), NONE) == expected


def test_a_fixed_date_is_a_date_and_reads_back_as_stored():
    written = expression("{date: 2026-04-01}")
    assert written.result_type(Definition()) == "date"
    assert list(written.type_problems(Definition())) == []
    stored = written.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert stored == {"date": "2026-04-01"}
    assert Expression.model_validate(stored) == written
    mixed = expression("{add: [{date: 2026-04-01}, 1]}")
    assert [path for path, _ in mixed.type_problems(Definition())] == [("add", 0)]


@pytest.mark.parametrize("written", [
    "{date: 20260401}",            # a number would be read as seconds since 1970
    "{date: '2026-02-30'}",        # no such day
    "{date: true}",
    "{date: 'today'}",
    "{date: '2026-04-01\\u0000'}",
    "{date: 2026-04-01, today: true}",
    "{date: '99999-01-01'}",
])
def test_what_is_no_fixed_date_is_refused(written):
    with pytest.raises(ValidationError):
        expression(written)


def test_the_administrator_reads_a_fixed_date_in_words():
    loaded = load_text(DEFINITION)
    grade = expression("{school_grade: {birth: {field: member_birth_date}, on: {date: 2026-04-01}}}")
    assert describe.expression(grade, loaded.definition) == "2026年4月1日時点の学年（生年月日: 「生年月日」）"


# --- conditions on an expression -------------------------------------------------------------

ADULT = "{expression: {age: {birth: {field: birth}, on: {today: true}}}, gte: 18}"


def test_an_expression_condition_is_evaluated_with_the_answers_it_is_given():
    adult = condition(ADULT)
    assert adult.evaluate(Answers(fields={"birth": date(2008, 11, 27)}, today=TODAY))   # 18 the day before
    assert not adult.evaluate(Answers(fields={"birth": date(2008, 11, 28)}, today=TODAY))
    assert not adult.evaluate(Answers(today=TODAY))                                     # not computable
    assert condition("{expression: {age: {birth: {field: birth}}}, answered: false}").evaluate(Answers())


def test_inside_an_item_it_reads_the_items_answers():
    outer = Answers(fields={"birth": date(1950, 1, 1)}, today=TODAY,
                    repeated={"members": [{"birth": date(1980, 1, 1)}, {"birth": date(2015, 1, 1)}]})
    adult = condition(ADULT)
    assert [adult.evaluate(ItemAnswers(item, outer)) for item in outer.items("members")] == [True, False]
    counted = condition("{count: members, where: " + ADULT + ", equals: 1}")
    assert counted.evaluate(outer)


def test_numbers_and_dates_compare_exactly():
    # 4.911 ÷ 2 is 2.4555 exactly (Decimal), not 2.45549999… (float)
    assert condition("{expression: {divide: [{field: kw}, 2]}, gte: 2.4555}").evaluate(Answers(fields={"kw": 4.911}))
    assert not condition("{expression: {divide: [{field: kw}, 2]}, gt: 2.4555}").evaluate(Answers(fields={"kw": 4.911}))
    assert condition("{expression: {add_days: {to: {field: d}, days: 14}}, lte: {days_from_today: 0}}").evaluate(
        Answers(fields={"d": date(2026, 11, 12)}, today=TODAY))
    assert condition("{expression: {count: members}, equals: 2}").evaluate(Answers(repeated={"members": [{}, {}]}))
    # A date compared with a number never holds (the checker refuses it beforehand).
    assert not condition("{expression: {date: 2026-04-01}, gte: 1}").evaluate(Answers())


def test_what_it_reads_is_known_to_the_checker():
    read = condition("{expression: {add: [{field: a}, {computed: c}, {count: p}, "
                     "{sum: {page: q, of: {field: i}}}]}, gt: 1}")
    assert read.field_references() == {"a"}
    assert read.computed_references() == {"c"}
    assert read.count_references() == {"p", "q"}


def test_a_computed_value_inside_an_expression_without_a_definition_is_not_computable():
    assert not condition("{expression: {computed: total}, gte: 0}").evaluate(Answers())


def test_only_one_operand_per_leaf():
    with pytest.raises(ValidationError, match="expression"):
        condition("{expression: {count: members}, field: x, equals: 1}")
    with pytest.raises(ValidationError):
        condition("{expression: 3, equals: 3}")  # an expression is a mapping, not a number
    with pytest.raises(ValidationError):
        condition("{expression: {nonsense: 1}, equals: 3}")


# --- the checker -------------------------------------------------------------------------------

DEFINITION = """\
id: shugaku-test
title: 就学援助
description: テスト
department: {name: 学務課}
declaration: 相違ありません。
next_steps: 審査します。
retention: {years: 5}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: date, id: applicant_birth_date, label: 申請者の生年月日}
  - id: members
    title: 世帯員
    repeat: {max: 10, item_label: 世帯員}
    fields:
      - {type: date, id: member_birth_date, label: 生年月日}
      - type: number
        id: member_income
        label: 所得
        show_if: {expression: {age: {birth: {field: member_birth_date}, on: {date: 2026-03-31}}}, gte: 15}
"""


def problems(definition: str) -> list[tuple[str, str]]:
    try:
        load_text(definition)
    except DefinitionInvalid as invalid:
        return [(error.path, error.message) for error in invalid.errors]
    return []


def test_an_items_earlier_field_may_decide_a_later_one():
    assert problems(DEFINITION) == []


CHECKED = DEFINITION.replace(
    "      - {type: date, id: member_birth_date, label: 生年月日}\n",
    "      - {type: date, id: member_birth_date, label: 生年月日}\n"
    "      - {type: text, id: member_name, label: 氏名}\n",
) + """\
      - {type: date, id: later, label: 後の日付}
  - id: others
    title: ほかの人
    repeat: {max: 3, item_label: 人}
    fields:
      - {type: date, id: other_birth, label: 生年月日}
"""
AGE = "{expression: {age: {birth: {field: member_birth_date}}}"


@pytest.mark.parametrize(("condition_text", "path", "message"), [
    # a later field of the same item: not answered yet
    ("{expression: {age: {birth: {field: later}}}, gte: 15}", "expression.age.birth.field", "後の項目 'later'"),
    # another page's item field, outside its item
    ("{expression: {age: {birth: {field: other_birth}}}, gte: 15}", "expression.age.birth.field",
     "'other_birth' は繰り返しページ 'members' の項目ではありません"),
    ("{expression: {age: {birth: {field: nobody}}}, gte: 15}", "expression.age.birth.field",
     "項目 'nobody' はこの定義にありません"),
    ("{expression: {age: {birth: {field: member_name}}}, gte: 15}", "expression.age.birth.field", "計算に使えません"),
    (AGE + ", gte: 2026-04-01}", "gte", "数値と日付は比べられません"),
    ("{expression: {reaches_age: {birth: {field: member_birth_date}, age: 18}}, gte: 15}", "gte",
     "日付と数値は比べられません"),
    (AGE + ", equals: '15'}", "equals", "数値 (例: 15) と比べてください"),
    (AGE + ", contains: 15}", "contains", "式 (expression) の値には使えません"),
    ("{expression: {date: 2026-04-01}, equals: 1}", "equals", "gt / gte / lt / lte で比べてください"),
    ("{expression: {add: [{date: 2026-04-01}, 1]}, gte: 1}", "expression.add[0]", "日付は計算できません"),
    ("{expression: {computed: nothing}, gte: 1}", "expression.computed", "computed に 'nothing' がありません"),
])
def test_the_checker_says_where_and_what_to_write(condition_text, path, message):
    written = "show_if: {expression: {age: {birth: {field: member_birth_date}, on: {date: 2026-03-31}}}, gte: 15}"
    assert written in CHECKED and problems(CHECKED) == []
    found = problems(CHECKED.replace(written, f"show_if: {condition_text}"))
    assert any(where.endswith(path) and message in text for where, text in found), found
    assert len(found) == 1, found  # one mistake, one message


MEMBERS = "  - id: members\n    title: 世帯員\n"


def test_a_page_condition_may_not_read_its_own_page_through_an_expression():
    definition = DEFINITION.replace(MEMBERS, MEMBERS + f"    show_if: {AGE}, gte: 15}}\n")
    found = problems(definition)
    assert any(where == "pages[1].show_if.expression.age.birth.field" for where, _ in found), found


def test_a_page_condition_may_read_an_earlier_page_through_an_expression():
    applicant_adult = "{expression: {age: {birth: {field: applicant_birth_date}}}, gte: 18}"
    definition = DEFINITION.replace(MEMBERS, MEMBERS + f"    show_if: {applicant_adult}\n")
    assert problems(definition) == []
    loaded = load_text(definition)
    words = describe.condition(loaded.definition.pages[1].show_if, loaded.definition)
    assert words == "式「今日時点の満年齢（生年月日: 「申請者の生年月日」）」が18以上"
