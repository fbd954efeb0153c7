"""The list of procedures, and new ones: created from a template of the gallery (ひな形), or
copied from another procedure keeping the parts the administrator chooses."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from formsvc.admin import copy_parts, editing, gallery, working_copies
from formsvc.admin import forms as admin_forms
from formsvc.admin.procedure_forms import GalleryCreateForm, PartsCopyForm
from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.admin.views.located import first_errors
from formsvc.admin.working_copies import NotAllowed, SourceInvalid
from formsvc.db import session as db_session
from formsvc.definitions.checks import MISSING_ENGLISH
from formsvc.definitions.errors import DefinitionInvalid
from formsvc.staff.auth import require_role


@blueprint.get("/")
@require_role(ADMIN)
def index():
    return render_template("admin/index.html", rows=working_copies.procedures(db_session()))


@blueprint.route("/new", methods=["GET", "POST"])
@require_role(ADMIN)
def new():
    form = GalleryCreateForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        title = (form.title_ja.data or "").strip()
        try:
            created = working_copies.create(
                db_session(), (form.form_id.data or "").strip(),
                editing.text_value(form.title_ja.data or "", form.title_en.data or ""),
                editing.text_value(form.department.data or "", form.department_en.data or ""), actor(),
                template=form.template.data or gallery.DEFAULT)
        except NotAllowed as refused:
            db_session().rollback()
            form.form_id.errors = [refused.message]
        except DefinitionInvalid as invalid:
            # Not expected from the template and the form's own checks; shown, never a 500.
            db_session().rollback()
            form.title_ja.errors = ["ひな形から手続きを作れませんでした: " + first_errors(invalid.errors)]
        else:
            db_session().commit()
            chosen = gallery.template(form.template.data or gallery.DEFAULT)
            base = f"ひな形「{chosen.name}」から" if chosen is not None and chosen.id != gallery.DEFAULT else ""
            flash(f"{base}手続き「{title}」を下書きとして作成しました。内容を編集してから公開してください",
                  "admin")
            return redirect(url_for("admin.edit", form_id=created.id))
    problems = admin_forms.error_summary(form)
    return render_template("admin/new.html", form=form, errors=problems,
                           templates=gallery.TEMPLATES), 400 if problems else 200


@blueprint.route("/copy", methods=["GET", "POST"])
@require_role(ADMIN)
def copy():
    session = db_session()
    form = PartsCopyForm(request.form if request.method == "POST" else None, source=request.args.get("source"))
    form.source.choices = admin_forms.options((row.form.id, f"{row.title}（{row.form.id}）")
                                              for row in working_copies.procedures(session))
    if request.method == "POST" and form.validate():
        title = (form.title_ja.data or "").strip()
        try:
            created = working_copies.copy_procedure(
                session, procedure_or_404(form.source.data or ""), (form.form_id.data or "").strip(),
                editing.text_value(form.title_ja.data or "", form.title_en.data or ""), actor(),
                kept=form.kept_parts())
        except NotAllowed as refused:
            session.rollback()
            form.form_id.errors = [refused.message]
        except copy_parts.PartRefused as refused:
            session.rollback()
            form.keep.errors = [refused.message]
        except DefinitionInvalid as invalid:
            session.rollback()
            if all(error.message == MISSING_ENGLISH for error in invalid.errors):
                # The new English title asks for English the original does not have.
                where = "、".join(f"{e.line}行{e.column}列 {e.path}" for e in invalid.errors[:3])
                more = " ほか" if len(invalid.errors) > 3 else ""
                form.title_en.errors = [
                    f"英語の訳がありません: 複製元には英語の訳がない文が{len(invalid.errors)}か所あります"
                    f"（{where}{more}）。英語の手続き名を空にして複製し、すべての文に英語を"
                    "加えてから英語の手続き名を付けてください"]
            elif (not isinstance(invalid, SourceInvalid)
                  and set(copy_parts.PART_KEYS) - form.kept_parts() - {"english", "comments"}):
                # Something left out was still needed (the check says what): keep more of it.
                form.keep.errors = ["選んだ部分を外すと手続きの定義が正しくなくなるため、複製できませんでした"
                                    f"（{first_errors(invalid.errors)}）。外す部分を減らしてください"]
            else:
                form.source.errors = ["複製元の定義が今の形式では正しくありません: " + first_errors(invalid.errors)]
        else:
            session.commit()
            flash(f"「{form.source.data}」を複製して、手続き「{title}」を下書きとして作成しました",
                  "admin")
            return redirect(url_for("admin.procedure", form_id=created.id))
    problems = admin_forms.error_summary(form)
    return render_template("admin/copy.html", form=form, errors=problems,
                           parts=copy_parts.PARTS), 400 if problems else 200
