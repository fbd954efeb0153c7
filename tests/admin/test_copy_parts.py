"""Copying a procedure asks which parts to keep: unticked parts are left out of the copy, the
result is still a valid definition, and a part the rest still needs is refused in Japanese."""

from __future__ import annotations

import re

import pytest

from formsvc.admin import copy_parts
from formsvc.admin.yaml_edit import load
from formsvc.definitions.loader import load_text
from tests.admin.support import admin_client, errors_on, form_values, submit, summary_of, text_of, working_source
from tests.resident.library_support import LIBRARY, publish

ALL = ["fee", "documents", "next_steps", "rules", "computed", "channels", "english", "comments"]


def copy(admin, source: str, form_id: str, **changes):
    return submit(admin, f"/admin/copy?source={source}", "/admin/copy",
                  {"form_id": form_id, "title_ja": "複製した手続き", **changes})


def test_the_copy_page_asks_which_parts_to_keep_and_says_what_the_default_is(app):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    page = admin.get("/admin/copy?source=juminhyo-copy")
    assert '<fieldset class="fieldset" id="keep"' in page.text
    shown = text_of(page.text)
    assert "複製する部分" in shown and "ページと質問（必ず複製します）" in shown
    for part in copy_parts.PARTS:
        assert part.label in shown
    assert "既定では、複製元のための英語の訳とYAMLのコメントを外し" in shown
    ticked = form_values(page.text, "/admin/copy")["keep"]
    assert ticked == ["pages", "fee", "documents", "next_steps", "rules", "computed", "channels"]
    assert re.search(r'value="pages" checked[^>]* disabled>', page.text)  # always copied, cannot be unticked


def test_by_default_a_copy_has_no_english_and_no_comments_and_keeps_the_rest(app):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    done = copy(admin, "juminhyo-copy", "shomei-copy")
    assert done.status_code == 302, summary_of(done.text)
    source = working_source(app, "shomei-copy")
    assert not re.search(r"[\s{,]en:", source) and "Request" not in source
    assert not [line for line in source.splitlines() if line.lstrip().startswith("#")]
    assert "第三者請求 (住民基本台帳法第12条の3) はこの手続きの対象外" not in source  # a comment
    definition = load_text(source, "shomei-copy.yaml").definition
    original = load_text((LIBRARY / "juminhyo-copy.yaml").read_text(), str(LIBRARY / "juminhyo-copy.yaml")).definition
    assert [page.id for page in definition.pages] == [page.id for page in original.pages]
    assert definition.fee is not None and len(definition.documents) == 2 and len(definition.rules) == 1
    assert definition.channels is not None
    assert definition.description.ja == original.description.ja and definition.description.en is None
    # The copy says in its history what was left out.
    history = text_of(admin.get(done.location).text)
    assert "複製元: juminhyo-copy" in history
    assert "複製しなかった部分: 英語の訳、YAMLのコメント" in history


def test_unticked_parts_are_left_out_and_the_copy_stays_valid(app):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    done = copy(admin, "juminhyo-copy", "shomei-plain", keep=["english"])
    assert done.status_code == 302, summary_of(done.text)
    data = load(working_source(app, "shomei-plain"))
    for key in ("fee", "documents", "rules", "channels", "outcomes"):
        assert key not in data, key
    assert data["next_steps"] == "審査の後、結果をお知らせします。"
    # English kept (ticked): the texts keep it, the new title has none, so English is not asked.
    assert data["description"]["en"].startswith("Request a copy of the residence certificate")
    load_text(working_source(app, "shomei-plain"), "shomei-plain.yaml")


def test_everything_ticked_copies_the_source_as_it_is(app):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    done = copy(admin, "juminhyo-copy", "shomei-full", keep=ALL)
    assert done.status_code == 302
    original = (LIBRARY / "juminhyo-copy.yaml").read_text()
    expected = original.replace("id: juminhyo-copy", "id: shomei-full").replace(
        "title:\n  ja: 住民票の写し等の交付請求\n  en: Request for a copy of the residence certificate (juminhyo)\n",
        "title: 複製した手続き\n")
    assert working_source(app, "shomei-full") == expected


def test_a_computed_value_the_fee_uses_cannot_be_left_out_alone(app):
    publish(app, "inu-touroku")
    admin = admin_client(app)
    kept = [key for key in ALL if key not in ("computed", "english", "comments")]
    refused = copy(admin, "inu-touroku", "inu-copy", keep=kept)
    assert refused.status_code == 400
    message = errors_on(refused.text)[0]
    assert message == ("＊「計算した値」は外せません: 手数料が「登録手数料」「注射済票交付手数料」を使っています。"
                       "「計算した値」も残すか、複製した後にその部分を直してから計算した値を削除してください")
    assert "「計算した値」も残すか" in message
    assert summary_of(refused.text) == [message.removeprefix("＊")]
    assert working_source(app, "inu-copy") is None
    # Without the fee as well, nothing needs them.
    kept.remove("fee")
    done = copy(admin, "inu-touroku", "inu-copy", keep=kept)
    assert done.status_code == 302, summary_of(done.text)
    data = load(working_source(app, "inu-copy"))
    assert "computed" not in data and "fee" not in data


def test_a_computed_value_a_page_condition_reads_is_named_with_the_page(app):
    publish(app, "taiyoko-hojo")
    admin = admin_client(app)
    refused = copy(admin, "taiyoko-hojo", "hojo-copy",
                   keep=[key for key in ALL if key not in ("computed", "english", "comments")])
    assert refused.status_code == 400
    assert "ページ「1kWあたりの設置費用が41万円を超えるシステムは補助の対象外です」が「" in errors_on(refused.text)[0]
    assert working_source(app, "hojo-copy") is None


def test_an_english_title_keeps_the_english_even_when_unticked(app):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    done = copy(admin, "juminhyo-copy", "shomei-en", title_en="Copy of a certificate")
    assert done.status_code == 302, summary_of(done.text)
    definition = load_text(working_source(app, "shomei-en"), "shomei-en.yaml").definition
    assert definition.title.en == "Copy of a certificate" and definition.description.en


@pytest.mark.parametrize("forged", ["pages; DROP TABLE", "x" * 3000, "english\u202e"])
def test_a_forged_part_is_refused_in_japanese(app, forged):
    publish(app, "juminhyo-copy")
    admin = admin_client(app)
    refused = copy(admin, "juminhyo-copy", "shomei-forged", keep=["fee", forged])
    assert refused.status_code == 400
    assert summary_of(refused.text) == ["複製する部分は、表示された選択肢から選んでください"]
    assert working_source(app, "shomei-forged") is None


def test_comments_are_removed_but_a_hash_inside_a_text_stays():
    text = (
        "# a note\n"
        "id: x   # the id\n"
        "title: '#1 の手続き'  # quoted\n"
        "description: |-\n"
        "  # this line is text\n"
        "  second\n"
        "\n"
        "# another note\n"
        "pages: [{id: a, title: 'A#B'}]  # end\n"
    )
    stripped = copy_parts.strip_comments(text)
    assert stripped == ("id: x\n"
                        "title: '#1 の手続き'\n"
                        "description: |-\n"
                        "  # this line is text\n"
                        "  second\n"
                        "\n"
                        "pages: [{id: a, title: 'A#B'}]\n")
    assert load(stripped) == load(text)


def test_english_is_removed_from_every_shipped_definition_without_changing_anything_else():
    for path in sorted(LIBRARY.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        stripped = copy_parts.strip_english(text)
        assert not copy_parts.has_english(stripped), path.name
        assert load(stripped) == copy_parts._japanese_only(load(text)), path.name
        load_text(stripped, str(path))  # still valid (its title has no English now)


def test_a_source_invalid_in_itself_is_said_to_be_so_not_blamed_on_the_parts_left_out(app):
    """Mistakes of the source are the source's: only a copy that was valid with everything kept
    blames the parts left out."""
    from datetime import UTC, datetime

    from formsvc.db import database
    from formsvc.forms.models import FormWorkingCopy
    publish(app, "juminhyo-copy")
    text = (LIBRARY / "juminhyo-copy.yaml").read_text(encoding="utf-8")
    broken = text.replace("      en: Letter of authorisation\n    show_if: {field: requester, equals: agent}\n",
                          "      en: Letter of authorisation\n    show_if: {field: nobody, equals: agent}\n")
    assert broken != text
    now = datetime.now(UTC)
    with app.app_context(), database().transaction() as session:  # saved before a check got stricter
        session.add(FormWorkingCopy(form_id="juminhyo-copy", source=broken, checksum="x" * 64, based_on=None,
                                    created_at=now, updated_at=now, updated_by="kanri"))
    admin = admin_client(app)
    kept = [key for key in ALL if key not in ("fee", "english", "comments")]
    refused = copy(admin, "juminhyo-copy", "shomei-broken", keep=kept)
    assert refused.status_code == 400
    (message,) = summary_of(refused.text)
    assert message.startswith("複製元の定義が今の形式では正しくありません: "), message
    assert "nobody" in message and "外す部分を減らして" not in message
    assert 'id="source-error"' in refused.text and 'id="keep-error"' not in refused.text
    assert working_source(app, "shomei-broken") is None


def test_a_used_id_is_said_first_when_copying_and_when_creating(app):
    publish(app, "inu-touroku")
    admin = admin_client(app)
    # Leaving out the computed values alone would be refused too: the id is said, alone.
    used = copy(admin, "inu-touroku", "inu-touroku", keep=["pages", "fee", "documents"])
    assert used.status_code == 400
    assert summary_of(used.text) == ["手続きID「inu-touroku」はすでに使われています。別のIDにしてください"]
    created = submit(admin, "/admin/new", "/admin/new", {
        "template": "certificate", "form_id": "inu-touroku", "title_ja": "重複", "department": "市民課"})
    assert summary_of(created.text) == ["手続きID「inu-touroku」はすでに使われています。別のIDにしてください"]
