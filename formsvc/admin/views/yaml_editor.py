"""The YAML view: the whole definition as text, saved to the working copy when it is valid.

A refused text is shown again as typed, its errors beside their lines; so is a text whose CSRF
token was refused (formsvc.errors.redisplays_on_csrf_failure), which is then not saved.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from formsvc.admin import forms as admin_forms
from formsvc.admin import working_copies
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.admin.views.located import listing, located_summary
from formsvc.admin.working_copies import NotAllowed, revision
from formsvc.db import session as db_session
from formsvc.definitions.errors import DefinitionError, DefinitionInvalid
from formsvc.errors import csrf_refused, redisplays_on_csrf_failure
from formsvc.staff.auth import require_role


@blueprint.route("/forms/<form_id>/yaml", methods=["GET", "POST"])
@redisplays_on_csrf_failure
@require_role(ADMIN)
def yaml_source(form_id: str):
    session = db_session()
    form = procedure_or_404(form_id)
    current_source = working_copies.editable_source(session, form)
    yaml_form = admin_forms.YamlForm(request.form if request.method == "POST" else None)
    located: list[DefinitionError] = []
    problems: list[tuple[str, str]] = []
    if request.method == "GET":
        yaml_form.source.data = current_source
        yaml_form.revision.data = revision(current_source)
    elif csrf_refused():
        problems = [("ページの有効期限が切れたため、保存していません。"
                     "入力した内容を確かめて、もう一度「下書きとして保存する」を押してください", "source")]
        yaml_form.revision.data = revision(current_source)
    else:
        typed = (yaml_form.source.data or "").replace("\r\n", "\n")
        yaml_form.source.data = typed
        if yaml_form.revision.data != revision(current_source):
            problems = [("この定義は、この画面を開いた後に別の画面で変更されました。入力した内容は保存していません。"
                         "下の「保存されている内容」と見比べて、入力し直してください", "source")]
        else:
            try:
                working_copies.save(session, form, typed, actor(), change="YAMLで編集")
            except NotAllowed as refused:
                session.rollback()
                problems = [(refused.message, "source")]
            except DefinitionInvalid as invalid:
                session.rollback()
                located = invalid.errors
                problems = located_summary(located)
            else:
                session.commit()
                flash("下書きを保存しました（まだ公開していません）", "admin")
                return redirect(url_for("admin.yaml_source", form_id=form_id))
    stale = bool(problems) and not located and yaml_form.source.data != current_source
    return render_template(
        "admin/yaml.html", form=form, yaml_form=yaml_form, errors=problems, located=located,
        sections=listing(yaml_form.source.data or "", located, context=3) if located else [],
        stored=current_source if stale else None,
        has_copy=working_copies.working_copy(session, form_id) is not None,
    ), 400 if problems else 200
