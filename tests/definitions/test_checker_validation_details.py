"""The checker on the validation details of issue 13 (exclusive choices, matches, check_digit) and
on an exit page without show_if: one clear error where the mistake is, no cascade."""

from __future__ import annotations

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text

HEAD = """\
id: sample-form
title: 見本の手続き
description: 見本です
department: {name: 国保年金課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
"""
ELIGIBILITY = """\
  - id: eligibility
    title: 対象の確認
    fields:
      - {type: yes_no, id: resident, label: 市内にお住まいですか}
"""
EXIT = """\
  - id: not_eligible
    kind: exit
    title: この手続きの対象ではありません
    fields:
      - {type: guidance, id: go_elsewhere, content: お住まいの市区町村にお問い合わせください。}
"""


def errors(text: str) -> list[str]:
    try:
        load_text(text, "x.yaml")
    except DefinitionInvalid as invalid:
        return [f"{error.line}:{error.path}: {error.message}" for error in invalid.errors]
    return []


def later_pages(count: int) -> str:
    return "".join(f"""\
  - id: page_{n}
    title: ページ{n}
    fields:
      - {{type: text, id: answer_{n}, label: 回答{n}}}
""" for n in range(count))


# --- an exit page without show_if ---------------------------------------------------------------

def test_an_exit_page_without_show_if_is_one_error_on_itself_however_many_pages_follow():
    found = errors(HEAD + "pages:\n" + ELIGIBILITY + EXIT + later_pages(14))
    assert len(found) == 1
    assert found[0].startswith("14:pages[1].kind: 終了ページに show_if がないため、この後のページに進めません。")
    assert "page_0, page_1" in found[0] and "page_13" in found[0]
    assert "終了ページ 'not_eligible' を表示する条件を show_if に書いてください" in found[0]


def test_an_exit_page_without_show_if_at_the_end_is_reported_too():
    found = errors(HEAD + "pages:\n" + ELIGIBILITY + EXIT)
    assert found == ["14:pages[1].kind: 終了ページに show_if がないため、この後のページに進めません。"
                     "このページで申請が必ず終わるため、確認ページに進めず、だれも申請を送信できません。"
                     "終了ページ 'not_eligible' を表示する条件を show_if に書いてください "
                     "(例: show_if: {field: resident, equals: false})"]


def test_only_the_first_unconditional_exit_is_reported():
    second = EXIT.replace("not_eligible", "second_exit").replace("go_elsewhere", "elsewhere_2")
    found = errors(HEAD + "pages:\n" + ELIGIBILITY + EXIT + later_pages(2) + second)
    assert len(found) == 1 and "pages[1].kind" in found[0]


def test_the_pages_after_it_are_still_checked_for_their_own_mistakes():
    broken_later = later_pages(1).replace("type: text, id: answer_0", "type: text, id: answer_0, min_length: 5, "
                                                                      "max_length: 2")
    found = errors(HEAD + "pages:\n" + ELIGIBILITY + EXIT + broken_later)
    assert [line.split(":")[1] for line in found] == ["pages[1].kind", "pages[2].fields[0].min_length"]


def test_an_exit_page_with_show_if_is_fine():
    conditional = EXIT.replace("    kind: exit\n", "    kind: exit\n    show_if: {field: resident, equals: false}\n")
    assert errors(HEAD + "pages:\n" + ELIGIBILITY + conditional + later_pages(3)) == []


# --- exclusive ------------------------------------------------------------------------------------

CHOICES = """\
        choices:
          - {value: physical, label: 身体障害者手帳}
          - {value: none, label: 該当なし, exclusive: true}
"""


@pytest.mark.parametrize("kind", ["radio", "select"])
def test_exclusive_is_refused_on_one_choice_questions(kind):
    text = HEAD + f"pages:\n  - id: p\n    title: 手帳\n    fields:\n      - type: {kind}\n        id: handbook\n" \
                  f"        label: 手帳\n" + CHOICES
    [found] = errors(text)
    assert f"pages[0].fields[0].choices[1].exclusive: exclusive は複数選択 (checkboxes) の選択肢にだけ書けます。" \
           f"'handbook' は {kind} 項目なので" in found


def test_exclusive_on_checkboxes_and_in_a_shared_list_is_fine():
    text = HEAD + """\
choice_lists:
  handbooks:
    - {value: physical, label: 身体障害者手帳}
    - {value: none, label: 該当なし, exclusive: true}
pages:
  - id: p
    title: 手帳
    fields:
      - {type: checkboxes, id: handbooks, label: お持ちの手帳, choice_list: handbooks}
      - {type: radio, id: main_handbook, label: 主な手帳, choice_list: handbooks}
      - type: checkboxes
        id: others
        label: その他
""" + CHOICES
    assert errors(text) == []


def test_exclusive_must_be_a_boolean():
    text = HEAD + "pages:\n  - id: p\n    title: 手帳\n    fields:\n      - type: checkboxes\n        id: h\n" \
                  "        label: 手帳\n        choices:\n" \
                  "          - {value: none, label: 該当なし, exclusive: いつも}\n"
    [found] = errors(text)
    assert "choices[0].exclusive" in found


# --- matches ---------------------------------------------------------------------------------------

CARD = """\
pages:
  - id: card
    title: 保険証
    fields:
      - type: radio
        id: insurance_type
        label: 保険の種類
        choices: [国民健康保険, 社会保険]
      - {type: text, id: insurer_number, label: 保険者番号, check_digit: insurer_number}
      - {type: number, id: copies, label: 通数}
      - {type: textarea, id: note, label: 備考, required: false}
  - id: members
    title: 世帯員
    repeat: {max: 3, item_label: 世帯員}
    fields:
      - {type: text, id: member_name, label: 氏名}
"""


def rule(check: str, when: str = "") -> str:
    return HEAD + CARD + "rules:\n  - id: r\n" + (f"    when: {when}\n" if when else "") + \
        f"    check: {check}\n    field: insurer_number\n    message: 保険者番号を確認してください\n"


def test_the_insurance_card_rules_are_valid():
    assert errors(rule("{field: insurer_number, matches: '[0-9]{6}'}",
                       "{field: insurance_type, equals: 国民健康保険}")) == []
    assert errors(rule("{field: note, matches: '.{0,20}'}")) == []


@pytest.mark.parametrize(("check", "message"), [
    ("{field: copies, matches: '[0-9]'}", "matches (正規表現) は1行のテキスト (text) か複数行のテキスト (textarea) "
                                          "の項目にだけ使えます。'copies' は number 項目です"),
    ("{field: insurance_type, matches: '国.*'}", "'insurance_type' は radio 項目です"),
    ("{count: members, matches: '[0-9]'}", "matches (正規表現) は文字で答える項目の回答にだけ使えます"),
    ("{field: insurer_number, matches: '(?<=x'}", "正規表現として読めません"),
    ("{field: insurer_number, matches: '[0-9]', equals: '1'}", "条件には比較を1つだけ書いてください"),
    ("{field: member_name, matches: '.+'}", "繰り返しページ 'members' の項目なので"),
])
def test_matches_only_on_text_answers_with_a_regex_python_reads(check, message):
    found = errors(rule(check))
    assert found and all(message in line for line in found[:1]), found
    if "member_name" not in check:
        assert len(found) == 1, found


# --- check_digit ------------------------------------------------------------------------------------

def test_check_digit_with_a_max_length_too_short_for_any_number():
    text = HEAD + "pages:\n  - id: p\n    title: 保険証\n    fields:\n" \
                  "      - {type: text, id: n, label: 保険者番号, check_digit: insurer_number, max_length: 5}\n"
    assert errors(text) == ["12:pages[0].fields[0].max_length: check_digit: insurer_number の番号は6文字以上あります。"
                            "max_length を大きくするか、消してください"]


def test_an_unknown_check_digit_lists_the_known_one():
    text = HEAD + "pages:\n  - id: p\n    title: 保険証\n    fields:\n" \
                  "      - {type: text, id: n, label: 保険者番号, check_digit: hokensha}\n"
    [found] = errors(text)
    assert "check_digit" in found and "insurer_number" in found


def test_the_administrators_pages_describe_a_matches_condition_in_words():
    from formsvc.admin.describe import condition as in_words

    definition = load_text(rule("{field: insurer_number, matches: '[0-9]{6}'}",
                                "{field: insurance_type, equals: 国民健康保険}"), "x.yaml").definition
    words = in_words(definition.rules[0].check, definition)
    assert words.startswith("「保険者番号」が形式「[0-9]{6}」") and words.endswith("に一致")
    assert in_words(definition.rules[0].when, definition) == "「保険の種類」が「国民健康保険」"
