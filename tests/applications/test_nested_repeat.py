"""Nested repeats (``repeat.per``, one level): each 世帯員's own 収入. How they are stored
(Answers), read (Flow: conditions, sums inside the parent item, rules, rows), and checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.applications.sections import answer_sections
from formsvc.definitions.loader import DefinitionInvalid, load_text
from formsvc.vocabulary.conditions import Condition, Item, ItemAnswers

TODAY = date(2026, 5, 1)

SHOTOKU = """\
id: shotoku-test
title: 世帯の所得の申告（テスト）
description: テスト用の手続きです。
department: {name: 市民課}
authentication: optional
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
pages:
  - id: applicant
    title: 申請者
    fields:
      - {type: text, id: applicant_name, label: 申請者の氏名}
  - id: members
    title: 世帯員
    repeat: {min: 1, max: 6, item_label: 世帯員, summary_field: member_name}
    fields:
      - {type: text, id: member_name, label: 氏名}
      - {type: number, id: member_age, label: 年齢, unit: 歳, max: 150}
  - id: incomes
    title: 世帯員ごとの収入
    repeat: {per: members, min: 0, max: 5, item_label: 収入, summary_field: income_kind}
    fields:
      - type: radio
        id: income_kind
        label: 収入の種類
        choices:
          - {value: salary, label: 給与}
          - {value: pension, label: 年金}
          - {value: business, label: 事業}
      - {type: text, id: employer, label: 勤務先, show_if: {field: income_kind, equals: salary}}
      - {type: number, id: amount, label: 年間の収入額, unit: 円, max: 100000000000}
      - type: yes_no
        id: survivor_pension
        label: 遺族年金ですか
        required: false
        show_if: {field: member_age, gte: 60}
computed:
  - id: household_income
    label: 世帯の収入の合計
    unit: 円
    expression: {sum: {page: incomes, of: {field: amount}}}
  - id: capped_income
    label: 控除後の合計（1人100万円まで）
    unit: 円
    expression: {sum: {page: members, of: {min: [{sum: {page: incomes, of: {field: amount}}}, 1000000]}}}
  - id: earners
    label: 収入のある世帯員
    unit: 人
    expression: {sum: {page: members, of: {if: {when: {count: incomes, gte: 1}, then: 1, else: 0}}}}
rules:
  - id: pension_over_60
    for_each: incomes
    when: {field: income_kind, equals: pension}
    check: {field: member_age, gte: 60}
    field: income_kind
    message: 年金は60歳以上の世帯員の収入として入力してください
"""


def definition():
    return load_text(SHOTOKU, "shotoku.yaml").definition


def household() -> Answers:
    """Two members: 太郎 (45) with a salary and a business income, 花子 (70) with none."""
    return Answers(
        fields={"applicant_name": "山田太郎"},
        items={"members": [{"member_name": "山田太郎", "member_age": 45},
                           {"member_name": "山田花子", "member_age": 70}],
               "incomes": [[{"income_kind": "salary", "employer": "デモ商事", "amount": 3000000},
                            {"income_kind": "business", "amount": 500000}],
                           []]})


# --- storage ------------------------------------------------------------------------------------

def test_children_are_stored_per_parent_and_round_trip():
    answers = household()
    assert answers.child_items("incomes", 0)[1] == {"income_kind": "business", "amount": 500000}
    assert answers.child_items("incomes", 1) == []
    assert Answers.from_json(answers.to_json()) == answers
    # Every answer, nested ones included, is an entry (uploads and masking read entries).
    assert ("employer", "デモ商事") in list(answers.entries())
    assert answers.page_items("incomes") == answers.child_items("incomes", 0)


def test_put_child_adds_lists_for_parents_without_children_yet():
    answers = Answers(items={"members": [{"member_name": "a"}, {"member_name": "b"}]})
    answers.put_child("incomes", 1, 0, {"income_kind": "pension", "amount": None})
    assert answers.items["incomes"] == [[], [{"income_kind": "pension"}]]
    answers.put_child("incomes", 1, 0, {"income_kind": "salary"})
    assert answers.child_items("incomes", 1) == [{"income_kind": "salary"}]


def test_removing_a_parent_removes_its_children_only():
    answers = household()
    answers.items["members"].append({"member_name": "山田一郎", "member_age": 20})
    answers.items["incomes"].append([{"income_kind": "salary", "amount": 1}])
    answers.remove_item("members", 0, nested=["incomes"])
    assert [m["member_name"] for m in answers.items["members"]] == ["山田花子", "山田一郎"]
    assert answers.items["incomes"] == [[], [{"income_kind": "salary", "amount": 1}]]


def test_mapped_reaches_nested_answers():
    mapped = household().mapped(lambda field_id, value: "x" if field_id == "employer" else value)
    assert mapped.child_items("incomes", 0)[0]["employer"] == "x"


def test_out_of_range_or_forged_positions_read_as_no_children():
    answers = Answers(items={"incomes": [{"not": "a list"}, [{"amount": 1}, "junk"]]})
    assert answers.child_items("incomes", 0) == []
    assert answers.child_items("incomes", 5) == []
    assert answers.child_items("incomes", -1) == []
    assert answers.child_items("incomes", 1) == [{"amount": 1}, "junk"]
    assert list(answers.entries()) == [("not", "a list"), ("amount", 1)]


# --- reading: conditions, sums, rules -----------------------------------------------------------

def test_items_know_their_parent_and_children():
    flow = Flow(definition(), household(), TODAY)
    members = flow.items("members")
    assert [child["amount"] for child in members[0].nested["incomes"]] == [3000000, 500000]
    incomes = flow.items("incomes")  # every member's, in order
    assert [item.parent.index for item in incomes] == [0, 0]
    assert flow.children("incomes", 1) == [] and flow.children("incomes", 9) == []


def test_sums_inside_each_parent_and_over_all_children():
    flow = Flow(definition(), household(), TODAY)
    assert flow.computed_value("household_income") == Decimal(3500000)
    # Each member's own total, capped at 100万円: 太郎 1,000,000 + 花子 0.
    assert flow.computed_value("capped_income") == Decimal(1000000)
    assert flow.computed_value("earners") == Decimal(1)


def test_a_nested_item_reads_its_parents_answers():
    flow = Flow(definition(), household(), TODAY)
    page = definition().page_by_id("incomes")
    taro_salary = flow.children("incomes", 0)[0]
    assert "survivor_pension" not in {spec.id for spec in flow.visible_fields(page, taro_salary)}
    hanako_new = Item({"income_kind": "pension"}, 0, parent=flow.items("members")[1])
    assert "survivor_pension" in {spec.id for spec in flow.visible_fields(page, hanako_new)}
    assert "employer" not in {spec.id for spec in flow.visible_fields(page, hanako_new)}


def test_count_where_inside_a_parent_counts_its_children():
    flow = Flow(definition(), household(), TODAY)
    condition = Condition.model_validate({"count": "incomes", "where": {"field": "income_kind", "equals": "salary"},
                                          "equals": 1})
    taro, hanako = flow.items("members")
    assert condition.evaluate(ItemAnswers(taro, flow))
    assert not condition.evaluate(ItemAnswers(hanako, flow))
    assert condition.evaluate(flow)  # over the whole application: one salary in all


def test_a_for_each_rule_on_a_nested_page_names_the_item_with_its_parent():
    answers = household()
    answers.items["incomes"][0][1] = {"income_kind": "pension", "amount": 10}
    flow = Flow(definition(), answers, TODAY)
    page = definition().page_by_id("incomes")
    assert flow.rule_errors(page, "ja", 1, parent_index=0) == {
        "income_kind": "年金は60歳以上の世帯員の収入として入力してください"}
    assert flow.rule_errors(page, "ja", 0, parent_index=0) == {}
    failing = [(p.id, field_id, message) for p, field_id, message in flow.failing_rules("ja")]
    assert failing == [("incomes", "income_kind",
                        "世帯員 1（山田太郎）の収入 2：年金は60歳以上の世帯員の収入として入力してください")]


def test_rows_and_sections_list_children_under_their_parent():
    flow = Flow(definition(), household(), TODAY)
    titles = [section.title for section in answer_sections(flow, "ja")]
    assert titles == ["申請者", "世帯員 1", "世帯員 1（山田太郎）の収入 1", "世帯員 1（山田太郎）の収入 2",
                      "世帯員 2"]
    english = [section.title for section in answer_sections(flow, "en")]
    assert "収入 1 of 世帯員 1 (山田太郎)" in english


def test_pruned_keeps_one_list_per_member_and_drops_hidden_answers():
    answers = household()
    answers.items["incomes"][0][1]["employer"] = "hidden: not a salary"
    answers.items["incomes"].append([{"income_kind": "salary", "amount": 1}])  # no third member
    pruned = Flow(definition(), answers, TODAY).pruned()
    assert pruned.items["incomes"] == [
        [{"income_kind": "salary", "employer": "デモ商事", "amount": 3000000},
         {"income_kind": "business", "amount": 500000}],
        []]


def test_pruned_without_the_parent_page_drops_the_nested_page():
    text = SHOTOKU.replace("    repeat: {min: 1, max: 6, item_label: 世帯員, summary_field: member_name}",
                           "    show_if: {field: applicant_name, equals: 世帯員あり}\n"
                           "    repeat: {min: 1, max: 6, item_label: 世帯員, summary_field: member_name}")
    flow = Flow(load_text(text, "x.yaml").definition, household(), TODAY)
    assert [page.id for page in flow.visible_pages()] == ["applicant"]
    assert "incomes" not in flow.pruned().items


# --- the checker ----------------------------------------------------------------------------

def errors(text: str) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "x.yaml")
    return [(error.path, error.message) for error in raised.value.errors]


@pytest.mark.parametrize(("per", "message"), [
    ("nobody", "per のページ 'nobody' がありません"),
    ("applicant", "per のページ 'applicant' は繰り返しページではありません"),
    ("incomes", "per のページ 'incomes' はこのページより後 (または同じページ) です"),
])
def test_per_must_name_an_earlier_repeating_page(per, message):
    found = errors(SHOTOKU.replace("repeat: {per: members,", f"repeat: {{per: {per},"))
    assert any(path.endswith("pages[2].repeat.per") and text.startswith(message) for path, text in found), found
    assert any("使えるページ: members" in text for _, text in found)


def test_only_one_level_of_nesting():
    found = errors(_with_page(SHOTOKU, """\
  - id: income_docs
    title: 収入の資料
    repeat: {per: incomes, max: 2, item_label: 資料}
    fields:
      - {type: text, id: doc_name, label: 資料名}
"""))
    assert any(path.endswith("pages[3].repeat.per") and "入れ子は1段までです" in message
               for path, message in found), found


def test_nested_pages_take_nothing_from_the_card_or_earlier_answers():
    text = SHOTOKU.replace("      - {type: number, id: amount, label: 年間の収入額",
                           "      - {type: text, id: payer_name, label: 支払者, prefill: name}\n"
                           "      - {type: number, id: amount, label: 年間の収入額")
    text = text.replace("repeat: {per: members, min: 0,",
                        "repeat: {per: members, first_item_from: {employer: applicant_name}, min: 0,")
    found = errors(text)
    assert any(path.endswith("repeat.first_item_from") and "first_item_from は per の付いた" in message
               for path, message in found), found
    assert any(path.endswith("prefill") and "prefill を削除してください" in message for path, message in found), found


def test_a_nested_item_may_read_its_parent_but_not_another_repeating_page():
    text = _with_page(SHOTOKU, """\
  - id: children
    title: 子ども
    repeat: {min: 0, max: 3, item_label: 子ども}
    fields:
      - {type: text, id: child_name, label: 子の氏名}
""").replace("show_if: {field: member_age, gte: 60}", "show_if: {field: child_name, answered: true}")
    found = errors(text)
    assert any("'child_name' は繰り返しページ 'children' の項目" in message for _, message in found), found


def _with_page(text: str, page: str) -> str:
    """``text`` with ``page`` added after its last page (before computed:)."""
    return text.replace("computed:\n", page + "computed:\n", 1)
