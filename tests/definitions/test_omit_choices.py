"""``omit_choices``: a question uses a choice list (shared or the definition's own) without some
of its choices. The omitted choices are not offered, not accepted, and cannot be compared with;
the checker says which values the list has and where the key is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from formsvc.admin.diff import describe_changes
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_file, load_text
from formsvc.fields.base import FieldContext

ROOT = Path(__file__).resolve().parents[2]

HEAD = """\
id: sample
title: 届出
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 内容を確認します。
retention: {years: 1}
choice_lists:
  kinds:
    - {value: head, label: 世帯主}
    - {value: self, label: 本人}
    - {value: spouse, label: 配偶者}
    - {value: child, label: 子}
"""


def definition(fields: str, head: str = HEAD, rest: str = "") -> str:
    return (head + "pages:\n  - id: who\n    title: 申請者\n    fields:\n"
            + textwrap.indent(textwrap.dedent(fields), "      ") + rest)


def errors(text: str) -> list[tuple[int, int, str, str]]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "sample.yaml")
    return [(e.line, e.column, e.path, e.message) for e in raised.value.errors]


@pytest.mark.parametrize("kind", ["radio", "select", "checkboxes"])
def test_the_omitted_choices_are_neither_offered_nor_accepted(kind):
    loaded = load_text(definition(f"- {{type: {kind}, id: rel, label: 続柄, choice_list: kinds, "
                                  "omit_choices: [head, self]}\n"))
    spec = loaded.definition.field_by_id("rel")
    assert [c.value for c in spec.all_choices()] == ["spouse", "child"]
    assert [c.value for c in spec.wtforms_choices(FieldContext())] == ["spouse", "child"]
    assert spec.example_answer() in ("spouse", ["spouse"])
    forged = "self" if kind != "checkboxes" else ["self"]
    assert spec.validate_answer(forged, FieldContext()) == ["続柄は表示された選択肢から選んでください"]
    assert spec.validate_answer("spouse" if kind != "checkboxes" else ["spouse"], FieldContext()) == []
    # The list itself keeps every choice (another question may use all of them).
    assert [c.value for c in loaded.definition.choice_lists["kinds"]] == ["head", "self", "spouse", "child"]


def test_a_shared_list_without_some_choices():
    # The shipped library's 続柄 list starts with 世帯主 and 本人.
    path = ROOT / "form_definitions" / "omit-choices-test.yaml"
    text = definition("- {type: radio, id: rel, label: 続柄, choice_list: relationship, omit_choices: [head, self]}\n",
                      head=HEAD.split("choice_lists:")[0])
    loaded = load_text(text, str(path))
    values = [c.value for c in loaded.definition.field_by_id("rel").all_choices()]
    assert values[:2] == ["spouse", "child"] and "head" not in values and "self" not in values


@pytest.mark.parametrize(("written", "line", "column", "path", "message"), [
    # Not a value of the list: which values it has, and the likely one.
    ("omit_choices: [head, selff]", 18, 84, "pages[0].fields[0].omit_choices[1]",
     "選択肢の一覧 'kinds' に値 'selff' はありません。'self' の書き間違いではありませんか。"
     "一覧の値: head, self, spouse, child"),
    # Every choice left out: nothing to choose.
    ("omit_choices: [head, self, spouse, child]", 18, 77, "pages[0].fields[0].omit_choices",
     "選択肢の一覧 'kinds' の選択肢をすべて省いています"),
    ("omit_choices: [head, head]", 18, 84, "pages[0].fields[0].omit_choices[1]", "'head' が2回"),
])
def test_mistakes_are_reported_where_they_are(written, line, column, path, message):
    text = definition("- {type: radio, id: rel, label: 続柄, choice_list: kinds, " + written + "}\n")
    found = errors(text)
    assert [(p, message in m) for _, _, p, m in found] == [(path, True)], found
    assert found[0][:2] == (line, column), found


def test_omit_choices_is_only_for_a_choice_list():
    text = definition("""\
        - type: radio
          id: rel
          label: 続柄
          choices: [{value: a, label: あ}, {value: b, label: い}]
          omit_choices: [a]
        """)
    found = errors(text)
    assert [p for _, _, p, _ in found] == ["pages[0].fields[0].omit_choices"]
    assert "choice_list と一緒にだけ書けます" in found[0][3] and "choices から消してください" in found[0][3]


@pytest.mark.parametrize("written", ["omit_choices: head", "omit_choices: [{value: head}]",
                                     "omit_choices: [\"he\\0ad\"]"])
def test_hostile_values_are_refused(written):
    found = errors(definition("- {type: radio, id: rel, label: 続柄, choice_list: kinds, " + written + "}\n"))
    assert found and all(p.startswith("pages[0].fields[0].omit_choices") for _, _, p, _ in found), found
    assert not any("\x00" in message for _, _, _, message in found)  # shown as U+FFFD


def test_a_condition_on_an_omitted_choice_is_reported():
    text = definition("""\
        - {type: radio, id: rel, label: 続柄, choice_list: kinds, omit_choices: [head, self]}
        - {type: text, id: note, label: 備考, show_if: {field: rel, equals: head}}
        """)
    found = errors(text)
    assert [p for _, _, p, _ in found] == ["pages[0].fields[1].show_if.equals"]
    assert "'head' は項目 'rel' の選択肢にありません" in found[0][3]


def test_the_change_list_says_which_choices_are_left_out():
    before = load_text(definition("- {type: radio, id: rel, label: 続柄, choice_list: kinds}\n")).definition
    after = load_text(definition("- {type: radio, id: rel, label: 続柄, choice_list: kinds, "
                                 "omit_choices: [head, self]}\n")).definition
    assert describe_changes(before, after) == [
        "項目「続柄」で、一覧「kinds」の選択肢「世帯主」「本人」を使わないように変更"]
    assert describe_changes(after, before) == [
        "項目「続柄」で、一覧「kinds」の選択肢「世帯主」「本人」を使うように変更"]


def test_the_shipped_okuyami_definition_leaves_head_and_self_out():
    loaded = load_file(ROOT / "form_definitions" / "okuyami-annai.yaml")
    spec = loaded.definition.field_by_id("applicant_relationship")
    values = [c.value for c in spec.all_choices()]
    assert values[0] == "spouse" and not {"head", "self"} & set(values)
    assert not any(rule.field == "applicant_relationship" for rule in loaded.definition.rules)
