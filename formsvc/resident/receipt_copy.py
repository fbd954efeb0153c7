"""The 控え: a copy of what the resident sent, linked from the done page.

A print-friendly page (the answers as on the check page, with 受付番号, date and procedure) and,
when the app has plugged in the PDF renderer (formsvc.resident.confirmation), the same as a PDF.
Only the browser that sent the application or its signed-in owner gets either; others get 404.
Nothing is written to the staff access log: it records staff looking at residents' data, and a
resident reading their own copy is not that (and logging it would mean logging who they are).
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, send_file, url_for

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.applications.outcomes import sent
from formsvc.applications.sections import answer_sections
from formsvc.clock import JST
from formsvc.db import session as db_session
from formsvc.i18n import current_locale
from formsvc.resident.confirmation import plugins, visible_submission
from formsvc.resident.context import submitted_here
from formsvc.resident.versions import version_of
from formsvc.submissions.reception import display as display_reception
from formsvc.tenants.resolution import current_tenant

blueprint = Blueprint("receipt_copy", __name__)


@blueprint.get("/forms/<form_id>/done/<number>/copy")
def page(form_id: str, number: str):
    submission = visible_submission(db_session(), form_id, number)
    compiled = version_of(submission.version_id, submission.channel)
    locale = current_locale()
    # As on the day (in Japan) it was sent, with the computed values stored then.
    submitted_on = submission.created_at.astimezone(JST).date()
    flow = Flow(compiled.definition, Answers.from_json(submission.answers), submitted_on)
    after = sent(compiled.definition, submission.answers, submission.computed, submitted_on, locale)
    return render_template("resident/copy.html", definition=compiled.definition, submission=submission,
                           number=display_reception(number), sections=answer_sections(flow, locale),
                           computed=after.groups(locale), guidance=after.guidance,
                           pdf=plugins().copy_pdf is not None, back_url=_back_url(form_id, number))


def _back_url(form_id: str, number: str) -> str:
    # The done page is this browser's only; a signed-in owner elsewhere goes back to 申請履歴.
    if submitted_here(number):
        return url_for("resident.done", form_id=form_id, number=number)
    return url_for("my.application", number=number)


@blueprint.get("/forms/<form_id>/done/<number>/copy.pdf")
def pdf(form_id: str, number: str):
    submission = visible_submission(db_session(), form_id, number)
    render = plugins().copy_pdf
    if render is None:
        abort(404)
    content = render(db_session(), submission, current_tenant().name)
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                         download_name=f"hikae-{submission.reception_number}.pdf", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
