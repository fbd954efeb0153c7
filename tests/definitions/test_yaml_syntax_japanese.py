"""Every YAML mistake is told in Japanese, saying what to fix, at its line and column: in the
loader (and so the CLI and the YAML editor), never in PyYAML's English words."""

from __future__ import annotations

import re

import pytest

from formsvc.cli import main
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from tests.admin.support import FORM, SAMPLE, admin_client, publish_sample, submit, summary_of, working_source

HEAD = "id: sample\ntitle: 見本\n"  # lines 1 and 2 of every case
ENGLISH = re.compile(r"expected|found|while|allowed|scanning|parsing|constructor|unacceptable|"
                     r"must be|out of range|decode|special characters")


@pytest.mark.parametrize(("body", "where", "words"), [
    pytest.param("a: \x00\n", "3:4", "使えない文字（U+0000、", id="nul"),
    pytest.param("a: ok\nb: x\x07y\n", "4:5", "使えない文字（U+0007、", id="bell"),
    pytest.param("a: \"C:\\q\"\n", "3:8", "「\\」を文字として書くときは「\\\\」と書くか", id="unknown-escape"),
    pytest.param("a: \"\\x4\"\n", "3:7", "16進数の桁数が足りません", id="short-hex-escape"),
    pytest.param("a: &\n", "3:5", "「&」の後ろにアンカーの名前", id="anchor-without-name"),
    pytest.param("a: *\n", "3:5", "「*」の後ろにエイリアスの名前", id="alias-without-name"),
    pytest.param("a: >x\n", "3:5", "「|」や「>」の後ろには、同じ行に文字を書けません", id="block-scalar-indicator"),
    pytest.param("a: 1\n---\nb: 2\n", "4:1", "「---」の行を消してください", id="second-document"),
    pytest.param("%YAML 1.1\n%YAML 1.1\n---\n", "4:1", "ディレクティブ", id="directive"),
    pytest.param("a: ,x\n", "3:4", "値全体を引用符で囲んでください", id="comma-first"),
    pytest.param("a: ?\n", "3:4", "値を「? 」で始めることはできません", id="question-mark"),
    pytest.param("a: !foo bar\n", "3:4", "タグ '!foo' は使えません", id="unknown-tag"),
    pytest.param("a: !!binary xx!\n", "3:4", "値「xx!」を読み取れません", id="bad-binary"),
    pytest.param("a: 2025-02-30\n", "3:4", "'2025-02-30' は日付として正しくありません（その月にない日です）",
                 id="impossible-day"),
    pytest.param("a:\n\tb: 1\n", "4:1", "タブ文字は使えません", id="tab"),
    pytest.param("a: b: c\n", "3:5", "値の中に「: 」（コロンと空白）が含まれています", id="colon-in-value"),
    pytest.param("a: \"x\n", "3:4", "引用符（\" または '）が閉じられていません", id="unclosed-quote"),
    pytest.param("a: [1, 2\nb: 3\n", "3:4", "「[」が閉じられていません", id="unclosed-bracket"),
    pytest.param("a: [b, c}\n", "3:9", "「[」を「}」で閉じています。「]」で閉じてください",
                 id="bracket-closed-by-brace"),
    pytest.param("a: {b: 1]\n", "3:9", "「{」を「]」で閉じています。「}」で閉じてください",
                 id="brace-closed-by-bracket"),
    pytest.param("a:\n  b: 1\n c: 2\n", "5:2", "字下げ（行頭の空白）がそろっていません", id="indentation"),
])
def test_a_yaml_mistake_is_told_in_japanese_at_its_place(body, where, words):
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(HEAD + body, "s.yaml")
    [error] = raised.value.errors
    assert f"{error.line}:{error.column}" == where, str(error)
    assert words in error.message
    assert not ENGLISH.search(error.message), error.message


def test_the_cli_reports_a_syntax_error_in_japanese_with_line_and_column(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "description: 受付時間: 9時から\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}:3:18: YAMLとして読めません: 値の中に「: 」（コロンと空白）が含まれています" in result.output
    bad.write_text(HEAD + "description: ok\x01\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(main, ["validate", str(tmp_path)])
    assert f"{bad}:3:16: YAMLとして読めません: 使えない文字（U+0001、" in result.output
    assert not ENGLISH.search(result.output.split("YAMLとして読めません")[1])


def test_the_yaml_editor_keeps_line_and_column_for_a_syntax_error(app):
    publish_sample(app)
    admin = admin_client(app)
    url = f"/admin/forms/{FORM}/yaml"
    broken = SAMPLE.replace("description: テスト用の手続きです。", "description: 受付時間: 9時から")
    refused = submit(admin, url, url, {"source": broken})
    assert refused.status_code == 400
    [summary] = summary_of(refused.text)
    assert summary.startswith("5行18列: YAMLとして読めません: 値の中に「: 」（コロンと空白）が含まれています")
    assert working_source(app) is None
