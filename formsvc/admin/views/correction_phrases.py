"""A procedure's standard phrases for 差し戻し (/admin/forms/<id>/correction-phrases).

Reviewers add these to a correction request with a tick (formsvc.review.corrections). The
administrator keeps them as one box, one phrase a line, in the order the reviewer's list shows
them; saving an empty box (or 「既定の定型文に戻す」) gives the procedure the built-in phrases
again. No JavaScript is needed, and the change applies at once (nothing to publish).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from formsvc.admin.views.common import ADMIN, actor, blueprint, procedure_or_404
from formsvc.db import session as db_session
from formsvc.forms.catalog import published
from formsvc.forms.models import Form
from formsvc.review import corrections
from formsvc.staff.auth import require_role

BOX = "phrases"
BOX_MAX = corrections.PHRASES_MAX * (corrections.TEXT_MAX + 2)  # what is read of the box at most


def _title(procedure: Form) -> str:
    found = published(db_session(), procedure.id)
    return found.definition.title.ja if found is not None else procedure.id


def _page(procedure: Form, typed: str, errors: list[tuple[str, str]] | None = None, code: int = 200):
    own = corrections.own_phrases(db_session(), procedure.id)
    return render_template(
        "admin/correction_phrases.html", form=procedure, title=_title(procedure), typed=typed, errors=errors or [],
        own=own, defaults=corrections.DEFAULT_PHRASES, text_max=corrections.TEXT_MAX,
        phrases_max=corrections.PHRASES_MAX,
    ), code


@blueprint.get("/forms/<form_id>/correction-phrases")
@require_role(ADMIN)
def correction_phrases(form_id: str):
    procedure = procedure_or_404(form_id)
    return _page(procedure, "\n".join(corrections.phrases_for(db_session(), form_id)))


@blueprint.post("/forms/<form_id>/correction-phrases")
@require_role(ADMIN)
def save_correction_phrases(form_id: str):
    session = db_session()
    procedure = procedure_or_404(form_id)
    if request.form.get("reset") is not None:
        phrases: list[str] = []
    else:
        raw = request.form.get(BOX, "")
        if len(raw) > BOX_MAX:
            return _page(procedure, raw[:BOX_MAX], [(
                f"定型文が長すぎます。1件{corrections.TEXT_MAX}文字以内、{corrections.PHRASES_MAX}件までにしてください",
                BOX)], code=400)
        phrases, problems = corrections.read_phrases(raw)
        if problems:
            return _page(procedure, raw, [(problem, BOX) for problem in problems], code=400)
        if phrases == list(corrections.DEFAULT_PHRASES):
            phrases = []  # the built-in ones as they are: keep following them
    changed = corrections.save(session, form_id, phrases, actor())
    session.commit()
    if not changed:
        flash("変更はありませんでした", "admin")
    elif phrases:
        flash(f"差し戻しの定型文を保存しました（{len(phrases)}件）", "admin")
    else:
        flash("差し戻しの定型文を既定の文に戻しました", "admin")
    return redirect(url_for("admin.correction_phrases", form_id=form_id))
