"""Loading definitions: a valid one loads; mistakes are reported as file:line:column: path: message."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import load_all, load_file, load_text
from formsvc.definitions.schema import FormDefinition

# Small, but using most of the language, so that a false alarm in any check shows up here.
VALID = """\
# yaml-language-server: $schema=../../form_definitions/schema.json
id: sodai-gomi-sample
title: {ja: 粗大ごみの収集申込み（見本）, en: Bulky waste collection (sample)}
description: {ja: 見本の手続きです。, en: A sample procedure.}
department: {name: {ja: 環境課, en: Environment Division}, contact: {phone: 03-1234-5678}}
life_events: [waste, moving]
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 収集日をお知らせします。, en: We will tell you the collection day.}
retention: {years: 3}
fee:
  amount:
    add:
      - {sum: {page: items, of: {multiply: [{amount: item_kind}, {field: quantity}]}}}
      - if:
          when: {field: note, answered: true}
          then: {computed: handling}
          else: 0
computed:
  - {id: handling, label: {ja: 取扱手数料, en: Handling fee}, expression: 100, unit: {ja: 円, en: " yen"}}
  - {id: pieces, label: {ja: 点数, en: Pieces}, expression: {sum: {page: items, of: {field: quantity}}},
     unit: {ja: 点, en: " pieces"}}
  - {id: pieces_with_handling, label: {ja: 点数（取扱含む）, en: Pieces (with handling)},
     expression: {add: [{computed: pieces}, 1]}}
documents:
  - name: {ja: 委任状, en: Letter of proxy}
    how: attach
    show_if: {field: requester, equals: agent}
choice_lists:
  kinds:
    - {value: sofa, label: {ja: ソファ, en: Sofa}, amount: 1000}
    - {value: chair, label: {ja: いす, en: Chair}, amount: 300}
pages:
  - id: eligibility
    title: {ja: 対象の確認, en: Eligibility}
    fields:
      - {type: yes_no, id: resident, label: {ja: 市内にお住まいですか, en: Do you live in the city}}
      - type: radio
        id: requester
        label: {ja: 申込者, en: Who is applying}
        choices: [{value: self, label: {ja: 本人, en: Yourself}}, {value: agent, label: {ja: 代理人, en: An agent}}]
  - id: not_eligible
    kind: exit
    title: {ja: この手続きの対象ではありません, en: This procedure is not for you}
    show_if: {field: resident, equals: false}
    fields:
      - type: guidance
        id: go_elsewhere
        content: {ja: お住まいの市区町村にお問い合わせください。, en: Please contact the city or town where you live.}
  - id: applicant
    title: {ja: 申込者, en: Applicant}
    fields:
      - {type: name, id: applicant_name, label: {ja: 氏名, en: Name}}
      - {type: postal_code, id: postal_code, label: {ja: 郵便番号, en: Postcode}, fills: home}
      - {type: address, id: home, label: {ja: 住所, en: Address}}
      - type: checkboxes
        id: places
        label: {ja: 出す場所, en: Where you put it out}
        choices:
          - {value: 玄関前, label: {ja: 玄関前, en: In front of the door}}
          - {value: 集積所, label: {ja: 集積所, en: At a collection point}}
        required: false
      - {type: text, id: note, label: {ja: 備考, en: Notes}, required: false, max_length: 100}
  - id: place_detail
    title: {ja: 出す場所の詳細, en: About the collection point}
    show_if: {field: places, contains: 集積所}
    fields:
      - {type: text, id: place_name, label: {ja: 集積所の名前, en: Name of the collection point}}
  - id: items
    title: {ja: 品目, en: Items}
    repeat: {min: 1, max: 10, item_label: {ja: 品目, en: item}, summary_field: item_kind}
    fields:
      - {type: select, id: item_kind, label: {ja: 品目, en: Item}, choice_list: kinds}
      - {type: number, id: quantity, label: {ja: 点数, en: Pieces}, min: 1, max: 5}
  - id: many_items
    title: {ja: 多数の品目, en: Many items}
    show_if: {any: [{count: items, gte: 5}, {field: requester, one_of: [agent]}]}
    fields:
      - {type: date, id: collection_date, label: {ja: 収集希望日, en: Preferred collection day},
         min: {days_from_today: 7}}
rules:
  - id: note_for_agents
    when: {field: requester, equals: agent}
    check: {field: note, answered: true}
    field: note
    message:
      ja: 代理人の方は備考に連絡先を書いてください
      en: If you are an agent, write how to contact you in the notes
"""

BROKEN = Path(__file__).parent / "broken"
BROKEN_FILES = sorted(BROKEN.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (?P<line>\d+):(?P<column>\d+) (?P<path>\S+): (?P<message>.+)$")

# One file per kind of mistake an administrator makes; each says where the error must be reported.
KINDS = {
    "field_condition_same_page", "rule_on_earlier_page", "duplicate_value_in_choice_list",
    "yaml_syntax", "duplicate_key", "unknown_top_level_key", "misspelt_field_key",
    "unknown_field_type", "missing_page_title", "wrong_value_type", "bad_id_pattern",
    "unquoted_no_choice", "unquoted_no_condition", "label_unquoted_no", "condition_two_operators",
    "condition_unknown_field", "condition_later_page", "page_condition_own_page", "computed_cycle",
    "duplicate_field_ids", "duplicate_page_ids", "value_not_among_choices", "comparison_on_text",
    "contains_on_radio", "repeating_field_outside_sum", "sum_over_non_repeating_page",
    "unreachable_after_exit", "exit_page_with_question", "unknown_choice_list", "fills_non_address",
    "fills_unknown_id", "repeat_min_above_max", "bad_regex", "invalid_date", "unknown_yaml_tag",
    "fee_unknown_field_multiline", "recursive_alias", "alias_expansion", "deep_nesting",
    "exclusive_on_radio", "matches_on_number", "matches_bad_regex",
}


def expectations(path: Path) -> list[tuple[int, int, str, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := EXPECT.match(line):
            path_text = "" if match["path"] == "-" else match["path"]
            found.append((int(match["line"]), int(match["column"]), path_text, match["message"]))
    return found


# --- a valid definition ---------------------------------------------------------------------

def test_a_valid_definition_loads():
    loaded = load_text(VALID, "sample.yaml")
    definition = loaded.definition
    assert definition.id == "sodai-gomi-sample"
    assert definition.title.get("en") == "Bulky waste collection (sample)"
    assert [page.id for page in definition.pages] == [
        "eligibility", "not_eligible", "applicant", "place_detail", "items", "many_items"
    ]
    assert definition.field_by_id("item_kind").amounts() == {"sofa": Decimal(1000), "chair": Decimal(300)}
    assert definition.page_of("quantity").repeat.max == 10
    assert loaded.source == VALID
    assert loaded.filename == "sample.yaml"


def test_the_stored_document_loads_back_to_the_same_definition():
    loaded = load_text(VALID, "sample.yaml")
    again = FormDefinition.model_validate(loaded.document)
    assert again == loaded.definition
    assert loaded.document["fee"]["amount"]["add"][1]["if"]["else"] == {"literal": 0}


def test_the_checksum_ignores_comments_and_layout_but_not_content():
    checksum = load_text(VALID).checksum
    assert load_text("# 見本\n" + VALID.replace("retention: {years: 3}", "retention:\n  years: 3")).checksum \
        == checksum
    assert load_text(VALID.replace("years: 3", "years: 4")).checksum != checksum


def test_a_schema_key_for_editors_is_allowed():
    assert load_text(VALID.replace("# yaml-language-server", "$schema: ../schema.json\n# x")).definition


# --- one mistake per file -----------------------------------------------------------------

def test_there_is_a_broken_definition_for_every_kind_of_mistake():
    assert {path.stem for path in BROKEN_FILES} == KINDS


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[path.stem for path in BROKEN_FILES])
def test_each_mistake_is_reported_where_it_was_made(path):
    expected = expectations(path)
    assert expected, f"{path.name} needs a '# expect: line:column path: message' comment"
    with pytest.raises(DefinitionInvalid) as raised:
        load_file(path)
    errors = raised.value.errors
    assert [(e.line, e.column, e.path) for e in errors] == [(line, column, p) for line, column, p, _ in expected]
    for error, (_, _, _, message) in zip(errors, expected, strict=True):
        assert message in error.message
        where = f"{error.path}: " if error.path else ""
        assert str(error) == f"{path}:{error.line}:{error.column}: {where}{error.message}"


def test_every_error_is_listed_when_there_are_several():
    text = VALID.replace("label: {ja: 市内にお住まいですか", "lable: {ja: 市内にお住まいですか") \
                .replace("{field: requester, equals: agent}", "{field: requestr, equals: agent}")
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "sample.yaml")
    # The schema errors come first; reference checks need a definition that has its shape.
    assert [error.path for error in raised.value.errors] == [
        "pages[0].fields[0].label", "pages[0].fields[0].lable"
    ]
    fixed = text.replace("lable:", "label:")
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(fixed, "sample.yaml")
    messages = str(raised.value).splitlines()
    assert len(messages) == 2
    assert messages[0].startswith(
        "sample.yaml:27:22: documents[0].show_if.field: 項目 'requestr' はこの定義にありません。"
    )
    assert messages[1].startswith("sample.yaml:82:19: rules[0].when.field: 項目 'requestr'")
    assert "'requester' の書き間違いではありませんか" in messages[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "定義は id, title, pages などのキーを持つマッピングにしてください"),
        ("- id: sample\n", "定義は id, title, pages などのキーを持つマッピングにしてください"),
    ],
)
def test_a_document_that_is_not_a_mapping(text, message):
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "empty.yaml")
    assert [str(error) for error in raised.value.errors] == [f"empty.yaml:1:1: {message}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: x\neligibility: !foo 対象者\n",
         "y.yaml:2:14: eligibility: YAMLとして読めません: タグ '!foo' は使えません。"
         "文字の「!」で始まる値は、値全体を引用符で囲んでください"),
        ("id: x\nchoice_lists: !!set {a, b}\n",
         "y.yaml:2:15: choice_lists: YAMLとして読めません: タグ 'tag:yaml.org,2002:set' は使えません"),
        ("id: x\n? [a, b]\n: 1\n",
         "y.yaml:2:3: YAMLとして読めません: キーにはリストやマッピングではなく文字列を書いてください"),
        ("id: x\nretention: {years: 5, since: 2025-13-01}\n",
         "y.yaml:2:30: retention.since: '2025-13-01' は日付として正しくありません（月は1から12までです）。"
         "日付は YYYY-MM-DD の形の実在する日にしてください"),
    ],
    ids=["scalar-tag", "collection-tag", "list-as-key", "impossible-date"],
)
def test_yaml_that_is_not_plain_data_is_refused_where_it_is_written(text, expected):
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "y.yaml")
    assert [str(error) for error in raised.value.errors] == [expected]


# --- files ----------------------------------------------------------------------------------

def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes(VALID.encode("shift_jis"))
    with pytest.raises(DefinitionInvalid) as raised:
        load_file(path)
    [error] = raised.value.errors
    assert (error.file, error.line, error.column) == (str(path), 1, 1)
    assert error.message.startswith("UTF-8 のテキストとして読めません")


def test_load_all_reports_two_files_with_the_same_id(tmp_path):
    (tmp_path / "a-first.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b-copy.yaml").write_text(VALID.replace("title: {ja: 粗大ごみ", "title: {ja: 写し 粗大ごみ"),
                                          encoding="utf-8")
    loaded, errors = load_all([tmp_path])
    assert [item.filename for item in loaded] == [str(tmp_path / "a-first.yaml")]
    assert errors == [DefinitionError(
        str(tmp_path / "b-copy.yaml"), 1, 1, "id",
        f"id 'sodai-gomi-sample' は {tmp_path / 'a-first.yaml'} でも使われています。手続きごとに別の id にしてください",
    )]


def test_load_all_keeps_going_after_a_broken_file(tmp_path):
    (tmp_path / "a.yaml").write_text((BROKEN / "unknown_field_type.yaml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (tmp_path / "b.yml").write_text(VALID, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a definition", encoding="utf-8")
    loaded, errors = load_all([tmp_path, tmp_path / "missing.yaml"])
    assert [Path(item.filename).name for item in loaded] == ["b.yml"]
    assert [(Path(e.file).name, e.line, e.path) for e in errors] == [
        ("a.yaml", 14, "pages[0].fields[0].type"), ("missing.yaml", 1, ""),
    ]
    assert errors[1].message == "ファイルがありません"
