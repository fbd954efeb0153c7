"""After receiving: 収納 of each procedure's fee, 交付 of the ones issued the same day, and the
受付票（引換券） printed for the resident."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from formsvc.counter import fees
from formsvc.counter.forms import CounterPaymentForm
from formsvc.counter.receipt import receipt
from formsvc.counter.views.blueprint import COUNTER, FLASH, FLASH_ERROR, blueprint, row_id, visit_or_404
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.payments.status import METHOD_LABELS
from formsvc.review.workflow import MoveRefused
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.submissions import reception
from formsvc.submissions.models import CounterVisit, Submission
from formsvc.tenants.resolution import current_tenant


def submission_or_404(visit: CounterVisit, submission_id: int) -> Submission:
    """A submission received in this visit (any other id, forged or not, is not found)."""
    submission = db_session().get(Submission, row_id(submission_id))
    if submission is None or submission.visit_id != visit.id or submission.channel != "counter":
        abort(404)
    return submission


def _back(visit: CounterVisit, submission: Submission | None = None):
    anchor = f"procedure-{submission.id}" if submission is not None else None
    return redirect(url_for("counter.visit", visit_id=visit.id, _anchor=anchor))


@blueprint.post("/visits/<id:visit_id>/submissions/<id:submission_id>/payment")
@require_role(COUNTER)
def take_payment(visit_id: int, submission_id: int) -> ResponseReturnValue:
    visit = visit_or_404(visit_id)
    submission = submission_or_404(visit, submission_id)
    form = CounterPaymentForm(request.form)
    session = db_session()
    number = reception.display(submission.reception_number)
    try:
        if not form.validate():
            raise fees.CounterRefused(form.method.errors[0])
        payment = fees.take_payment(session, visit, submission, form.method.data or "", signed_in_staff())
        session.commit()
    except fees.CounterRefused as refused:
        session.rollback()
        flash(f"受付番号 {number}：{refused.message}", FLASH_ERROR)
        return _back(visit, submission)
    current_app.logger.info("counter payment %s taken for submission %s", payment.id, submission.id)
    flash(f"受付番号 {number} の手数料 {int(payment.amount):,}円を{METHOD_LABELS.get(payment.method or '', '')}で"
          "収納しました。", FLASH)
    return _back(visit, submission)


@blueprint.post("/visits/<id:visit_id>/submissions/<id:submission_id>/issue")
@require_role(COUNTER)
def issue(visit_id: int, submission_id: int) -> ResponseReturnValue:
    visit = visit_or_404(visit_id)
    submission = submission_or_404(visit, submission_id)
    session = db_session()
    number = reception.display(submission.reception_number)
    try:
        fees.issue(session, submission, signed_in_staff())
        session.commit()
    except (fees.CounterRefused, MoveRefused) as refused:
        session.rollback()
        flash(f"受付番号 {number}：{refused.message}", FLASH_ERROR)
        return _back(visit, submission)
    current_app.logger.info("counter submission %s issued the same day", submission.id)
    flash(f"受付番号 {number} を交付しました。", FLASH)
    return _back(visit, submission)


def _receipt_pdf(visit: CounterVisit, submissions: list[Submission], filename: str):
    from formsvc.records import render_receipts  # WeasyPrint is loaded only to print

    printed = receipt(db_session(), submissions, current_tenant().name, utcnow())
    content = render_receipts(printed, f"受付票（引換券） {len(submissions)}件")
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=False,
                         download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/visits/<id:visit_id>/receipt.pdf")
@require_role(COUNTER)
def visit_receipt(visit_id: int) -> ResponseReturnValue:
    visit = visit_or_404(visit_id)
    received = db_session().scalars(select(Submission).where(
        Submission.visit_id == visit.id, Submission.channel == "counter").order_by(Submission.id)).all()
    if not received:
        flash("受け付けた手続きがないため、受付票はありません。", FLASH_ERROR)
        return redirect(url_for("counter.visit", visit_id=visit.id))
    return _receipt_pdf(visit, list(received), f"receipt-{visit.id}.pdf")


@blueprint.get("/visits/<id:visit_id>/submissions/<id:submission_id>/receipt.pdf")
@require_role(COUNTER)
def submission_receipt(visit_id: int, submission_id: int) -> ResponseReturnValue:
    visit = visit_or_404(visit_id)
    submission = submission_or_404(visit, submission_id)
    return _receipt_pdf(visit, [submission], f"receipt-{submission.reception_number}.pdf")

