"""One procedure's page: its state, working copy, versions and history, and the buttons that
publish the working copy, discard it, archive the procedure and bring it back."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for

from formsvc.admin import editing, working_copies, yaml_edit
from formsvc.admin import forms as admin_forms
from formsvc.admin.diff import describe_changes
from formsvc.admin.views.common import ADMIN, RevisionForm, actor, blueprint, procedure_or_404, refused
from formsvc.admin.views.located import located_summary
from formsvc.admin.views.versions import definition_of, published_message, version_periods
from formsvc.admin.working_copies import NotAllowed, revision
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.forms import audit
from formsvc.forms.models import Form, FormWorkingCopy
from formsvc.forms.periods import japanese_datetime, moments_text
from formsvc.staff.auth import require_role


def procedure_page(form: Form, publish_form: admin_forms.PublishForm | None = None,
                    errors: list[tuple[str, str]] | None = None, located: list[DefinitionError] | None = None,
                    code: int = 200):
    session = db_session()
    copy = working_copies.working_copy(session, form.id)
    current = working_copies.current_version(form)
    changes: list[str] = []
    if copy is not None:
        new_definition = load_text(copy.source, working_copies.file_name(form.id)).definition
        if current is not None:
            old_definition = definition_of(current)
            changes = describe_changes(old_definition, new_definition, current.source, copy.source) \
                if old_definition else []
    versions = list(reversed(form.versions))
    return render_template(
        "admin/procedure.html", form=form, title=_title(form, copy), copy=copy, current=current,
        versions=versions, changes=changes, history=audit.history(session, form.id),
        publish_form=publish_form or admin_forms.PublishForm(),
        revision=revision(copy.source) if copy else "", errors=errors or [], located=located or [],
        never_published=not form.versions, periods=version_periods(form),
        pending_schedule=working_copies.pending_schedule(form),
        intake_moments=moments_text(form.opens_at, form.closes_at),
    ), code


def _title(form: Form, copy: FormWorkingCopy | None) -> str:
    if copy is not None:
        return editing.text_parts(yaml_edit.load(copy.source).get("title"))[0]
    version = working_copies.current_version(form)
    return editing.text_parts(version.document.get("title"))[0] if version else form.id


@blueprint.get("/forms/<form_id>")
@require_role(ADMIN)
def procedure(form_id: str):
    return procedure_page(procedure_or_404(form_id))


@blueprint.post("/forms/<form_id>/publish")
@require_role(ADMIN)
def publish(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    publish_form = admin_forms.PublishForm(request.form)
    copy = working_copies.working_copy(session, form_id)
    if copy is None or RevisionForm(request.form).revision.data != revision(copy.source):
        flash("下書きが別の画面で変更されたか、なくなりました。最新の内容を確認してから公開してください", "admin-error")
        return redirect(url_for("admin.procedure", form_id=form_id))
    if not publish_form.validate():
        return procedure_page(form, publish_form, admin_forms.error_summary(publish_form), code=400)
    try:
        version = working_copies.publish(session, form, actor(), publish_form.note.data,
                                         effective_at=publish_form.effective_at())
    except NotAllowed as refusal:
        return refused(refusal.message, url_for("admin.procedure", form_id=form_id))
    except DefinitionInvalid as invalid:
        session.rollback()
        return procedure_page(form, publish_form, located_summary(invalid.errors), invalid.errors, code=400)
    session.commit()
    if version is None:
        flash("下書きは公開中の版と同じ内容のため、新しい版は作らずに下書きを閉じました", "admin")
    elif version.effective_at is not None:
        flash(f"第{version.number}版の公開を予約しました。{japanese_datetime(version.effective_at)}から"
              "住民の方はこの版を使います（それまでは今の版のままです）。取り消すには版の一覧の"
              "「予約を取り消す」を押してください", "admin")
    else:
        flash(published_message(form, version), "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


def _simple_action(form_id: str, action: Callable[[Form], None], done: str):
    session = db_session()
    form = procedure_or_404(form_id)
    try:
        action(form)
    except NotAllowed as refusal:
        return refused(refusal.message, url_for("admin.procedure", form_id=form_id))
    session.commit()
    flash(done, "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


@blueprint.post("/forms/<form_id>/versions/<id:number>/cancel-schedule")
@require_role(ADMIN)
def cancel_schedule(form_id: str, number: int):
    return _simple_action(form_id, lambda form: working_copies.cancel_schedule(db_session(), form, number, actor()),
                          f"第{number}版の公開予約を取り消しました。その内容は下書きに戻しました（下書きがあったときはそのままです）")


@blueprint.post("/forms/<form_id>/discard")
@require_role(ADMIN)
def discard(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.discard(db_session(), form, actor()),
                          "下書きを破棄しました。公開中の版は変わりません")


@blueprint.post("/forms/<form_id>/archive")
@require_role(ADMIN)
def archive(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.archive(db_session(), form, actor()),
                          "アーカイブしました。住民の方はこの手続きを新しく始められません")


@blueprint.post("/forms/<form_id>/restore")
@require_role(ADMIN)
def restore(form_id: str):
    return _simple_action(form_id, lambda form: working_copies.restore(db_session(), form, actor()),
                          "アーカイブから戻しました")
