"""The counter's first page: how the resident is identified, and the visits still open."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from formsvc.counter.card_reader import active_reader
from formsvc.counter.forms import IdentificationForm
from formsvc.counter.views.blueprint import COUNTER, blueprint
from formsvc.db import session as db_session
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.submissions import identification as ident
from formsvc.submissions.models import CounterVisit


def identification_form(formdata) -> IdentificationForm:
    """The choice sent (``formdata``), judged against this app: the card only with a reader."""
    return IdentificationForm(formdata, card_reader=active_reader() is not None)


@blueprint.route("/", methods=["GET", "POST"])
@require_role(COUNTER)
def home() -> ResponseReturnValue:
    form = identification_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if form.method == ident.CARD:
            return redirect(url_for(".card"))
        query: dict[str, Any] = form.query()  # url_for's own keywords (_external…) are none of these
        return redirect(url_for(".new_resident", **query))
    user = signed_in_staff()
    visits = db_session().scalars(select(CounterVisit).where(
        CounterVisit.staff_id == user.id, CounterVisit.closed_at.is_(None))
        .order_by(CounterVisit.created_at.desc()).limit(20)).all()
    summary = form.summary()
    return render_template("counter/home.html", form=form, error_summary=summary,
                           identification_label=lambda v: ident.describe(v.identification, v.identity_documents),
                           visits=visits, card_reader=form.card_reader, choices=ident.CHOICES), 400 if summary else 200
