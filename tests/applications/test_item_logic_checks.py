"""The checker on logic inside pages and repeated items: earlier fields of the same page or item
may decide a question; later ones and the question itself may not; for_each, where, counts and
first_item_from are checked with Japanese messages at their place."""

from __future__ import annotations

import pytest

from formsvc.definitions.loader import DefinitionInvalid, load_text

HEAD = """\
id: sample-form
title: 見本の手続き
description: 見本です
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
"""


def errors(text: str) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(HEAD + text, "x.yaml")
    return [(error.path, error.message) for error in raised.value.errors]


def loads(text: str) -> None:
    load_text(HEAD + text, "x.yaml")


MEMBERS = """\
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: name, id: applicant_name, label: 氏名}
      - {type: yes_no, id: has_spouse, label: 配偶者がいますか}
      - {type: text, id: spouse_name, label: 配偶者の氏名, show_if: {field: has_spouse, equals: true}}
  - id: members
    title: 世帯員
    repeat: {max: 5, item_label: 世帯員, first_item_from: {member_name: applicant_name}}
    fields:
      - {type: name, id: member_name, label: 氏名}
      - {type: radio, id: relationship, label: 続柄, choices: [head, spouse, child]}
      - {type: yes_no, id: working, label: 働いていますか}
      - {type: text, id: employer, label: 勤務先, show_if: {field: working, equals: true}}
      - {type: number, id: income, label: 所得, required_if: {field: working, equals: true}}
  - id: children
    title: 子ども
    repeat: {min: 0, max: 5, item_label: 子ども}
    fields:
      - {type: text, id: child_name, label: 氏名}
rules:
  - id: one_head
    check: {count: members, where: {field: relationship, equals: head}, equals: 1}
    field: relationship
    message: 世帯主を1人だけ選んでください
  - id: enough_members
    check: {count: members, gte: {count: children, where: {field: child_name, answered: true}}}
    field: child_name
    message: 子どもが多すぎます
  - id: working_has_income
    for_each: members
    when: {field: working, equals: true}
    check: {field: income, gt: 0}
    field: income
    message: 所得を入力してください
"""


def test_earlier_fields_of_the_same_page_or_item_may_decide():
    loads(MEMBERS)


def test_a_later_field_of_the_same_item_may_not():
    text = MEMBERS.replace("      - {type: yes_no, id: working, label: 働いていますか}\n", "").replace(
        "show_if: {field: working, equals: true}}\n", "show_if: {field: working, equals: true}}\n"
        "      - {type: yes_no, id: working, label: 働いていますか}\n", 1)
    found = errors(text)
    assert any("後の項目 'working'" in message for _, message in found), found


def test_a_question_may_not_depend_on_itself():
    found = errors(MEMBERS.replace("show_if: {field: working, equals: true}}",
                                   "show_if: {field: employer, answered: true}}"))
    assert any("循環しています" in message for _, message in found), found


def test_a_question_of_another_repeating_page_is_not_a_single_value():
    found = errors(MEMBERS.replace("{type: text, id: child_name, label: 氏名}",
                                   "{type: text, id: child_name, label: 氏名, show_if: {field: working, equals: true}}"))  # noqa: E501 (a Japanese message, whole)
    assert any("繰り返しページ 'members' の項目なので" in message for _, message in found), found


def test_where_reads_the_counted_page_only():
    found = errors(MEMBERS.replace("where: {field: relationship, equals: head}", "where: {field: child_name, equals: head}"))  # noqa: E501 (a Japanese message, whole)
    assert any("繰り返しページ 'children' の項目なので" in message for _, message in found), found
    found = errors(MEMBERS.replace("where: {field: relationship, equals: head}", "where: {field: relationship, equals: boss}"))  # noqa: E501 (a Japanese message, whole)
    assert any("boss" in message for _, message in found), found


def test_where_needs_count():
    found = errors(MEMBERS.replace("{count: members, where: {field: relationship, equals: head}, equals: 1}",
                                   "{field: applicant_name, where: {field: relationship, equals: head}, answered: true}"))  # noqa: E501 (a Japanese message, whole)
    assert any("where は count と一緒にだけ使えます" in message for _, message in found), found


def test_counting_a_page_that_does_not_repeat():
    found = errors(MEMBERS.replace("gte: {count: children,", "gte: {count: applicant,"))
    assert any("繰り返しページではありません" in message for _, message in found), found


def test_for_each_needs_a_repeating_page_and_a_field_on_it():
    found = errors(MEMBERS.replace("for_each: members", "for_each: applicant"))
    assert any("繰り返しページではありません" in message for _, message in found), found
    found = errors(MEMBERS.replace("    field: income\n", "    field: applicant_name\n"))
    assert any("for_each: members のルールのメッセージは" in message for _, message in found), found


def test_first_item_from_names_an_item_field_and_an_earlier_answer_of_the_same_type():
    assert any("この繰り返しページの項目ではありません" in m for _, m in
               errors(MEMBERS.replace("{member_name: applicant_name}", "{nobody: applicant_name}")))
    assert any("同じ種類の項目どうし" in m for _, m in
               errors(MEMBERS.replace("{member_name: applicant_name}", "{member_name: spouse_name}")))
    assert any("はこの定義にありません" in m for _, m in
               errors(MEMBERS.replace("{member_name: applicant_name}", "{member_name: applicant_nam}")))


def test_required_if_with_required_true_is_refused():
    found = errors(MEMBERS.replace("required_if: {field: working, equals: true}}",
                                   "required: true, required_if: {field: working, equals: true}}"))
    assert any("required_if を書いた項目には required: true を書けません" in m for _, m in found), found


def test_required_if_reads_like_show_if():
    found = errors(MEMBERS.replace("required_if: {field: working, equals: true}}",
                                   "required_if: {field: income, gt: 3}}"))
    assert any("循環しています" in m for _, m in found), found
