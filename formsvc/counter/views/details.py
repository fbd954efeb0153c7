"""The resident's details, typed by staff: for a new visit (after the choice of how the resident
was identified) or changed during one (what the card gave stays as it is)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from formsvc.clock import today
from formsvc.counter.forms import DetailsButtons
from formsvc.counter.resident import FIELDS, resident_fields, verified_meanings, with_typed
from formsvc.counter.views.blueprint import COUNTER, FLASH, blueprint, open_visit_or_redirect
from formsvc.counter.views.identification import identification_form
from formsvc.db import session as db_session
from formsvc.fields import FieldContext, FieldSpec
from formsvc.resident.address_lookup import look_up_address
from formsvc.resident.forms import PageForm, build_form, field_views
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.submissions import identification as ident
from formsvc.submissions.models import CounterVisit


def _details_form(specs: list[FieldSpec], values: dict, ctx: FieldContext
                  ) -> tuple[PageForm, str | None, dict | None]:
    """(form, notice, typed answers or None): the details as sent, or as stored on a GET."""
    if request.method != "POST":
        return build_form(specs, ctx, None, values), None, None
    formdata = MultiDict(request.form)
    postal_id = DetailsButtons(request.form).looked_up_postal_code()
    if postal_id is not None:
        formdata, notice = look_up_address(specs, postal_id, formdata, ctx)
        return build_form(specs, ctx, formdata, values), notice, None
    form = build_form(specs, ctx, formdata, values)
    if not form.validate():
        return form, None, None
    return form, None, {spec.id: spec.answer_from_input(form[spec.id].data) for spec in specs}


def _render_details(form: PageForm, locked: list[FieldSpec], values: dict, ctx: FieldContext,
                    notice: str | None, **context):
    views = field_views(form, resident_fields(), ctx, locked=locked, values=values)
    summary = [(view.error, view.error_target) for view in views if view.error]
    return render_template("counter/resident.html", fields=views, field_context=ctx, error_summary=summary,
                           notice=notice, **context), 400 if summary else 200


@blueprint.route("/resident", methods=["GET", "POST"])
@require_role(COUNTER)
def new_resident() -> ResponseReturnValue:
    chosen = identification_form(request.values)
    if not chosen.validate() or chosen.method == ident.CARD:
        return redirect(url_for(".home"))
    ctx = FieldContext(locale="ja", today=today())
    form, notice, typed = _details_form(resident_fields(), {}, ctx)
    if typed is not None:
        visit = CounterVisit(staff_id=signed_in_staff().id, identification=chosen.method,
                             identity_documents=chosen.documents, shared=with_typed({}, typed))
        db_session().add(visit)
        db_session().commit()
        current_app.logger.info("counter visit %s opened (%s)", visit.id, chosen.method)
        flash("申請者の情報を登録しました。手続きを選んでください。", FLASH)
        return redirect(url_for(".visit", visit_id=visit.id))
    return _render_details(form, [], {}, ctx, notice, visit=None, chosen=chosen,
                           identification_text=ident.describe(chosen.method, chosen.documents),
                           back_url=url_for(".home"))


@blueprint.route("/visits/<id:visit_id>/resident", methods=["GET", "POST"])
@require_role(COUNTER)
def resident(visit_id: int):
    visit, closed = open_visit_or_redirect(visit_id)
    if visit is None:
        return closed
    ctx = FieldContext(locale="ja", today=today())
    shared = visit.shared or {}
    from_card = verified_meanings(shared)
    locked = [spec for spec in resident_fields() if spec.id in from_card]
    specs = [spec for spec in resident_fields() if spec.id not in from_card]
    values = {meaning: FIELDS[meaning].from_json(shared[meaning]) for meaning in FIELDS if meaning in shared}
    form, notice, typed = _details_form(specs, values, ctx)
    if typed is not None:
        visit.shared = with_typed(shared, typed)
        db_session().commit()
        flash("申請者の情報を保存しました。", FLASH)
        return redirect(url_for(".visit", visit_id=visit.id))
    return _render_details(form, locked, values, ctx, notice, visit=visit, chosen=None,
                           identification_text=ident.describe(visit.identification, visit.identity_documents),
                           back_url=url_for(".visit", visit_id=visit.id))
