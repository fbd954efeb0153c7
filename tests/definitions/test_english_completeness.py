"""A definition that gives English for its title gives it for every text it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from formsvc.cli import main
from formsvc.definitions.checks import MISSING_ENGLISH, english_problems
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import definition_files, load_file, load_text

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions"

COMPLETE = """\
id: solar-english
title: {ja: 太陽光発電の補助, en: Solar subsidy}
description: {ja: 設置費を補助します。, en: We subsidise the installation.}
department:
  name: {ja: 環境政策課, en: Environmental Policy Division}
  contact: {phone: 03-1234-5678, hours: {ja: 平日9時から17時, en: Weekdays 9 to 5}}
declaration: {ja: 相違ありません。, en: This is true.}
next_steps:
  - text: {ja: 審査します。, en: We review it.}
retention: {years: 5, basis: 文書管理規程}
computed:
  - id: subsidy
    label: {ja: 補助金額, en: Subsidy}
    expression: {multiply: [{field: kw}, 20000]}
    unit: {ja: 円, en: " yen"}
documents:
  - name: {ja: 見積書, en: Quotation}
    note: {ja: 写しで構いません, en: A copy is fine}
outcomes:
  - id: report
    title: {ja: 完了報告, en: Completion report}
    body: {ja: 設置後に提出してください, en: Send it after installation}
pages:
  - id: system
    title: {ja: 設備, en: System}
    description: {ja: 見積書のとおりに, en: As on the quotation}
    fields:
      - type: number
        id: kw
        label: {ja: 出力, en: Output}
        hint: {ja: 小数第3位まで, en: Up to 3 decimals}
        places: 3
        unit: {ja: kW, en: kW}
      - type: radio
        id: ownership
        label: {ja: 住宅, en: Home}
        choice_list: ownership
  - id: items
    title: {ja: 機器, en: Equipment}
    repeat: {max: 3, item_label: {ja: 機器, en: device}}
    fields:
      - {type: text, id: maker, label: {ja: メーカー, en: Maker}}
choice_lists:
  ownership:
    - {value: own, label: {ja: 自己所有, en: Own}}
    - {value: family, label: {ja: 家族所有, en: Family}}
rules:
  - id: positive
    check: {field: kw, gt: 0}
    field: kw
    message: {ja: 0より大きくしてください, en: Must be above 0}
"""


def missing(text: str) -> list[str]:
    """The paths the loader reports a missing translation at (it refuses the definition)."""
    try:
        loaded = load_text(text, "solar.yaml")
    except DefinitionInvalid as invalid:
        assert all(error.message == MISSING_ENGLISH for error in invalid.errors), invalid.errors
        return [error.path for error in invalid.errors]
    assert list(english_problems(loaded.definition)) == []
    return []


def test_a_complete_definition_has_no_problem():
    assert missing(COMPLETE) == []


@pytest.mark.parametrize(("written", "complete", "path"), [
    ("unit: {ja: kW, en: kW}", "unit: kW", "pages[0].fields[0].unit"),
    ("hint: {ja: 小数第3位まで, en: Up to 3 decimals}", "hint: 小数第3位まで", "pages[0].fields[0].hint"),
    ("{value: family, label: {ja: 家族所有, en: Family}}", "{value: family, label: 家族所有}",
     "choice_lists.ownership[1].label"),
    ("item_label: {ja: 機器, en: device}", "item_label: 機器", "pages[1].repeat.item_label"),
    ("message: {ja: 0より大きくしてください, en: Must be above 0}", "message: 0より大きくしてください",
     "rules[0].message"),
    ("unit: {ja: 円, en: \" yen\"}", "unit: {ja: 円, en: \"\"}", "computed[0].unit"),  # empty is no English
    ("hours: {ja: 平日9時から17時, en: Weekdays 9 to 5}", "hours: 平日9時から17時", "department.contact.hours"),
    ("body: {ja: 設置後に提出してください, en: Send it after installation}", "body: 設置後に提出してください",
     "outcomes[0].body"),
    ("note: {ja: 写しで構いません, en: A copy is fine}", "note: 写しで構いません", "documents[0].note"),
    ("- text: {ja: 審査します。, en: We review it.}", "- text: 審査します。", "next_steps[0].text"),
    ("title: {ja: 設備, en: System}", "title: 設備", "pages[0].title"),
])
def test_each_text_without_english_is_reported_where_it_is(written, complete, path):
    assert written in COMPLETE
    assert missing(COMPLETE.replace(written, complete)) == [path]


def test_without_english_in_the_title_nothing_is_asked():
    text = COMPLETE.replace("title: {ja: 太陽光発電の補助, en: Solar subsidy}", "title: 太陽光発電の補助")
    assert missing(text.replace("unit: {ja: kW, en: kW}", "unit: kW")) == []


def test_the_staffs_records_basis_needs_no_english():
    assert "basis: 文書管理規程" in COMPLETE
    assert missing(COMPLETE) == []


@pytest.mark.parametrize("path", definition_files([LIBRARY]), ids=lambda path: path.name)
def test_every_shipped_definition_in_english_is_complete(path):
    loaded = load_file(path)
    assert [(".".join(map(str, p.path)), p.message) for p in english_problems(loaded.definition)] == []


@pytest.mark.parametrize("blank", ['" "', '"\\u3000"', '"\\t"'], ids=["space", "ideographic-space", "tab"])
def test_english_of_blanks_only_is_no_english(blank):
    text = COMPLETE.replace("hint: {ja: 小数第3位まで, en: Up to 3 decimals}",
                            f"hint: {{ja: 小数第3位まで, en: {blank}}}")
    assert missing(text) == ["pages[0].fields[0].hint"]


def test_the_loader_refuses_it_at_the_line_and_column_of_the_text():
    text = COMPLETE.replace("title: {ja: 設備, en: System}", "title: 設備").replace(
        "      - {type: text, id: maker, label: {ja: メーカー, en: Maker}}",
        "      - {type: text, id: maker, label: {ja: メーカー}}")
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "solar.yaml")
    lines = text.splitlines()
    title_line = lines.index("    title: 設備") + 1
    maker_line = next(i for i, line in enumerate(lines, 1) if "id: maker" in line)
    maker_column = lines[maker_line - 1].index("{ja: メーカー}") + 1
    assert [str(error) for error in raised.value.errors] == [
        f"solar.yaml:{title_line}:12: pages[0].title: {MISSING_ENGLISH}",
        f"solar.yaml:{maker_line}:{maker_column}: pages[1].fields[0].label: {MISSING_ENGLISH}",
    ]


def test_every_missing_translation_is_listed_at_once():
    text = (COMPLETE.replace("unit: {ja: kW, en: kW}", "unit: kW")
            .replace("{value: own, label: {ja: 自己所有, en: Own}}", "{value: own, label: 自己所有}")
            .replace("message: {ja: 0より大きくしてください, en: Must be above 0}", "message: 0より大きくしてください"))
    assert missing(text) == ["pages[0].fields[0].unit", "choice_lists.ownership[0].label", "rules[0].message"]


def test_formsvc_validate_refuses_a_definition_missing_english(app, tmp_path):
    path = tmp_path / "solar.yaml"
    path.write_text(COMPLETE.replace("hint: {ja: 小数第3位まで, en: Up to 3 decimals}", "hint: 小数第3位まで"),
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{path}:31:15: pages[0].fields[0].hint: {MISSING_ENGLISH}" in result.output
