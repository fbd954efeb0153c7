"""YAML mistakes are reported in Japanese, saying what to do, at the line of the mistake; merge keys
that override a merged key are not duplicates."""

from __future__ import annotations

import pytest

from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.yaml_source import parse
from tests.definitions.test_definition_loader import VALID

# --- merge keys --------------------------------------------------------------------------------

MERGED = """\
base: &photo {type: file, label: 写真, accept: [jpeg, png], max_files: 2}
front: {<<: *photo, accept: [png]}
back:
  <<: *photo
  label: 裏面の写真
  max_files: 1
"""


def test_a_key_overriding_a_merged_key_is_not_a_duplicate():
    data, source, duplicates = parse(MERGED)
    assert duplicates == []
    assert data["front"] == {"type": "file", "label": "写真", "accept": ["png"], "max_files": 2}
    assert data["back"] == {"type": "file", "label": "裏面の写真", "accept": ["jpeg", "png"], "max_files": 1}
    # The overriding key is the one whose position errors point at.
    assert source.keys[("front", "accept")].line == 2 and source.keys[("back", "label")].line == 5


def test_a_key_written_twice_beside_a_merge_is_still_a_duplicate():
    _, _, duplicates = parse("base: &b {a: 1}\nf: {<<: *b, a: 2, a: 3}\n")
    assert [(dup.path, dup.position.line, dup.first.line) for dup in duplicates] == [(("f", "a"), 2, 2)]


def test_an_aliased_mapping_that_merges_is_no_duplicate_where_it_is_repeated():
    text = "root: &r {a: 1, b: 2}\nbase: &b {<<: *r, a: 9}\nf: *b\ng: {<<: *b, b: 5}\n"
    data, _, duplicates = parse(text)
    assert duplicates == []
    assert data["f"] == {"a": 9, "b": 2} and data["g"] == {"a": 9, "b": 5}


def test_a_definition_using_a_merge_key_override_loads():
    text = VALID.replace(
        "choice_lists:\n",
        "x-photo: &photo {type: file, id: photo, label: 写真, required: false, accept: [jpeg, png]}\n"
        "choice_lists:\n",
    )
    # The x- key is not part of the language: only the override must not be called a duplicate.
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(text, "m.yaml")
    assert "2回書かれています" not in str(raised.value)


# --- syntax errors -----------------------------------------------------------------------------

HEAD = "id: sample\ntitle: 見本\n"  # lines 1 and 2 of every case


@pytest.mark.parametrize(("body", "where", "message"), [
    pytest.param("pages:\n\t- id: p\n", "4:1",
                 "タブ文字は使えません。空白で字下げしてください（タブを空白に置き換えてください）", id="tab"),
    pytest.param("description: 受付時間: 9時から\n", "3:18",
                 "値の中に「: 」（コロンと空白）が含まれています。値全体を引用符で囲んでください"
                 "（例: hint: \"受付時間: 9時から\"）", id="colon-in-value"),
    pytest.param("department:\n  name: 市民課\n    contact: 窓口\n", "5:5",
                 "この行は字下げが深すぎるため、前の行の値の続きとして読まれています。"
                 "同じ階層のキーと同じ桁に字下げをそろえてください", id="deeper-than-sibling"),
    pytest.param("description: 見本です\n\n\n  next_steps: 連絡します\n", "6:3",
                 "この行は字下げが深すぎるため、前の行の値の続きとして読まれています。"
                 "同じ階層のキーと同じ桁に字下げをそろえてください", id="deeper-after-blank-lines"),
    pytest.param("department:\n  name: 市民課\n contact: 窓口\n", "5:2",
                 "字下げ（行頭の空白）がそろっていません。同じ階層のキーは同じ桁に、"
                 "その中身は親のキーより深く字下げし、リストの「- 」どうしも同じ桁にそろえてください",
                 id="shallower-than-sibling"),
    pytest.param("pages:\n  - id: a\n    title: A\n   - id: b\n", "6:4",
                 "字下げ（行頭の空白）がそろっていません。同じ階層のキーは同じ桁に、"
                 "その中身は親のキーより深く字下げし、リストの「- 」どうしも同じ桁にそろえてください",
                 id="list-item-misplaced"),
    pytest.param("pages:\n  - id: a\n  title: A\n", "5:3",
                 "字下げ（行頭の空白）がそろっていません。同じ階層のキーは同じ桁に、"
                 "その中身は親のキーより深く字下げし、リストの「- 」どうしも同じ桁にそろえてください",
                 id="item-key-at-dash-column"),
    pytest.param("pages:\n  - id: a\n    label: A\n\n    # 住所\n   type: text\n", "8:4",
                 "字下げ（行頭の空白）がそろっていません。同じ階層のキーは同じ桁に、"
                 "その中身は親のキーより深く字下げし、リストの「- 」どうしも同じ桁にそろえてください",
                 id="after-a-comment"),
    pytest.param("description 見本です\nnext_steps: 連絡します\n", "3:1",
                 "キーの後ろに「: 」（コロンと空白）がありません。「キー: 値」の形で書いてください",
                 id="missing-colon"),
    pytest.param("description: \"見本です\nnext_steps: 連絡します\n", "3:14",
                 "引用符（\" または '）が閉じられていません。値の終わりに、始めと同じ引用符を書いてください",
                 id="unclosed-double-quote"),
    pytest.param("description: '見本です\n---\n", "3:14",
                 "引用符（\" または '）が閉じられていません。値の終わりに、始めと同じ引用符を書いてください",
                 id="unclosed-single-quote"),
    pytest.param("life_events: [moving, birth\nnext_steps: 連絡します\n", "3:14",
                 "「[」が閉じられていません。同じ行の終わりに「]」を書いてください", id="unclosed-bracket"),
    pytest.param("department: {name: 市民課\n", "3:13",
                 "「{」が閉じられていません。同じ行の終わりに「}」を書いてください", id="unclosed-brace-at-end"),
    pytest.param("department: {name: 市民課, contact: {phone: 03-1234-5678}\ndeclaration: 以上\n", "3:13",
                 "「{」が閉じられていません。同じ行の終わりに「}」を書いてください", id="unclosed-brace"),
    pytest.param("department: {name: 市民課}}\n", "3:24",
                 "閉じかっこ「}」が多すぎます。対応する「{」があるか確かめてください", id="extra-brace"),
    pytest.param("description: \"見本\" です\n", "3:19",
                 "引用符で囲んだ値の後ろに文字があります。値全体を引用符で囲んでください"
                 "（値の中の \" は \\\" と書きます）", id="text-after-quotes"),
    pytest.param("description: @市民課\n", "3:14",
                 "値を「@」で始めることはできません。値全体を引用符で囲んでください（例: \"@…\"）", id="at-sign"),
    pytest.param("description: - 見本\n", "3:14",
                 "値の途中に「- 」は書けません。リストにするときは次の行から字下げして「- 」を書き、"
                 "文字として書くときは値全体を引用符で囲んでください", id="dash-in-value"),
    pytest.param("description: *common\n", "3:14",
                 "エイリアス *common の参照先のアンカー &common がありません。"
                 "先に &common を書くか、名前を確かめてください",
                 id="undefined-alias"),
    pytest.param("pages: [\n  - id: a\n", "4:3",
                 "「[ ]」や「{ }」の中には「- 」のリストは書けません。「[」を消して次の行から「- 」で書くか、"
                 "「]」で閉じてください", id="block-list-in-flow"),
])
def test_a_syntax_error_says_what_to_do_at_the_line_of_the_mistake(body, where, message):
    with pytest.raises(DefinitionInvalid) as raised:
        load_text(HEAD + body, "s.yaml")
    assert [str(error) for error in raised.value.errors] == [f"s.yaml:{where}: YAMLとして読めません: {message}"]


def test_no_english_from_pyyaml_in_the_common_mistakes():
    for text in ("a:\n\tb: 1\n", "a: b: c\n", "a:\n  b: 1\n c: 2\n", "a: [1, 2\n", "a: \"x\n", "a b\nc: d\n"):
        with pytest.raises(DefinitionInvalid) as raised:
            load_text(text, "s.yaml")
        message = raised.value.errors[0].message
        assert not any(word in message for word in ("expected", "found", "while", "allowed")), message
