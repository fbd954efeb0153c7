"""A procedure offered in English (its title has `en`) needs English for every text a resident
sees (formsvc.definitions.checks.english_problems). The administrator's pages keep to it: a
change that leaves a text without English is refused with 「英語の訳がありません」 beside the
input for that English (never a 500), and a new procedure or a copy with an English title starts
complete."""

from __future__ import annotations

import re
from html import unescape

from formsvc.admin.yaml_edit import load
from formsvc.definitions.checks import MISSING_ENGLISH
from formsvc.definitions.loader import load_text
from tests.admin.support import (
    SAMPLE,
    admin_client,
    publish_sample,
    submit,
    summary_of,
    working_source,
)

ENGLISH_FORM = "english-sample"
ENGLISH = """\
id: english-sample
title: {ja: 見本の証明書交付申請, en: Sample certificate}
description: {ja: テスト用の手続きです。, en: A procedure for tests.}
department: {name: {ja: 市民課, en: Citizens Division}}
declaration: {ja: 上記の内容に相違ありません。, en: The above is true.}
next_steps: {ja: 審査の後、郵送します。, en: We will post it.}
retention: {years: 5}
pages:
  - id: applicant
    title: {ja: 申請者, en: Applicant}
    fields:
      - {type: name, id: name, label: {ja: 氏名, en: Name}}
"""
EDIT = f"/admin/forms/{ENGLISH_FORM}/edit"
PAGE = f"/admin/forms/{ENGLISH_FORM}/pages/applicant"
ADD_FIELD = f"{PAGE}/fields"


def error_beside(html: str, control: str) -> str:
    """The error message shown beside the input ``control`` ("" when there is none)."""
    found = re.search(rf'<p class="error-message" id="{re.escape(control)}-error">(.*?)</p>', html, flags=re.S)
    if not found:
        return ""
    text = re.sub(r'<span class="visually-hidden">.*?</span>', "", found.group(1))
    return unescape(re.sub(r"<[^>]+>", "", text)).strip().removeprefix("＊")


def described_by_its_error(html: str, control: str) -> bool:
    tag = re.search(rf'<(?:input|textarea)\b[^>]*\bid="{re.escape(control)}"[^>]*>', html)
    return bool(tag) and f"{control}-error" in tag.group(0) and 'aria-invalid="true"' in tag.group(0)


def english_client(app):
    publish_sample(app, ENGLISH, "english-sample.yaml")
    return admin_client(app)


def test_a_question_added_without_english_is_refused_beside_its_english_label(app):
    admin = english_client(app)
    refused = submit(admin, PAGE, ADD_FIELD, {"field_type": "text", "field_id": "purpose", "label_ja": "使いみち"})
    assert refused.status_code == 400
    assert error_beside(refused.text, "label_en") == MISSING_ENGLISH
    assert described_by_its_error(refused.text, "label_en")
    # The summary links to that input, and the YAML around it is shown as well.
    assert 'href="#label_en"' in refused.text
    assert any("英語の訳がありません" in line for line in summary_of(refused.text))
    assert "purpose" not in (working_source(app, ENGLISH_FORM) or "")
    added = submit(admin, PAGE, ADD_FIELD, {"field_type": "text", "field_id": "purpose", "label_ja": "使いみち",
                                            "label_en": "Purpose"})
    assert added.status_code == 302
    fields = load(working_source(app, ENGLISH_FORM))["pages"][0]["fields"]
    assert fields[-1] == {"type": "text", "id": "purpose", "label": {"ja": "使いみち", "en": "Purpose"}}


def test_guidance_added_needs_english_for_its_text_too(app):
    admin = english_client(app)
    refused = submit(admin, PAGE, ADD_FIELD, {"field_type": "guidance", "field_id": "about", "label_ja": "",
                                              "content": "平日に郵送します。"})
    assert refused.status_code == 400
    assert error_beside(refused.text, "content_en") == MISSING_ENGLISH
    added = submit(admin, PAGE, ADD_FIELD, {"field_type": "guidance", "field_id": "about", "label_ja": "",
                                            "content": "平日に郵送します。", "content_en": "We post it on weekdays."})
    assert added.status_code == 302
    written = load(working_source(app, ENGLISH_FORM))["pages"][0]["fields"][-1]
    assert written["content"] == {"ja": "平日に郵送します。", "en": "We post it on weekdays."}


def test_choices_without_english_are_refused_beside_the_choices_with_the_way_to_write_them(app):
    admin = english_client(app)
    refused = submit(admin, PAGE, ADD_FIELD, {"field_type": "radio", "field_id": "via", "label_ja": "申請する方",
                                              "label_en": "Who is applying", "choices": "self: 本人\nagent: 代理人"})
    assert refused.status_code == 400
    message = error_beside(refused.text, "choices")
    assert message.startswith("英語の訳がありません: 選択肢「本人」「代理人」の英語がありません")
    assert "label: {ja: 本人, en: …}" in message
    assert error_beside(refused.text, "label_en") == ""


def test_removing_a_questions_english_is_refused_on_its_page(app):
    admin = english_client(app)
    question = f"{PAGE}/fields/name"
    refused = submit(admin, question, question, {"label_en": "", "hint_ja": "戸籍のとおり"})
    assert refused.status_code == 400
    assert error_beside(refused.text, "label_en") == MISSING_ENGLISH
    assert error_beside(refused.text, "hint_en") == MISSING_ENGLISH
    assert working_source(app, ENGLISH_FORM) is None  # nothing saved


def test_a_page_and_the_procedures_texts_are_refused_beside_their_english(app):
    admin = english_client(app)
    page = submit(admin, PAGE, PAGE, {"title_en": "", "description_ja": "ご本人について"})
    assert page.status_code == 400
    assert error_beside(page.text, "title_en") == MISSING_ENGLISH
    assert error_beside(page.text, "description_en") == MISSING_ENGLISH
    added = submit(admin, EDIT, f"/admin/forms/{ENGLISH_FORM}/pages",
                   {"page_id": "contact", "page_title_ja": "連絡先", "kind": "question"})
    assert added.status_code == 400
    assert error_beside(added.text, "page_title_en") == MISSING_ENGLISH
    settings = submit(admin, EDIT, f"/admin/forms/{ENGLISH_FORM}/settings", {"department_en": ""})
    assert settings.status_code == 400
    assert error_beside(settings.text, "department_en") == MISSING_ENGLISH


def test_an_english_title_given_to_a_japanese_procedure_says_what_else_needs_english(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    edit = "/admin/forms/admin-sample/edit"
    refused = submit(admin, edit, "/admin/forms/admin-sample/settings", {"title_en": "Sample certificate"})
    assert refused.status_code == 400
    for control in ("description_en", "department_en", "fee_description_en"):
        assert error_beside(refused.text, control) == MISSING_ENGLISH, control
    # Texts on other pages of the editor are listed by where they are, in words.
    assert "ページ「申請者」の見出し: " + MISSING_ENGLISH in summary_of(refused.text)
    assert working_source(app, "admin-sample") is None


def test_a_new_procedure_with_an_english_title_starts_complete_in_english(app):
    admin = admin_client(app)
    without = submit(admin, "/admin/new", "/admin/new", {"form_id": "inkan-toroku", "title_ja": "印鑑登録",
                                                         "title_en": "Seal registration", "department": "市民課"})
    assert without.status_code == 400
    assert error_beside(without.text, "department_en").startswith("英語の訳がありません")
    created = submit(admin, "/admin/new", "/admin/new", {
        "form_id": "inkan-toroku", "title_ja": "印鑑登録", "title_en": "Seal registration",
        "department": "市民課", "department_en": "Citizens Division"})
    assert created.status_code == 302, created.text[:2000]
    source = working_source(app, "inkan-toroku")
    definition = load_text(source, "inkan-toroku.yaml").definition  # loads: every text has English
    assert definition.title.en == "Seal registration"
    assert definition.department.name.en == "Citizens Division"
    # Without English, the template stays Japanese only.
    plain = submit(admin, "/admin/new", "/admin/new", {"form_id": "jumin-toroku", "title_ja": "住民登録",
                                                       "department": "市民課"})
    assert plain.status_code == 302
    assert "en:" not in load_text(working_source(app, "jumin-toroku"), "j.yaml").source.split("pages:")[0]


def test_copying_a_japanese_procedure_under_an_english_title_is_refused_beside_it(app):
    publish_sample(app, SAMPLE)
    admin = admin_client(app)
    refused = submit(admin, "/admin/copy?source=admin-sample", "/admin/copy",
                     {"source": "admin-sample", "form_id": "admin-copy", "title_ja": "写し",
                      "title_en": "Copy"})
    assert refused.status_code == 400
    message = error_beside(refused.text, "title_en")
    assert message.startswith("英語の訳がありません: 複製元には英語の訳がない文が")
    assert "英語の手続き名を空にして複製し" in message and "5行14列 description" in message
    assert working_source(app, "admin-copy") is None
    copied = submit(admin, "/admin/copy?source=admin-sample", "/admin/copy",
                    {"source": "admin-sample", "form_id": "admin-copy", "title_ja": "写し"})
    assert copied.status_code == 302


def test_hostile_english_is_refused_like_none(app):
    admin = english_client(app)
    blank = submit(admin, PAGE, ADD_FIELD, {"field_type": "text", "field_id": "memo", "label_ja": "メモ",
                                            "label_en": "\u3000 "})
    assert blank.status_code == 400
    assert error_beside(blank.text, "label_en") == MISSING_ENGLISH
    control = submit(admin, PAGE, ADD_FIELD, {"field_type": "text", "field_id": "memo", "label_ja": "メモ",
                                              "label_en": "Memo\x00"})
    assert control.status_code == 400  # control characters are refused before any form reads them
