"""Shared blocks and code lists (formsvc.definitions.library): expansion, prefix, omit, errors
located in both files, the shipped library, and pinning of published versions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from formsvc.admin.diff import describe_changes
from formsvc.cli import main
from formsvc.db import database
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.library import read_library
from formsvc.definitions.loader import definition_files, library_errors, load_all, load_file, load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.loading import import_definitions
from formsvc.forms.models import Form

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "form_definitions"

HEAD = """\
id: sample
title: 届出
description: テスト用の手続きです。
department: {name: 市民課}
declaration: 上記の内容に相違ありません。
next_steps: 内容を確認します。
retention: {years: 1}
"""

CONTACT = """\
id: contact
title: 連絡先
fields:
  - type: phone
    id: phone
    label: 電話番号
  - type: email
    id: email
    label: メールアドレス
    required: false
  - type: text
    id: note
    label: 連絡の希望
    required: false
    show_if: {field: phone, equals: "0000"}
"""

COLOURS = """\
id: colours
title: 色
source: テスト用
choices:
  - {value: red, label: 赤}
  - {value: blue, label: 青}
"""


def library_at(tmp_path: Path, blocks: dict[str, str] | None = None, lists: dict[str, str] | None = None) -> Path:
    """A definitions folder with a shared/ library; returns the folder."""
    for kind, files in (("blocks", blocks or {"contact": CONTACT}), ("lists", lists or {"colours": COLOURS})):
        folder = tmp_path / "shared" / kind
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def write(folder: Path, pages: str, name: str = "sample.yaml", head: str = HEAD) -> Path:
    path = folder / name
    path.write_text(head + "pages:\n" + textwrap.indent(textwrap.dedent(pages), "  "), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(DefinitionInvalid) as raised:
        load_file(path)
    return [str(error) for error in raised.value.errors]


# --- expansion -----------------------------------------------------------------------------------


def test_a_block_is_replaced_by_its_questions_with_the_prefix_and_references_renamed(tmp_path):
    folder = library_at(tmp_path)
    path = write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {type: text, id: first, label: 最初}
            - {use: contact, prefix: home_}
            - {type: text, id: last, label: 最後}
        """)
    loaded = load_file(path)
    fields = loaded.definition.pages[0].fields
    assert [f.id for f in fields] == ["first", "home_phone", "home_email", "home_note", "last"]
    note = loaded.document["pages"][0]["fields"][3]
    assert note["show_if"] == {"field": "home_phone", "equals": "0000"}  # the block's reference, renamed
    assert "use:" in loaded.source  # the source keeps what was written


def test_omit_leaves_questions_of_the_block_out(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, omit: [email, note]}
        """)
    assert [f.id for f in load_file(path).definition.pages[0].fields] == ["phone"]


def test_the_same_block_twice_with_two_prefixes(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, prefix: day_}
            - {use: contact, prefix: night_}
        """)
    ids = [f.id for f in load_file(path).definition.pages[0].fields]
    assert ids == ["day_phone", "day_email", "day_note", "night_phone", "night_email", "night_note"]


def test_a_shared_list_is_copied_into_the_document_and_the_definitions_own_list_wins(tmp_path):
    folder = library_at(tmp_path)
    path = write(folder, """\
        - id: who
          title: 色
          fields:
            - {type: radio, id: colour, label: 色, choice_list: colours}
        """)
    loaded = load_file(path)
    assert loaded.definition.pages[0].fields[0].all_choices()[1].label.ja == "青"
    assert [c["value"] for c in loaded.document["choice_lists"]["colours"]] == ["red", "blue"]

    own = write(folder, """\
        - id: who
          title: 色
          fields:
            - {type: radio, id: colour, label: 色, choice_list: colours}
        """, name="own.yaml", head=HEAD.replace("id: sample", "id: own") + "choice_lists:\n  colours: [緑]\n")
    assert [c.value for c in load_file(own).definition.pages[0].fields[0].all_choices()] == ["緑"]


def test_the_shipped_blocks_and_lists_are_valid_and_usable(tmp_path):
    library = read_library(SHIPPED / "shared")
    assert library_errors(library) == []
    assert set(library.blocks) >= {"applicant", "bank_account", "agent"}
    assert set(library.lists) >= {"relationship", "prefectures", "school_grade"}
    assert len(library.lists["prefectures"].data["choices"]) == 47
    assert [c["value"] for c in library.lists["school_grade"].data["choices"]] == [str(n) for n in range(1, 10)]
    text = HEAD + textwrap.dedent("""\
        pages:
          - id: applicant
            title: 申請者
            fields:
              - {use: applicant, prefix: applicant_}
              - {type: select, id: prefecture, label: 都道府県, choice_list: prefectures}
          - id: agent
            title: 代理人
            fields:
              - {use: agent, prefix: agent_}
              - {type: radio, id: relationship, label: 続柄, choice_list: relationship}
          - id: payee
            title: 振込先
            fields:
              - {use: bank_account}
        """)
    loaded = load_text(text, str(SHIPPED / "sample.yaml"))
    ids = [f.id for page in loaded.definition.pages for f in page.fields]
    assert ids[:6] == ["applicant_name", "applicant_kana", "applicant_birth_date", "applicant_postal_code",
                       "applicant_address", "applicant_phone"]
    assert loaded.definition.field_by_id("applicant_postal_code").fills == "applicant_address"
    assert "agent_relationship" in ids and "bank_account" in ids


# --- errors, at the right place ------------------------------------------------------------------


def test_an_unknown_block_is_reported_at_the_use_with_the_blocks_there_are(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: 連絡先
          fields:
            - {use: contacts}
        """)
    [error] = errors_of(path)
    assert error.startswith(f"{path}:12:")
    assert "共通ブロック 'contacts' がありません" in error and "'contact' の書き間違いではありませんか" in error


def test_an_id_taken_twice_after_expansion_asks_for_a_prefix(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: 連絡先
          fields:
            - {type: phone, id: phone, label: 電話}
            - {use: contact}
        """)
    [error] = errors_of(path)
    assert error.startswith(f"{path}:13:")
    assert "'phone' が項目 pages[0].fields[0] のIDと重なります" in error and "prefix: を書いて" in error


@pytest.mark.parametrize(("item", "message"), [
    ("{use: contact, omit: [fax]}", "共通ブロック 'contact' に項目 'fax' はありません。省ける項目: phone, email, note"),
    ("{use: contact, omit: [phone, email, note]}", "項目をすべて省いています"),
    ("{use: contact, prefix: Home-}", "prefix は英小文字で始まり"),
    ("{use: contact, label: 電話}", "use: と一緒に書けるのは prefix と omit だけです"),
    ("{use: [contact]}", "use: には共通ブロックのID"),
])
def test_mistakes_in_a_use_are_explained(tmp_path, item, message):
    path = write(library_at(tmp_path), f"""\
        - id: who
          title: 連絡先
          fields:
            - {item}
        """)
    [error] = errors_of(path)
    assert message in error and error.startswith(f"{path}:12:")


def test_an_error_inside_a_used_block_points_at_the_block_and_at_the_use(tmp_path):
    broken = CONTACT.replace("    label: 電話番号\n", "    label: 電話番号\n    max_length: 0\n")
    folder = library_at(tmp_path, blocks={"contact": broken})
    path = write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {type: text, id: first, label: 最初}
            - {use: contact}
        """)
    with pytest.raises(DefinitionInvalid) as raised:
        load_file(path)
    [error] = raised.value.errors
    block = folder / "shared" / "blocks" / "contact.yaml"
    assert (error.file, error.line, error.path) == (str(block), 7, "fields[0].max_length")
    assert (error.used_in, error.used_line) == (str(path), 13)
    assert str(error).endswith(f"({path} 13行目の use: から)")
    # For a view that shows only the definition's text: the error at the use: line.
    at_use = error.at_use()
    assert (at_use.file, at_use.line) == (str(path), 13) and f"{block}:7:" in at_use.message
    # Validating the folder reports the block's own error once, at its own place.
    _, errors = load_all([folder])
    assert any(str(e).startswith(f"{block}:7:") and not e.used_in for e in errors)


def test_a_reference_to_an_omitted_question_is_reported_in_the_block_with_the_use(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, omit: [phone]}
        """)
    [error] = errors_of(path)
    assert "contact.yaml:15:" in error and "show_if" in error and "12行目の use: から" in error


def test_an_error_in_a_shared_list_is_located_in_the_list(tmp_path):
    folder = library_at(tmp_path, lists={"colours": COLOURS.replace("value: blue", "value: red")})
    path = write(folder, """\
        - id: who
          title: 色
          fields:
            - {type: radio, id: colour, label: 色, choice_list: colours}
        """)
    [error] = errors_of(path)
    assert "colours.yaml:6:" in error and "重複" in error


@pytest.mark.parametrize(("name", "text", "where", "message"), [
    ("contact", "id: contact\ntitle: x\nfields: [\n", "contact.yaml:4:", "YAMLとして読めません"),
    ("contact", "id: other\ntitle: x\nfields:\n  - {type: phone, id: phone, label: 電話}\n",
     "contact.yaml:1:5", "id はファイル名と同じ 'contact' にしてください"),
    ("contact", "id: contact\ntitle: x\nfields:\n  - {use: contact}\n", "contact.yaml:4:6", "use: は使えません"),
    ("contact", "id: contact\ntitle: x\nfeilds: []\n", "contact.yaml:3:1", "'fields' の書き間違い"),
    ("contact", "id: contact\ntitle: x\nfields:\n  - {type: phone, id: phone, label: 電話, max: 3}\n",
     "contact.yaml:4:", "'max' というキーは使えません"),
])
def test_a_broken_shared_file_is_an_error_at_its_own_place(tmp_path, name, text, where, message):
    folder = library_at(tmp_path, blocks={name: text})
    errors = [str(e) for e in load_all([folder])[1]]
    assert any(where in e and message in e for e in errors), errors


def test_a_use_of_a_broken_block_says_to_fix_the_block_first(tmp_path):
    folder = library_at(tmp_path, blocks={"contact": "id: contact\ntitle: x\n"})
    path = write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact}
        """)
    [error] = errors_of(path)
    assert "誤りがあるため使えません" in error and "'fields' を書いてください" in error


def test_hostile_use_items_are_refused_with_a_message(tmp_path):
    path = write(library_at(tmp_path), """\
        - id: who
          title: x
          fields:
            - {use: "contact\\0", prefix: "a\\0"}
            - {use: "%s"}
        """ % ("x" * 10_000))
    errors = errors_of(path)
    assert len(errors) == 2 and all("がありません" in error for error in errors)
    # The name is shown shortened and without the control character.
    assert all(len(error) < 400 and "\0" not in error for error in errors)


def test_definition_files_and_validate_skip_shared_but_check_it(tmp_path, app):
    folder = library_at(tmp_path)
    write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact}
        """)
    assert definition_files([folder]) == [folder / "sample.yaml"]
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    (folder / "shared" / "lists" / "colours.yaml").write_text("id: colours\ntitle: 色\nchoices: [a]\n")
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "colours.yaml:1:1: 'source' を書いてください" in result.output


def test_the_shipped_folder_validates_with_its_library():
    loaded, errors = load_all([SHIPPED])
    assert errors == []
    assert all("shared" not in item.filename for item in loaded)


# --- pinning: a published version keeps the library content it was published with --------------


def test_a_published_version_keeps_its_block_and_the_next_publish_takes_the_new_one(app, tmp_path):
    folder = library_at(tmp_path)
    write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, prefix: home_}
            - {type: radio, id: colour, label: 色, choice_list: colours}
        """)
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [folder])
        assert report.errors == [] and report.created == ["sample"]
    block = folder / "shared" / "blocks" / "contact.yaml"
    block.write_text(CONTACT.replace("label: 電話番号", "label: 日中の電話番号"), encoding="utf-8")
    (folder / "shared" / "lists" / "colours.yaml").write_text(COLOURS + "  - {value: green, label: 緑}\n")
    with app.app_context(), database().transaction() as session:
        report = import_definitions(session, [folder])
        assert report.updated == ["sample"]  # the file is the same; what it uses changed
        form = session.get_one(Form, "sample")
        first, second = form.version(1), form.version(2)
        assert first.source == second.source
        old = FormDefinition.model_validate(first.document)
        new = FormDefinition.model_validate(second.document)
    assert old.field_by_id("home_phone").label.ja == "電話番号"  # version 1 unchanged
    assert [c.value for c in old.field_by_id("colour").all_choices()] == ["red", "blue"]
    assert new.field_by_id("home_phone").label.ja == "日中の電話番号"
    changes = describe_changes(old, new)
    assert any("日中の電話番号" in change for change in changes), changes
    assert any("colours" in change for change in changes), changes
    with app.app_context(), database().transaction() as session:
        # Nothing changed since: importing again publishes nothing.
        assert import_definitions(session, [folder]).unchanged == ["sample"]


def test_a_rollback_brings_back_the_block_content_that_version_was_published_with(app, tmp_path):
    from formsvc.admin.working_copies import rollback

    folder = library_at(tmp_path)
    write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, prefix: home_}
        """)
    with app.app_context(), database().transaction() as session:
        assert import_definitions(session, [folder]).created == ["sample"]
    block = folder / "shared" / "blocks" / "contact.yaml"
    block.write_text(CONTACT.replace("label: 電話番号", "label: 日中の電話番号"), encoding="utf-8")
    with app.app_context(), database().transaction() as session:
        assert import_definitions(session, [folder]).updated == ["sample"]
    with app.app_context(), database().transaction() as session:
        form = session.get_one(Form, "sample")
        version = rollback(session, form, 1, "admin")
        assert version.number == 3 and version.rolled_back_from == 1
        assert version.checksum == form.version(1).checksum
        restored = FormDefinition.model_validate(version.document)
    assert restored.field_by_id("home_phone").label.ja == "電話番号"


def test_the_admin_editor_places_a_mistake_inside_a_block_at_the_use_line(app, tmp_path):
    from formsvc.admin.working_copies import check_source

    folder = library_at(tmp_path)
    # An English title asks for English everywhere, the block's labels included.
    english_head = HEAD.replace("title: 届出", "title: {ja: 届出, en: Notification}")
    path = write(folder, """\
        - id: who
          title: 連絡先
          fields:
            - {use: contact, prefix: home_}
        """, head=english_head)
    app.config["DEFINITIONS_DIR"] = str(folder)
    with app.app_context(), pytest.raises(DefinitionInvalid) as refused:
        check_source(path.read_text(encoding="utf-8"), "sample")
    use_line = next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                    if "use: contact" in line)
    in_block = [error for error in refused.value.errors if "contact.yaml" in error.message]
    assert in_block, refused.value.errors
    assert all(error.line == use_line and error.file == "sample.yaml" for error in in_block)


@pytest.mark.parametrize("mistake", [
    "computed: 5\npages: [{id: page, title: ページ, fields: []}]\n",
    "pages: [{id: page, title: ページ, fields: 5}]\n",
    "pages: [{id: page, title: ページ, fields: true}]\n",
    "pages: 7\n",
])
def test_a_list_written_as_a_scalar_is_a_located_error_not_a_crash(mistake):
    # The editor sends whatever was typed: expanding blocks must leave such mistakes to the schema.
    with pytest.raises(DefinitionInvalid) as refused:
        load_text(HEAD + mistake, "sample.yaml")
    assert all(error.file == "sample.yaml" and error.line >= 1 for error in refused.value.errors)
