"""A procedure's published versions: one version's text, the differences between any two
(the working copy included), and publishing an old version's content again (rollback)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from formsvc.admin import forms as admin_forms
from formsvc.admin import working_copies
from formsvc.admin.diff import describe_changes, source_diff
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.admin.views.located import first_errors, listing
from formsvc.admin.working_copies import NotAllowed
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.definitions.loader import load_text
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.models import Form, FormVersion
from formsvc.staff.auth import require_role


def definition_of(version: FormVersion) -> FormDefinition | None:
    try:
        return load_text(version.source, version.source_file or "").definition
    except DefinitionInvalid:
        return None  # written for an older schema: only the text diff can be shown


def _version_or_404(form: Form, number: int) -> FormVersion:
    found = form.version(number)
    if found is None:
        abort(404)
    return found


def _version_page(form: Form, version: FormVersion, rollback_form: admin_forms.PublishForm, code: int = 200):
    return render_template("admin/version.html", form=form, version=version, rollback_form=rollback_form,
                           lines=listing(version.source, [])[0], errors=admin_forms.error_summary(rollback_form)), code


@blueprint.get("/forms/<form_id>/versions/<int:number>")
@require_role(ADMIN)
def version(form_id: str, number: int):
    form = procedure_or_404(form_id)
    return _version_page(form, _version_or_404(form, number), admin_forms.PublishForm())


@blueprint.post("/forms/<form_id>/versions/<int:number>/rollback")
@require_role(ADMIN)
def rollback(form_id: str, number: int):
    session = db_session()
    form = procedure_or_404(form_id)
    found = _version_or_404(form, number)
    note_form = admin_forms.PublishForm(request.form)
    if not note_form.validate():
        return _version_page(form, found, note_form, code=400)
    try:
        created = working_copies.rollback(session, form, number, actor(), note_form.note.data)
    except NotAllowed as refused:
        session.rollback()
        flash(refused.message, "admin-error")
        return redirect(url_for("admin.version", form_id=form_id, number=number))
    except DefinitionInvalid as invalid:
        session.rollback()
        flash(f"第{number}版は今の定義の形式では正しくないため、戻せません: " + first_errors(invalid.errors),
              "admin-error")
        return redirect(url_for("admin.version", form_id=form_id, number=number))
    session.commit()
    flash(f"第{number}版の内容を第{created.number}版として公開しました", "admin")
    return redirect(url_for("admin.procedure", form_id=form_id))


@blueprint.get("/forms/<form_id>/diff")
@require_role(ADMIN)
def diff(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    copy = working_copies.working_copy(session, form_id)
    pairs = [(str(v.number), f"第{v.number}版") for v in reversed(form.versions)]
    if copy is not None:
        pairs.insert(0, ("working", "下書き（未公開）"))
    choices = admin_forms.options(pairs)
    numbers = {choice.value for choice in choices}
    current = working_copies.current_version(form)
    default_to = "working" if copy is not None else (str(form.latest.number) if form.latest else "")
    to = request.args.get("to") or default_to
    default_from = str(current.number) if current and to == "working" else (
        str(int(to) - 1) if to.isdigit() and int(to) > 1 else "")
    start = request.args.get("from") or default_from
    if (start and start not in numbers) or (to and to not in numbers):
        abort(404)

    def side(key: str) -> tuple[str, str, FormDefinition | None]:
        if key == "working" and copy is not None:
            return "下書き", copy.source, load_text(copy.source, working_copies.file_name(form_id)).definition
        found = _version_or_404(form, int(key))
        return f"第{found.number}版", found.source, definition_of(found)

    comparison = None
    if start and to:
        old_name, old_source, old_definition = side(start)
        new_name, new_source, new_definition = side(to)
        sentences = describe_changes(old_definition, new_definition) \
            if old_definition is not None and new_definition is not None else None
        comparison = {"old": old_name, "new": new_name, "sentences": sentences,
                      "lines": source_diff(old_source, new_source, old_name, new_name)}
    return render_template("admin/diff.html", form=form, choices=choices, start=start, to=to,
                           comparison=comparison)
