"""Changing YAML text in place: only what changes is rewritten; comments and layout elsewhere stay."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from formsvc.admin.yaml_edit import EditError, delete_item, delete_key, insert_item, load, move_item, set_value

TEXT = """\
# a comment at the top
title: 見本  # trailing comment
fee:
  amount: {multiply: [{field: copies}, 300]}
pages:
  - id: first
    title: 最初
    fields:
      - {type: name, id: name, label: 氏名}
      - type: text
        id: note
        label: 備考
        hint: |-
          一行目

          三行目

  # the second page
  - id: second
    title: 二番目
    fields: []
"""


def test_a_scalar_is_replaced_where_it_is_and_its_comment_stays():
    changed = set_value(TEXT, ("title",), "新しい見本")
    assert changed == TEXT.replace("title: 見本  # trailing", "title: 新しい見本  # trailing")


def test_a_value_that_needs_quotes_gets_them():
    changed = set_value(TEXT, ("pages", 0, "title"), "no")
    assert "    title: 'no'\n" in changed and load(changed)["pages"][0]["title"] == "no"
    timed = set_value(TEXT, ("pages", 0, "title"), "8:30から")
    assert load(timed)["pages"][0]["title"] == "8:30から"


def test_a_change_inside_a_flow_mapping_rewrites_that_mapping_only():
    changed = set_value(TEXT, ("pages", 0, "fields", 0, "label"), {"ja": "お名前", "en": "Name"})
    assert changed == TEXT.replace("{type: name, id: name, label: 氏名}",
                                   "{type: name, id: name, label: {ja: お名前, en: Name}}")
    deeper = set_value(TEXT, ("fee", "amount", "multiply", 1), 400)
    assert deeper == TEXT.replace("300]}", "400]}")


def test_a_missing_key_is_added_after_the_key_it_belongs_after():
    changed = set_value(TEXT, ("pages", 0, "fields", 1, "required"), False, after=("label", "id"))
    assert "        label: 備考\n        required: false\n        hint: |-\n" in changed
    flow = set_value(TEXT, ("pages", 0, "fields", 0, "hint"), "戸籍のとおり", after=("label",))
    assert "      - {type: name, id: name, label: 氏名, hint: 戸籍のとおり}\n" in flow


def test_a_key_is_removed_with_its_whole_value():
    changed = delete_key(TEXT, ("pages", 0, "fields", 1, "hint"))
    assert "一行目" not in changed and "三行目" not in changed
    assert load(changed)["pages"][0]["fields"][1] == {"type": "text", "id": "note", "label": "備考"}
    assert delete_key(TEXT, ("pages", 0, "fields", 1, "nothing")) == TEXT
    first = delete_key(TEXT, ("pages", 1, "id"))
    assert "  - title: 二番目\n" in first  # the next key moves up beside the dash


def test_list_items_move_with_the_comments_above_them():
    moved = move_item(TEXT, ("pages",), 1, 0)
    assert moved.index("# the second page") < moved.index("- id: second") < moved.index("- id: first")
    assert [page["id"] for page in load(moved)["pages"]] == ["second", "first"]
    assert move_item(moved, ("pages",), 0, 1) == TEXT


def test_list_items_are_removed_and_inserted():
    removed = delete_item(TEXT, ("pages",), 1)
    assert "second" not in removed and "# the second page" not in removed
    assert removed.endswith("三行目\n")
    inserted = insert_item(TEXT, ("pages", 1, "fields"), 0, {"type": "phone", "id": "phone", "label": "電話番号"})
    assert "    fields:\n      - {type: phone, id: phone, label: 電話番号}\n" in inserted
    appended = insert_item(TEXT, ("pages", 0, "fields"), 2, {"type": "email", "id": "mail", "label": "メール"})
    assert load(appended)["pages"][0]["fields"][2]["id"] == "mail"
    assert "三行目\n      - {type: email, id: mail, label: メール}\n" in appended


def test_a_new_page_keeps_the_blank_line_between_pages():
    page = {"id": "third", "title": "三番目", "fields": []}
    changed = insert_item(TEXT, ("pages",), 2, page)
    assert changed.endswith("    fields: []\n\n  - id: third\n    title: 三番目\n    fields: []\n")


def test_text_with_line_breaks_becomes_a_block():
    changed = set_value(TEXT, ("pages", 1, "title"), "一行目\n二行目")
    assert "    title: |-\n      一行目\n      二行目\n" in changed
    assert load(changed)["pages"][1]["title"] == "一行目\n二行目"


def test_an_alias_is_not_edited_behind_the_administrators_back():
    text = "base: &common {label: 氏名}\nfield: *common\n"
    with pytest.raises(EditError) as refused:
        set_value(text, ("field", "label"), "お名前")
    assert "YAMLで編集してください" in refused.value.message


LIBRARY = sorted((Path(__file__).resolve().parents[2] / "form_definitions").glob("*.yaml"))


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_move_and_removal_in_the_library_changes_exactly_that_and_keeps_every_comment(path):
    text = path.read_text(encoding="utf-8")
    data = load(text)
    comments = sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
    for index in range(len(data["pages"]) - 1):
        moved = move_item(text, ("pages",), index, index + 1)
        expected = list(data["pages"])
        expected[index], expected[index + 1] = expected[index + 1], expected[index]
        assert load(moved)["pages"] == expected
        assert sorted(line.strip() for line in moved.splitlines() if line.strip().startswith("#")) == comments
    for p, page in enumerate(data["pages"]):
        fields = page.get("fields") or []
        for f in range(min(len(fields), 2)):  # the first two questions of each page: quick enough
            removed = delete_item(text, ("pages", p, "fields"), f)
            assert load(removed)["pages"][p]["fields"] == fields[:f] + fields[f + 1:]
            if f + 1 < len(fields):
                moved = move_item(text, ("pages", p, "fields"), f, f + 1)
                swapped = list(fields)
                swapped[f], swapped[f + 1] = swapped[f + 1], swapped[f]
                assert load(moved)["pages"][p]["fields"] == swapped
            relabelled = set_value(text, ("pages", p, "fields", f, "hint"), "追加したヒント", after=("label",))
            assert load(relabelled)["pages"][p]["fields"][f] == {**fields[f], "hint": "追加したヒント"}


@pytest.mark.parametrize("text", ["a: " + "[" * 50_000 + "]" * 50_000 + "\n",
                                  "a: " + "{b: " * 20_000 + "1" + "}" * 20_000 + "\n"])
def test_a_text_nested_too_deep_is_refused_not_a_crash(text):
    # libyaml's composer recurses on the C stack: without the bound this kills the process.
    with pytest.raises(EditError, match="入れ子が深すぎます"):
        set_value(text, ("a",), 1)
    with pytest.raises(yaml.YAMLError):
        load(text)
