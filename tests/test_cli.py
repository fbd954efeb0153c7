"""The `formsvc` command as an administrator or a deployment script uses it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from formsvc.cli import main
from formsvc.db import database
from formsvc.definitions.json_schema import definition_json_schema
from formsvc.forms.models import Form

DEFINITIONS = Path(__file__).resolve().parent.parent / "form_definitions"

VALID = """\
id: sample-form
title: 見本の手続き
description: 見本です
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 審査の後、連絡します。
retention: {years: 5}
pages:
  - id: about_you
    title: あなたについて
    fields:
      - {type: name, id: applicant, label: 氏名}
"""


def test_validate_accepts_the_shipped_definitions(app):
    result = app.test_cli_runner().invoke(main, ["validate", str(DEFINITIONS)])
    assert result.exit_code == 0, result.output
    assert "すべて正しい形式です" in result.output


def test_validate_reports_each_error_with_its_location_and_exits_1(app, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("type: name", "type: nam").replace("id: sample-form",
                                                                   "id: other-form"),
                   encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}:12:16: pages[0].fields[0].type: 不明な項目タイプ 'nam' です。" in result.output
    assert "'name' の書き間違いではありませんか" in result.output
    assert "1 / 2 件の定義にエラーがあります" in result.output


def test_validate_refuses_a_file_that_is_not_yaml(app, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    # At the unclosed bracket, not at the end of the file where PyYAML noticed it.
    assert f"{broken}:2:8: YAMLとして読めません: 「[」が閉じられていません" in result.output


def test_schema_json_is_up_to_date_with_the_models():
    """form_definitions/schema.json is generated; regenerate with `formsvc export-schema`."""
    shipped = json.loads((DEFINITIONS / "schema.json").read_text(encoding="utf-8"))
    assert shipped == definition_json_schema()


def test_export_schema_writes_the_json_schema(app, tmp_path):
    target = tmp_path / "schema.json"
    result = app.test_cli_runner().invoke(main, ["export-schema", "--output", str(target)])
    assert result.exit_code == 0, result.output
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["$defs"]["Page"]["properties"]["fields"]["items"]["discriminator"]
               ["mapping"]) >= {"text", "date", "my_number", "file", "guidance"}


def test_validate_and_load_definitions_refuse_aliases_that_never_end(app, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    recursive = tmp_path / "recursive.yaml"
    recursive.write_text(VALID.replace("id: sample-form", "id: other-form") + "life_events: &a [*a]\n",
                         encoding="utf-8")
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(VALID.replace("id: sample-form", "id: third-form") + "choice_lists:\n  l0: &l0 [lol, lol]\n"
                      + "".join(f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 30)),
                      encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{recursive}:13:18: YAMLとして読めません: エイリアス *a が、参照先のアンカー &a の中で使われています" \
        in result.output
    assert f"{laughs}:19:" in result.output and "を展開すると、定義の要素が100,000個を超えます" in result.output
    loaded = app.test_cli_runner().invoke(main, ["load-definitions", str(tmp_path)])
    assert loaded.exit_code == 1
    assert "定義にエラーがあるため、何も読み込んでいません" in loaded.output
    with app.app_context(), database().transaction() as session:
        assert session.scalars(select(Form)).all() == []  # not even the good file
