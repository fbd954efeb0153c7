"""Print, sign, receive: the printout the resident checks and signs (申請内容確認書), and the
tick that turns a procedure into a received application."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for

from formsvc.applications.flow import Flow
from formsvc.applications.sections import answer_sections
from formsvc.clock import today
from formsvc.counter import service
from formsvc.counter.forms import SignatureConfirmation, error_summary
from formsvc.counter.signature import signature_form
from formsvc.counter.views.blueprint import (
    COUNTER,
    FLASH,
    blueprint,
    draft_or_404,
    submission_of,
    visit_or_404,
)
from formsvc.counter.views.visits import procedure_url
from formsvc.db import session as db_session
from formsvc.forms.catalog import draft_sending_closed, in_force_on, version_by_id
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.submissions import identification as ident
from formsvc.submissions import reception
from formsvc.submissions.models import CounterVisit, Draft
from formsvc.submissions.service import AlreadySubmitted
from formsvc.tenants.resolution import current_tenant


@blueprint.route("/visits/<id:visit_id>/drafts/<id:draft_id>/signature", methods=["GET", "POST"])
@require_role(COUNTER)
def signature(visit_id: int, draft_id: int):
    found = visit_or_404(visit_id)
    draft = draft_or_404(found, draft_id)
    session = db_session()
    existing = submission_of(draft)
    if existing is not None:
        flash(f"受付番号 {reception.display(existing.reception_number)} で受け付け済みです。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    compiled = version_by_id(session, draft.version_id, draft.channel) if draft.version_id else None
    if compiled is None:
        abort(404)
    ready = service.completion_of(compiled.definition, draft, today())
    procedure = service.Procedure(draft, compiled, ready, None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and ready.ready:
        confirmation = SignatureConfirmation(request.form)
        if found.closed_at is not None:
            errors.append(("この来庁対応は終了しています。受け付けるには新しい来庁対応を始めてください", "confirm"))
        elif closed := draft_sending_closed(session, compiled.id, compiled.definition.valid_until, "ja",
                                            correction=draft.correction_of is not None):
            # Same rule as online: a draft keeps its version, and is received only within its 受付期間.
            newer = in_force_on(session, compiled.id, today())
            errors.append((closed + ("取りやめて、新しい様式で入力し直してください" if newer is not None
                                     else "この入力は取りやめてください（今は受け付けていません）"), "confirm"))
        elif not confirmation.validate():
            errors = error_summary(confirmation)
        else:
            try:
                submission = service.sign(session, found, draft, compiled, ready, signed_in_staff(), today())
                session.commit()
            except AlreadySubmitted as already:
                session.rollback()
                submission = already.submission
            current_app.logger.info("counter submission stored form=%s id=%s visit=%s", compiled.id,
                                    submission.id, found.id)
            flash(f"「{compiled.definition.title.ja}」を受付番号 {reception.display(submission.reception_number)} "
                  "で受け付けました。", FLASH)
            return redirect(url_for(".visit", visit_id=found.id))
    flow = Flow(compiled.definition, ready.answers, today())
    return render_template(
        "counter/signature.html", visit=found, draft=draft, compiled=compiled, definition=compiled.definition,
        ready=ready, procedure=procedure, resume_url=procedure_url(found, procedure) if not ready.ready else None,
        sections=answer_sections(flow, "ja"), computed=flow.computed_values(),
        fee=service.fee_text(ready.fee), error_summary=errors,
        identification_text=ident.describe(found.identification, found.identity_documents),
    ), 400 if errors else 200


def _pdf(content: bytes, filename: str):
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=False,
                         download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _signature_forms(found: CounterVisit, drafts: list[Draft]) -> bytes | None:
    """The printouts of the ``drafts`` ready to sign as one PDF (None: none is ready)."""
    from formsvc.records import render_signature_forms  # WeasyPrint is loaded only to print

    session = db_session()
    forms = []
    for draft in drafts:
        compiled = version_by_id(session, draft.version_id, draft.channel) if draft.version_id else None
        ready = service.completion_of(compiled.definition, draft, today()) if compiled else None
        if compiled is None or ready is None or not ready.ready:
            continue
        forms.append(signature_form(session, found, draft, compiled, ready, signed_in_staff(),
                                    current_tenant().name, today()))
    if not forms:
        return None
    return render_signature_forms(forms, f"申請内容確認書（署名用） {len(forms)}件")


@blueprint.get("/visits/<id:visit_id>/drafts/<id:draft_id>/signature.pdf")
@require_role(COUNTER)
def signature_pdf(visit_id: int, draft_id: int):
    found = visit_or_404(visit_id)
    draft = draft_or_404(found, draft_id)
    if submission_of(draft) is not None:
        abort(404)
    content = _signature_forms(found, [draft])
    if content is None:
        return redirect(url_for(".signature", visit_id=found.id, draft_id=draft.id))
    return _pdf(content, f"signature-{found.id}-{draft.id}.pdf")


@blueprint.get("/visits/<id:visit_id>/signatures.pdf")
@require_role(COUNTER)
def visit_pdf(visit_id: int):
    found = visit_or_404(visit_id)
    waiting = [p.draft for p in service.visit_procedures(db_session(), found, today())
               if p.state == service.AWAITING_SIGNATURE]
    content = _signature_forms(found, waiting)
    if content is None:
        flash("署名待ちの申請はありません。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    return _pdf(content, f"signatures-{found.id}.pdf")
