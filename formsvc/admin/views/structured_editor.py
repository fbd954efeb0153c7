"""The structured editor: the procedure's settings and its pages, changed through forms
instead of YAML (the questions of a page: formsvc.admin.views.question_editor).

Each change is made on the editable source's text (comments kept, formsvc.admin.editing) and
saved to the working copy only when the result is valid; a refused one shows its errors, and
where they are in the text, on the page it was made from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Form as WTForm

from formsvc.admin import describe, editing, working_copies, yaml_edit
from formsvc.admin import forms as admin_forms
from formsvc.admin.views.common import ADMIN, RevisionForm, actor, blueprint, procedure_or_404
from formsvc.admin.views.located import listing, located_summary
from formsvc.admin.working_copies import NotAllowed, revision
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition, Page
from formsvc.forms.models import Form
from formsvc.staff.auth import require_role

# The move buttons of pages and questions: (step, words for the history).
MOVES = {"up": (-1, "上へ移動"), "down": (1, "下へ移動")}


# --- making a change ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """A structured change that was not saved: the form-level errors or the located ones."""

    summary: list[tuple[str, str]]
    located: list[DefinitionError]
    text: str


def apply_change(form: Form, submitted_revision: str | None, change: Callable[[str], str],
                 words: str) -> Refusal | None:
    """Apply ``change`` to the editable source and save it; a Refusal when it cannot be saved."""
    session = db_session()
    source = working_copies.editable_source(session, form)
    if submitted_revision != revision(source):
        return Refusal([("この定義は、この画面を開いた後に別の画面で変更されました。"
                         "最新の内容を確かめて、もう一度操作してください", "main")], [], source)
    try:
        new_source = change(source)
    except editing.EditError as refused:
        return Refusal([(refused.message, "main")], [], source)
    try:
        working_copies.save(session, form, new_source, actor(), change=words)
    except NotAllowed as refused:
        session.rollback()
        return Refusal([(refused.message, "main")], [], source)
    except DefinitionInvalid as invalid:
        session.rollback()
        return Refusal(located_summary(invalid.errors), invalid.errors, new_source)
    session.commit()
    flash(f"{words}。下書きに保存しました（まだ公開していません）", "admin")
    return None


def shown_errors(refusal: Refusal | None, *forms: WTForm | None) -> dict[str, Any]:
    """A page's errors: the refused change's (with the text around the located ones), else the forms' own."""
    if refusal is None:
        return {"errors": admin_forms.error_summary(*(form for form in forms if form is not None)),
                "located": [], "sections": []}
    return {"errors": refusal.summary, "located": refusal.located,
            "sections": listing(refusal.text, refusal.located, context=2) if refusal.located else []}


def current(form: Form) -> tuple[str, dict, FormDefinition]:
    """The editable source, its YAML data and its definition."""
    source = working_copies.editable_source(db_session(), form)
    return source, yaml_edit.load(source), load_text(source, working_copies.file_name(form.id)).definition


def editable_procedure(form_id: str) -> Form | Response:
    """The procedure, or the way back to its page when it is archived (and so not editable)."""
    form = procedure_or_404(form_id)
    if form.state == "archived":
        flash("アーカイブ中の手続きは編集できません。先にアーカイブから戻してください", "admin-error")
        return redirect(url_for("admin.procedure", form_id=form.id))
    return form


def page_or_404(definition: FormDefinition, page_id: str) -> Page:
    page = definition.page_by_id(page_id)
    if page is None:
        abort(404)
    return page


def condition_choices(condition_form: Any, definition: FormDefinition, before_page: str) -> None:
    """Questions a condition may read: answers on earlier pages, outside repeating pages."""
    choices = [("", "選んでください")]
    for page in definition.pages:
        if page.id == before_page:
            break
        if page.repeat is not None:
            continue
        choices.extend((spec.id, f"{describe.text(spec.label)}（{describe.text(page.title)}）")
                       for spec in page.fields if spec.has_answer)
    condition_form.condition_field.choices = admin_forms.options(choices)


# --- the procedure's settings and its list of pages -----------------------------------------------

def _edit_page(form: Form, procedure_form: admin_forms.ProcedureForm | None = None,
               add_page_form: admin_forms.AddPageForm | None = None, refusal: Refusal | None = None,
               code: int = 200):
    source, data, definition = current(form)
    if procedure_form is None:
        title_ja, title_en = editing.text_parts(data.get("title"))
        description_ja, description_en = editing.text_parts(data.get("description"))
        department = editing.text_parts((data.get("department") or {}).get("name"))[0]
        procedure_form = admin_forms.ProcedureForm(
            data={"revision": revision(source), "title_ja": title_ja, "title_en": title_en,
                  "description_ja": description_ja, "description_en": description_en, "department": department,
                  **admin_forms.fee_form_values(data.get("fee"))})
    procedure_form.revision.data = revision(source)
    _number_field_choices(procedure_form, definition)
    page_rows = [(page, [describe.text(spec.label) if spec.label else spec.id for spec in page.fields])
                 for page in definition.pages]
    return render_template(
        "admin/edit.html", form=form, definition=definition, procedure_form=procedure_form,
        add_page_form=add_page_form or admin_forms.AddPageForm(), page_rows=page_rows, revision=revision(source),
        **shown_errors(refusal, procedure_form, add_page_form),
        has_copy=working_copies.working_copy(db_session(), form.id) is not None,
        fee_words=describe.expression(definition.fee.amount, definition, money=True) if definition.fee else None,
    ), code


def _number_field_choices(procedure_form: admin_forms.ProcedureForm, definition: FormDefinition) -> None:
    procedure_form.fee_field.choices = admin_forms.options([("", "選んでください")] + [
        (spec.id, f"{describe.text(spec.label)}（{spec.id}）") for page in definition.pages
        if page.repeat is None for spec in page.fields if spec.quantity])


@blueprint.get("/forms/<form_id>/edit")
@require_role(ADMIN)
def edit(form_id: str):
    form = editable_procedure(form_id)
    return form if isinstance(form, Response) else _edit_page(form)


@blueprint.post("/forms/<form_id>/settings")
@require_role(ADMIN)
def settings(form_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    procedure_form = admin_forms.ProcedureForm(request.form)
    _number_field_choices(procedure_form, definition)
    if not procedure_form.validate():
        return _edit_page(form, procedure_form, code=400)

    def change(source: str) -> str:
        source = editing.update_procedure(source, procedure_form.changes())
        source = yaml_edit.set_value(source, ("department", "name"), (procedure_form.department.data or "").strip())
        description = editing.text_value(procedure_form.fee_description.data or "")
        if procedure_form.fee_kind.data == "keep":
            if "fee" in yaml_edit.load(source):
                source = editing.update_fee(source, yaml_edit.load(source)["fee"]["amount"], description)
            return source
        return editing.update_fee(source, procedure_form.fee_expression(), description)

    refusal = apply_change(form, procedure_form.revision.data, change, "手続きの基本情報を変更")
    if refusal is not None:
        return _edit_page(form, procedure_form, refusal=refusal, code=400)
    return redirect(url_for("admin.edit", form_id=form_id))


@blueprint.post("/forms/<form_id>/pages")
@require_role(ADMIN)
def add_page(form_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    page_form = admin_forms.AddPageForm(request.form)
    if not page_form.validate():
        return _edit_page(form, add_page_form=page_form, code=400)
    title_ja = (page_form.page_title_ja.data or "").strip()
    title = editing.text_value(title_ja, page_form.page_title_en.data or "")
    page_id = (page_form.page_id.data or "").strip()
    refusal = apply_change(form, RevisionForm(request.form).revision.data,
                           lambda source: editing.add_page(source, page_id, title, page_form.kind.data),
                           f"ページ「{title_ja}」を追加")
    if refusal is not None:
        return _edit_page(form, add_page_form=page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))


@blueprint.post("/forms/<form_id>/pages/<page_id>/<action>")
@require_role(ADMIN)
def page_action(form_id: str, page_id: str, action: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    _, _, definition = current(form)
    page = page_or_404(definition, page_id)
    if action not in (*MOVES, "delete"):
        abort(404)
    name = describe.text(page.title)
    if action == "delete":
        def change(source: str) -> str:
            return editing.remove_page(source, page_id)

        words = f"ページ「{name}」を削除"
    else:
        step, verb = MOVES[action]

        def change(source: str) -> str:
            return editing.move_page(source, page_id, step)

        words = f"ページ「{name}」を{verb}"
    refusal = apply_change(form, RevisionForm(request.form).revision.data, change, words)
    if refusal is not None:
        return _edit_page(form, refusal=refusal, code=400)
    return redirect(url_for("admin.edit", form_id=form_id) + f"#page-{page_id}")


# --- one page ---------------------------------------------------------------------------------------

def page_editor(form: Form, page_id: str, page_form: admin_forms.PageForm | None = None,
                add_field_form: admin_forms.AddFieldForm | None = None, refusal: Refusal | None = None,
                code: int = 200):
    """The page's editor: its title, description and condition, its questions and a new one."""
    source, data, definition = current(form)
    page = page_or_404(definition, page_id)
    if page_form is None:
        raw = data["pages"][editing.page_index(data, page_id)]
        title_ja, title_en = editing.text_parts(raw.get("title"))
        description_ja, description_en = editing.text_parts(raw.get("description"))
        page_form = admin_forms.PageForm(data={
            "title_ja": title_ja, "title_en": title_en, "description_ja": description_ja,
            "description_en": description_en, **admin_forms.condition_form_values(raw.get("show_if"))})
    page_form.revision.data = revision(source)
    condition_choices(page_form, definition, before_page=page_id)
    return render_template(
        "admin/page.html", form=form, definition=definition, page=page, page_form=page_form,
        add_field_form=add_field_form or admin_forms.AddFieldForm(), revision=revision(source),
        condition_words=describe.condition(page.show_if, definition),
        **shown_errors(refusal, page_form, add_field_form),
    ), code


@blueprint.route("/forms/<form_id>/pages/<page_id>", methods=["GET", "POST"])
@require_role(ADMIN)
def page(form_id: str, page_id: str):
    form = editable_procedure(form_id)
    if isinstance(form, Response):
        return form
    if request.method == "GET":
        return page_editor(form, page_id)
    _, _, definition = current(form)
    page_or_404(definition, page_id)
    page_form = admin_forms.PageForm(request.form)
    condition_choices(page_form, definition, before_page=page_id)
    if not page_form.validate():
        return page_editor(form, page_id, page_form, code=400)
    try:
        condition = page_form.condition(definition)
    except editing.ConditionInvalid as invalid:
        page_form.condition_value.errors = [str(invalid)]
        return page_editor(form, page_id, page_form, code=400)
    title_ja = page_form.title_ja.data or ""
    changes = {"title": editing.text_value(title_ja, page_form.title_en.data or ""),
               "description": editing.text_value(page_form.description_ja.data or "",
                                                 page_form.description_en.data or "")}
    if condition != "keep":
        changes["show_if"] = condition
    refusal = apply_change(form, page_form.revision.data,
                           lambda source: editing.update_page(source, page_id, changes),
                           f"ページ「{title_ja.strip()}」を変更")
    if refusal is not None:
        return page_editor(form, page_id, page_form, refusal=refusal, code=400)
    return redirect(url_for("admin.page", form_id=form_id, page_id=page_id))
