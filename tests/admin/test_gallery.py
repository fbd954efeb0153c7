"""A new procedure from the template gallery (ひな形): every template creates a valid draft,
in Japanese only unless an English title asks for English, and previews to its check page."""

from __future__ import annotations

import re

import pytest

from formsvc.admin import gallery
from formsvc.admin.yaml_edit import load
from formsvc.definitions.loader import load_text
from formsvc.forms.models import Form
from tests.admin.support import admin_client, events, form_values, submit, summary_of, text_of, working_source
from tests.applicant import Applicant, csrf_token

TEMPLATE_IDS = [template.id for template in gallery.TEMPLATES]


def test_the_template_files_are_valid_definitions_with_english_everywhere():
    """What `formsvc validate` checks, English completeness included (their titles have English)."""
    assert TEMPLATE_IDS == ["blank", "certificate", "notification", "subsidy", "reservation", "survey"]
    for template in gallery.TEMPLATES:
        text = template.file.read_text(encoding="utf-8")
        definition = load_text(text, str(template.file)).definition
        assert definition.title.en, template.id
        assert not [line for line in text.splitlines() if line.lstrip().startswith("#")], template.id


def test_the_new_page_offers_each_template_with_what_it_contains(app):
    admin = admin_client(app)
    page = admin.get("/admin/new")
    assert page.status_code == 200
    assert '<fieldset class="fieldset" id="template"' in page.text and "ひな形" in page.text
    shown = text_of(page.text)
    for template in gallery.TEMPLATES:
        assert f'id="template-{template.id}" name="template" value="{template.id}"' in page.text
        assert template.name in shown and template.description in shown
    assert form_values(page.text, "/admin/new")["template"] == "blank"  # chosen unless changed
    assert "ひな形から新しい手続きを作る" in text_of(admin.get("/admin/").text)


@pytest.mark.parametrize("template", TEMPLATE_IDS)
def test_every_template_creates_a_japanese_draft_that_previews_to_its_check_page(app, template):
    admin = admin_client(app)
    form_id = f"gallery-{template}"
    created = submit(admin, "/admin/new", "/admin/new", {
        "template": template, "form_id": form_id, "title_ja": "テストの手続き", "department": "市民課"})
    assert created.status_code == 302, summary_of(created.text)
    source = working_source(app, form_id)
    definition = load_text(source, f"{form_id}.yaml").definition
    assert definition.id == form_id and definition.title.ja == "テストの手続き" and definition.title.en is None
    assert load(source)["department"] == {"name": "市民課"}
    # No English nobody asked for, no notes for developers.
    assert not re.search(r"[\s{,]en:", source) and "#" not in source
    assert events(app, form_id)[0][0] == "created"
    history = text_of(admin.get(f"/admin/forms/{form_id}").text)
    assert f"新しく作成（ひな形: {gallery.template(template).name}）" in history

    check = Applicant(admin, app, form_id, prefix="/admin/preview", on_definition=definition).apply()
    assert check.status_code == 200 and "申請内容の確認" in check.text, check.text[:2000]
    finished = admin.post(f"/admin/preview/forms/{form_id}/check", data={"csrf_token": csrf_token(check.text)})
    assert "プレビューを終了しました" in finished.text


def test_a_template_with_an_english_title_is_complete_in_english(app):
    admin = admin_client(app)
    created = submit(admin, "/admin/new", "/admin/new", {
        "template": "certificate", "form_id": "inkan-shomei", "title_ja": "印鑑登録証明書の交付請求",
        "title_en": "Request for a seal registration certificate", "department": "市民課",
        "department_en": "Citizens Division"})
    assert created.status_code == 302, summary_of(created.text)
    definition = load_text(working_source(app, "inkan-shomei"), "inkan-shomei.yaml").definition
    assert definition.title.en == "Request for a seal registration certificate"
    assert definition.department.name.en == "Citizens Division"
    assert definition.fee is not None and definition.fee.description.en == "300 yen per copy"
    assert [document.name.ja for document in definition.documents] == [
        "本人確認書類（マイナンバーカード、運転免許証、パスポートなど）", "委任状"]
    overview = admin.get(created.location)
    assert overview.status_code == 200


def test_the_chosen_template_is_named_when_the_draft_is_created(app):
    admin = admin_client(app)
    created = submit(admin, "/admin/new", "/admin/new", {
        "template": "survey", "form_id": "shimin-anketo", "title_ja": "市民アンケート", "department": "広報課"})
    assert created.status_code == 302
    assert "ひな形「アンケート」から手続き「市民アンケート」を下書きとして作成しました" in text_of(
        admin.get(created.location).text)
    definition = load_text(working_source(app, "shimin-anketo"), "shimin-anketo.yaml").definition
    assert definition.authentication == "none" and definition.fee is None and not definition.documents


@pytest.mark.parametrize("forged", ["../../etc/passwd", "", "blank\x00", "x" * 5000, "BLANK"])
def test_a_forged_template_is_refused_in_japanese(app, forged):
    admin = admin_client(app)
    refused = submit(admin, "/admin/new", "/admin/new", {
        "template": forged, "form_id": "forged-one", "title_ja": "偽の手続き", "department": "市民課"})
    assert refused.status_code == 400
    if "\x00" in forged:  # refused before any form reads it (formsvc.request_guard)
        assert "使用できない文字（制御文字）が含まれていた" in refused.text
    else:
        assert summary_of(refused.text) == ["ひな形を選んでください"]
        assert 'id="template-error"' in refused.text  # beside the choices, linked from the summary
    with app.app_context():
        from formsvc.db import session as db_session
        assert db_session().get(Form, "forged-one") is None


def _template(template_id: str):
    file = gallery.template(template_id).file
    return load_text(file.read_text(encoding="utf-8"), str(file)).definition


def _fields(definition):
    return {field.id: (page, field) for page in definition.pages for field in page.fields}


def test_the_certificate_template_asks_what_its_notes_promise():
    definition = _template("certificate")
    # Paid online by default: the payment words say so, and the counter pays at the counter.
    assert definition.fee.online_payment
    assert "オンラインで申請する場合は、申請の最後にクレジットカードまたはコンビニ払い" in definition.fee.payment.ja
    assert "定額小為替" not in definition.fee.payment.ja
    fields = _fields(definition)
    # Which certificate, and the representative's address.
    page, kind = fields["certificate_type"]
    assert kind.label.ja == "必要な証明書" and len(kind.choices) >= 4
    assert {"agent_postal_code", "agent_address"} <= set(fields)
    assert fields["agent_address"][0].id == "agent"
    applicant_page = fields["applicant_name"][0]
    assert "ご本人が請求する場合は、あなた自身の情報です" in applicant_page.description.ja
    # By post, the copy of the proof of identity the documents ask for can be attached.
    page, copy = fields["id_document_copy"]
    assert copy.type == "file" and copy.label.ja == "本人確認書類の写し"
    shown_if = copy.show_if or page.show_if
    assert (shown_if.field, shown_if.equals) == ("receive_method", "mail")


def test_the_notification_template_lets_the_proof_of_identity_be_attached():
    definition = _template("notification")
    assert any("写し" in (document.note.ja if document.note else "") for document in definition.documents)
    _, copy = _fields(definition)["id_document_copy"]
    assert copy.type == "file" and copy.label.ja == "本人確認書類の写し" and copy.required is False
    assert "マイナンバーカードでログインして届け出た場合は不要です" in copy.hint.ja


def test_the_subsidy_template_says_what_the_subsidy_is():
    definition = _template("subsidy")
    assert definition.description.ja.endswith(
        "補助金の額は、補助の対象となる経費の2分の1（上限10万円、千円未満切り捨て）です。")
    assert "half of the eligible costs" in definition.description.en and "1,000 yen" in definition.description.en
