"""The visit: the resident's details, the procedures entered for them, choosing the next one,
and ending the visit."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from formsvc.applications.flow import CHECK
from formsvc.clock import today
from formsvc.counter import fees, service
from formsvc.counter.forms import ProcedureChoice
from formsvc.counter.resident import card_address_outside, municipality_places, resident_fields, verified_meanings
from formsvc.counter.views.blueprint import (
    COUNTER,
    FLASH,
    blueprint,
    draft_or_404,
    open_visit_or_redirect,
    submission_of,
    visit_or_404,
)
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.forms.catalog import in_force_on, version_by_id
from formsvc.payments.status import METHOD_LABELS
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.staff.models import StaffUser
from formsvc.submissions import identification as ident
from formsvc.submissions import reception, storage
from formsvc.submissions.models import CounterVisit, Upload
from formsvc.tenants.resolution import current_tenant


def procedure_url(visit: CounterVisit, procedure: service.Procedure) -> str:
    """Where a procedure of the visit continues."""
    if procedure.submission is not None:
        return url_for("review.submission", number=procedure.submission.reception_number)
    if procedure.state == service.AWAITING_SIGNATURE:
        return url_for("counter.signature", visit_id=visit.id, draft_id=procedure.draft.id)
    page_id = procedure.resume_page_id
    if page_id == CHECK:
        return url_for("counter_form.check", visit_id=visit.id, form_id=procedure.draft.form_id)
    return url_for("counter_form.question", visit_id=visit.id, form_id=procedure.draft.form_id, page_id=page_id)


def shared_rows(shared: dict) -> list[tuple[str, str, bool]]:
    """(label, text, read from the card) of each detail the visit holds."""
    from_card = verified_meanings(shared)
    return [(spec.label.ja, spec.display(spec.from_json(shared[spec.id])), spec.id in from_card)
            for spec in resident_fields() if shared.get(spec.id) is not None]


@blueprint.get("/visits/<id:visit_id>")
@require_role(COUNTER)
def visit(visit_id: int):
    found = visit_or_404(visit_id)
    session = db_session()
    query = request.args.get("q", "").strip()[:100]
    procedures = service.visit_procedures(session, found, today())
    choices = service.procedures(session, query) if found.closed_at is None else []
    opened_by = session.get(StaffUser, found.staff_id)
    # 収納 and 交付 of what was received (formsvc.counter.fees), by submission id.
    fee_states = {p.submission.id: fees.fee_state(session, p.submission) for p in procedures if p.submission}
    outside = card_address_outside(found.shared or {}, found.identification,
                                   municipality_places(current_tenant().address))
    return render_template(
        "counter/visit.html", visit=found, shared=shared_rows(found.shared or {}), procedures=procedures,
        fee_states=fee_states, methods=[(method, METHOD_LABELS[method]) for method in fees.METHODS],
        card_address_outside=outside, municipality_name=current_tenant().name,
        procedure_url=procedure_url, choices=choices, query=query, opened_by=opened_by,
        identification_text=ident.describe(found.identification, found.identity_documents),
        awaiting=[p for p in procedures if p.state == service.AWAITING_SIGNATURE],
        display_number=reception.display, states=service)


@blueprint.post("/visits/<id:visit_id>/procedures")
@require_role(COUNTER)
def start_procedure(visit_id: int):
    found, closed = open_visit_or_redirect(visit_id)
    if found is None:
        return closed
    session = db_session()
    compiled = in_force_on(session, ProcedureChoice(request.form).form_id.data or "", today())
    if compiled is None:  # unknown, archived or outside its 受付期間 today (as online)
        abort(404)
    compiled = compiled.for_channel(service.CHANNEL)  # the counter's pages (formsvc.definitions.channels)
    existing = service.open_draft(session, found, compiled.id)
    if existing is not None:
        flash(f"「{compiled.definition.title.ja}」は入力中です。続きから入力します。", FLASH)
        ready = service.completion_of(compiled.definition, existing, today())
        procedure = service.Procedure(existing, compiled, ready, None)
        return redirect(procedure_url(found, procedure))
    draft = service.start_procedure(session, found, compiled, signed_in_staff(), today())
    session.commit()
    current_app.logger.info("counter visit %s: draft %s started (%s)", found.id, draft.id, compiled.id)
    return redirect(url_for("counter_form.question", visit_id=found.id, form_id=compiled.id,
                            page_id=compiled.definition.pages[0].id))


@blueprint.post("/visits/<id:visit_id>/drafts/<id:draft_id>/discard")
@require_role(COUNTER)
def discard(visit_id: int, draft_id: int):
    found, closed = open_visit_or_redirect(visit_id)
    if found is None:
        return closed
    draft = draft_or_404(found, draft_id)
    if draft.submitted_at is not None or submission_of(draft) is not None:
        flash("受け付けた申請は取りやめられません。", FLASH)
        return redirect(url_for(".visit", visit_id=found.id))
    session = db_session()
    compiled = version_by_id(session, draft.version_id, draft.channel) if draft.version_id else None
    title = compiled.definition.title.ja if compiled is not None else draft.form_id
    storage.delete_stored(session, Upload.draft_id == draft.id, Upload.submission_id.is_(None))
    session.delete(draft)
    session.commit()
    flash(f"「{title}」の入力を取りやめました。", FLASH)
    return redirect(url_for(".visit", visit_id=found.id))


@blueprint.post("/visits/<id:visit_id>/close")
@require_role(COUNTER)
def close_visit(visit_id: int):
    found = visit_or_404(visit_id)
    if found.closed_at is None:
        found.closed_at = utcnow()
        db_session().commit()
        current_app.logger.info("counter visit %s closed", found.id)
    flash("来庁対応を終了しました。", FLASH)
    return redirect(url_for(".home"))
