"""The checker on computed values, dates and rounding: each mistake reported at its line and
column with what to write instead (definition language v2, issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text

SOLAR = (Path(__file__).parent / "solar_subsidy.yaml").read_text(encoding="utf-8")


def errors(text: str) -> list[tuple[int, int, str, str]]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "solar.yaml")
    return [(e.line, e.column, e.path, e.message) for e in raised.value.errors]


def test_the_solar_subsidy_definition_is_valid():
    definition = load_text(SOLAR, "solar.yaml").definition
    subsidy = definition.computed[0]
    assert (subsidy.role, subsidy.unit.get("en")) == ("benefit", "yen")


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    # A date added like a number.
    ("expression: {field: output_kw}", "expression: {add: [{field: installed_on}, 14]}",
     "computed[1].expression.add[0]", "add_days"),
    ("months: 3}}", "months: {field: installed_on}}}",
     "computed[3].expression.add_months.months", "add_months の months には数値になる式"),
    ("expression: {multiply: [{field: output_kw}, 20000]}", "expression: {multiply: [{field: installed_on}, 20000]}",
     "computed[2].expression.multiply[0]", "multiply の1番目 には数値になる式"),
    # role and kind.
    ("role: deadline", "role: benefit", "computed[3].role", "金額になりません"),
    ("    role: benefit\n", "    role: deadline\n", "computed[0].role", "日付になりません"),
    ("role: deadline\n", "role: deadline\n    unit: {ja: 日, en: days}\n", "computed[3].unit",
     "日付なので unit は使えません"),
    # Unknown computed ids, with a suggestion.
    ("show_if: {computed: subsidy_base, gte: 200000}", "show_if: {computed: subsidy_bas, gte: 200000}",
     "pages[1].show_if.computed", "'subsidy_base' の書き間違いではありませんか"),
    # A date compared with a number.
    ("show_if: {field: installed_on, answered: true}", "show_if: {computed: report_deadline, gt: 3}",
     "computed[3].show_if.gt", "日付と数値は比べられません"),
    ("show_if: {computed: subsidy_base, gte: 200000}", "show_if: {computed: subsidy_base, gte: 2026-04-01}",
     "pages[1].show_if.gte", "数値と日付は比べられません"),
    ("show_if: {field: installed_on, answered: true}", "show_if: {field: output_kw, lt: {field: output_kw, days: 3}}",
     "computed[3].show_if.lt", "days / months / years を足せるのは日付だけ"),
    # Rounding and division shapes.
    ("to: 1000", "to: 0", "computed[0].expression.floor.to", "丸める単位"),
    ("expression: {field: output_kw}", "expression: {divide: [{field: output_kw}]}",
     "computed[1].expression.divide", "[割られる数, 割る数] の2つ"),
])
def test_mistakes_with_values_say_what_to_fix(old, new, path, message):
    assert SOLAR.count(old) == 1
    found = errors(SOLAR.replace(old, new))
    assert [(p, message in m) for _, _, p, m in found] == [(path, True)], found


def test_a_page_condition_may_not_use_a_value_computed_from_a_later_page():
    """The exit page asks about a value computed from an answer given on a later page: the
    server could not know it when deciding whether to show the page."""
    moved = SOLAR.replace("  - id: too_large\n", "  - id: too_large_first\n    title: {ja: x, en: x}\n    fields: []\n"
                                                 "  - id: too_large\n")
    reordered = moved.replace(
        "  - id: system\n", "  - id: intro\n    title: {ja: はじめに, en: Introduction}\n"
                            "    show_if: {computed: subsidy, gt: 0}\n    fields: []\n  - id: system\n")
    found = errors(reordered)
    assert len(found) == 1
    line, column, path, message = found[0]
    assert path == "pages[0].show_if.computed"
    assert (line, column) == (reordered.splitlines().index("    show_if: {computed: subsidy, gt: 0}") + 1, 25)
    assert "後のページ 'system'の項目 'output_kw' から計算されます" in message
    assert "前のページの回答から計算できる値だけ" in message


def test_a_value_computed_through_another_counts_too():
    text = SOLAR.replace("show_if: {computed: subsidy_base, gte: 200000}",
                         "show_if: {computed: subsidy_base, gte: 200000}\n    fields: []\n"
                         "  - id: on_the_same_page\n    title: {ja: x, en: x}\n    fields:\n"
                         "      - {type: text, id: note, label: {ja: 備考, en: Notes},"
                         " show_if: {computed: subsidy, gt: 0}}\n"
                         "      - {type: number, id: extra, label: {ja: 追加, en: Extra}}\n"
                         "  - id: unused\n    title: {ja: y, en: y}")
    text = text.replace("of: {min: [{multiply: [{field: output_kw}, 20000]}, 100000]}",
                        "of: {min: [{multiply: [{field: output_kw}, 20000]}, {computed: cap}]}")
    text = text.replace("  - id: subsidy_base\n",
                        "  - id: cap\n    label: {ja: 上限, en: Limit}\n"
                        "    expression: {add: [100000, {field: extra}]}\n  - id: subsidy_base\n")
    found = errors(text)
    assert [(p, "同じページの項目 'extra'" in m) for _, _, p, m in found] == [
        ("pages[2].fields[0].show_if.computed", True)], found


def test_yaml_reads_on_as_a_boolean_but_age_takes_it_as_meant():
    text = SOLAR.replace("expression: {field: output_kw}",
                         "expression: {age: {birth: {field: installed_on}, on: {today: true}}}")
    definition = load_text(text, "solar.yaml").definition
    assert definition.computed[1].expression.age.on.today is True


def test_a_number_question_cannot_be_integer_and_have_places():
    found = errors(SOLAR.replace("integer: false\n        places: 3", "integer: true\n        places: 3"))
    assert [p for _, _, p, _ in found] == ["pages[0].fields[0].places"]
    assert "integer を消すか false に" in found[0][3]


def test_a_cycle_through_a_counted_items_condition_is_refused():
    # A computed value counting items by a condition on itself would never finish computing.
    text = """\
id: cycle-test
title: 循環
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 内容を確認します。
retention: {years: 1}
computed:
  - id: a
    label: A
    expression: {if: {when: {count: kids, gte: {count: kids, where: {computed: a, equals: 1}}}, then: 1, else: 0}}
pages:
  - {id: first, title: 最初, fields: [{type: text, id: name, label: 氏名}]}
  - id: kids
    title: 子ども
    repeat: {max: 3, item_label: 子ども}
    fields: [{type: text, id: kid, label: 子どもの氏名}]
"""
    with pytest.raises(DefinitionInvalid) as refused:
        load_text(text, "cycle.yaml")
    assert any("循環" in error.message for error in refused.value.errors), refused.value.errors
