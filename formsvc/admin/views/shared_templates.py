"""Shared templates (共有テンプレート) for a municipality's administrator (/admin/shared-templates).

The operator offers some of the deployment's own procedures as templates
(formsvc.forms.templates_shared). An administrator adopts one: a procedure of the municipality,
``<slug>-<template id>``, starts as a working copy of the template's version in effect (its
``id:`` rewritten), to adapt and publish with the usual editor. When the operator publishes a
newer version of the template, the procedure's page says so (「共有テンプレートが更新されました」)
with a link to what changed between the two versions, until the administrator marks it seen.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from formsvc.admin import editing, working_copies, yaml_edit
from formsvc.admin.diff import describe_changes, source_diff
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404, refused
from formsvc.admin.views.located import first_errors
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.schema import FormDefinition
from formsvc.forms import templates_shared
from formsvc.forms.audit import record_event
from formsvc.forms.models import Form, FormWorkingCopy
from formsvc.request_guard import database_integer
from formsvc.staff.auth import require_role
from formsvc.tenants.context import all_municipalities
from formsvc.tenants.resolution import current_tenant

MAX_FORM_ID = 64


@blueprint.context_processor
def _template_change():
    """For the procedure's page (templates/admin/_template_change.html)."""
    return {"template_change": lambda form_id: templates_shared.pending_change(db_session(), form_id)}


def adopted_id(template_id: str) -> str:
    """The id a template gets in the current municipality."""
    return f"{current_tenant().slug}-{template_id}"


def _id_taken(form_id: str) -> bool:
    # Procedure ids are unique across municipalities: asked of all of them (a count, nothing read).
    with all_municipalities(), db_session().no_autoflush:
        return bool(db_session().scalar(select(func.count()).select_from(Form).where(Form.id == form_id)))


@blueprint.get("/shared-templates")
@require_role(ADMIN)
def shared_templates():
    session = db_session()
    rows = []
    for info in templates_shared.templates(session):
        own_id = adopted_id(info.id)
        own = session.get(Form, own_id)
        rows.append((info, own_id, own))
    return render_template("admin/shared_templates.html", rows=rows)


@blueprint.post("/shared-templates/<template_id>/adopt")
@require_role(ADMIN)
def adopt_template(template_id: str):
    session = db_session()
    info = templates_shared.template(session, template_id)
    if info is None:
        abort(404)
    back = url_for("admin.shared_templates")
    new_id = adopted_id(template_id)
    if len(new_id) > MAX_FORM_ID:
        return refused(f"手続きID「{new_id}」が{MAX_FORM_ID}文字を超えるため取り込めません。"
                       "運営者に連絡してください", back)
    if session.get(Form, new_id) is not None:
        return refused(f"「{info.title}」はすでに取り込んでいます（手続きID「{new_id}」）", back)
    if _id_taken(new_id):
        return refused(f"手続きID「{new_id}」はほかで使われているため取り込めません。運営者に連絡してください", back)
    version = templates_shared.template_version(session, template_id, info.version)
    if version is None:
        abort(404)
    try:
        text = editing.rename(version.source, new_id, yaml_edit.load(version.source).get("title"))
        loaded = working_copies.check_source(text, new_id)
    except DefinitionInvalid as invalid:
        return refused("共有テンプレートを取り込めませんでした: " + first_errors(invalid.errors), back)
    now, who = utcnow(), actor()
    session.add(Form(id=new_id, state="draft", created_at=now, updated_at=now, updated_by=who))
    session.flush()
    session.add(FormWorkingCopy(form_id=new_id, source=text, checksum=loaded.checksum, based_on=None,
                                created_at=now, updated_at=now, updated_by=who))
    session.add(templates_shared.TemplateAdoption(
        form_id=new_id, template_form_id=template_id, adopted_version=version.number,
        seen_version=version.number, adopted_by=who, adopted_at=now))
    record_event(session, new_id, "created", who, template=f"共有テンプレート「{info.title}」第{version.number}版")
    session.commit()
    flash(f"共有テンプレート「{info.title}」を取り込み、手続き「{new_id}」を下書きとして作成しました。"
          "内容を確かめ、必要なら直してから公開してください", "admin")
    return redirect(url_for("admin.procedure", form_id=new_id))


def _definition(document: dict) -> FormDefinition | None:
    try:
        return FormDefinition.model_validate(document)
    except ValueError:
        return None  # written for an older schema: only the text diff


@blueprint.get("/shared-templates/<template_id>/diff")
@require_role(ADMIN)
def shared_template_diff(template_id: str):
    session = db_session()
    info = templates_shared.template(session, template_id)
    if info is None:
        abort(404)
    # Without a choice: the version before the latest against the latest.
    to = database_integer(request.args.get("to") or str(info.version))
    start = database_integer(request.args["from"]) if request.args.get("from") else (
        max(1, to - 1) if to is not None else None)
    if start is None or to is None:
        abort(404)
    old = templates_shared.template_version(session, template_id, start)
    new = templates_shared.template_version(session, template_id, to)
    if old is None or new is None:
        abort(404)
    old_name, new_name = f"第{old.number}版", f"第{new.number}版"
    old_definition, new_definition = _definition(old.document), _definition(new.document)
    sentences = describe_changes(old_definition, new_definition, old.source, new.source) \
        if old_definition is not None and new_definition is not None else None
    comparison = {"old": old_name, "new": new_name, "sentences": sentences,
                  "lines": source_diff(old.source, new.source, old_name, new_name)}
    procedure = request.args.get("procedure", "")
    own = session.get(Form, procedure) if procedure else None  # the page to go back to, if it is ours
    return render_template("admin/shared_template_diff.html", info=info, comparison=comparison,
                           procedure=own.id if own is not None else None)


@blueprint.post("/forms/<form_id>/template-seen")
@require_role(ADMIN)
def template_seen(form_id: str):
    session = db_session()
    procedure_or_404(form_id)
    change = templates_shared.pending_change(session, form_id)
    typed = database_integer(request.form.get("version"))
    if change is not None and typed is not None:
        # The version the page showed (a newer one published since stays to be seen).
        number = min(typed, change.latest)
        if templates_shared.mark_seen(session, form_id, number):
            session.commit()
            flash(f"共有テンプレートの第{number}版を確認済みにしました", "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))
