"""Staff pages of the review area: the queue, a submission's detail, its moves, files and exports.

Every view declares its roles with ``require_role`` (tests/staff walks the URL map to prove it);
a move's own roles come from the table in ``workflow``. Pages showing personal data write an
access-log row and are never cached (formsvc.templating sets no-store for every staff area).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from formsvc import clock
from formsvc.applications.sections import answer_sections
from formsvc.clock import JST
from formsvc.db import session as db_session
from formsvc.errors import error_page
from formsvc.fields.file import content_disposition
from formsvc.forms.catalog import version_by_id
from formsvc.forms.models import FormVersion
from formsvc.i18n import t
from formsvc.jobs.models import Job
from formsvc.payments import models as payment_models
from formsvc.payments import service as payment_service
from formsvc.payments import status as payment_status
from formsvc.review import corrections, export_views, print_jobs, queries, retention, staff_jobs, status_names, workflow
from formsvc.review import detail as details
from formsvc.review import payments as review_payments
from formsvc.review.audit import record_access
from formsvc.review.forms import ClaimNextForm, MoveForm, PrintForm, RefundForm
from formsvc.staff import menu, roles
from formsvc.staff.auth import require_role, signed_in_staff
from formsvc.staff.models import StaffUser
from formsvc.submissions import channels, reception, status
from formsvc.submissions.identification import counter_facts
from formsvc.submissions.models import Submission, Upload
from formsvc.submissions.storage import StorageError, StoredFileMissing, upload_bytes
from formsvc.tenants.resolution import current_tenant

blueprint = Blueprint("review", __name__, url_prefix="/staff")

R, C, A = roles.REVIEWER, roles.COUNTER, roles.ADMIN
QUEUE_ROLES = (R, C, A)
PDF_ROLES = (R, C)
EXPORT_ROLES = (R, A)
REFUND_ROLES = (R, A)
MAX_BATCH = 200

menu.add_entry(blueprint, "review.queue", ("申請一覧", "Applications"), QUEUE_ROLES)
menu.add_entry(blueprint, "review.disposals", ("廃棄の記録", "Disposal register"), (roles.ADMIN,))

NOTICES = {
    "nothing_to_claim": "担当できる申請（受付で未割当のもの）はありません",
    "nothing_selected": "印刷する申請を選んでください（一覧のチェックボックス）",
    "too_many": f"一度に印刷できるのは{MAX_BATCH}件までです",
    "csv_needs_form": "CSVを出力するには、まず手続きを1つ選んでください",
}


def _submission_or_404(number: str) -> Submission:
    found = db_session().scalar(select(Submission).where(Submission.reception_number == reception.normalise(number)))
    if found is None:
        abort(404)
    return found


# --- the queue ------------------------------------------------------------------------------

@blueprint.get("/queue")
@require_role(*QUEUE_ROLES)
def queue():
    return queue_page()


def queue_page():
    """The queue, filtered as the query string says (also the reviewers' staff home page)."""
    user = signed_in_staff()
    session = db_session()
    titles = queries.procedure_titles(session)
    queue_filter = queries.parse_filter(request.args, set(titles))
    page = queries.queue_page(session, queue_filter, user.id, after=request.args.get("after"),
                              before=request.args.get("before"), size=queries.PAGE_SIZE)
    counts = queries.counts_by_status(session, queue_filter, user.id)
    assignees = queries.staff_names(session, (row.assignee_id for row in page.rows))
    counter = counter_facts(session, page.rows)
    payment_summaries = review_payments.summaries(session, page.rows)  # one query for the page
    if page.rows:
        record_access(session, "queue", [row.id for row in page.rows], staff=user)
    csv_versions = _csv_versions(queue_filter, user) if queue_filter.form_id and user.has_role(*EXPORT_ROLES) else []
    session.commit()
    notice = NOTICES.get(request.args.get("notice", ""))
    return render_template(
        "review/queue.html", page=page, queue=queue_filter, counts=counts, titles=titles, assignees=assignees,
        tabs=[(key, counts.text(queries.QueueFilter(status=key).statuses())) for key in TABS],
        matching=counts.text(queue_filter.statuses()), notice=notice,
        status_choices=queries.STATUS_CHOICES, status_options=_options(queries.STATUS_CHOICES),
        assignee_options=_options(queries.ASSIGNEE_CHOICES), channel_options=_options(queries.CHANNEL_CHOICES),
        payment_options=_options(queries.PAYMENT_CHOICES), payments=payment_summaries,
        procedure_options=[Option(form_id, title) for form_id, title in titles.items()],
        resubmitted=queries.resubmitted(session, page.rows),
        status_labels=status.SHORT_LABELS, row_status_labels=status_names.short_labels(session, page.rows),
        channel_labels=channels.LABELS, counter=counter, csv_versions=csv_versions,
        can_claim=user.has_role(R), can_print=user.has_role(*PDF_ROLES),
        can_export=user.has_role(*EXPORT_ROLES), display_number=reception.display, short_datetime=short_datetime,
    ), 400 if queue_filter.errors else 200


menu.add_start_page(blueprint, (R,), queue_page)  # reviewers start at their work

TABS = ("open", *status.LABELS, "all")


class Option(NamedTuple):
    """One choice of a filter (components/form.html)."""

    value: str
    label: str


def _options(labels: dict[str, tuple[str, str]]) -> list[Option]:
    """A filter's choices, in the page's language."""
    return [Option(key, t(*label)) for key, label in labels.items()]


def _queue_url(params: Mapping[str, Any]) -> str:
    """The queue with these query parameters (a mapping: url_for's own keywords are typed)."""
    return url_for("review.queue", **params)


def short_datetime(moment: datetime) -> str:
    """Japan time, compact for a table row: 2026-04-01 09:05."""
    return f"{moment.astimezone(JST):%Y-%m-%d %H:%M}"


def _csv_versions(queue_filter: queries.QueueFilter, user: StaffUser) -> list[tuple[int, int]]:
    """(version number, matching submissions) of the chosen procedure, newest version first."""
    rows = db_session().execute(
        select(FormVersion.number, func.count(Submission.id))
        .join(FormVersion, FormVersion.id == Submission.version_id)
        .where(Submission.status.in_(queue_filter.statuses()), *queue_filter.conditions(user.id))
        .group_by(FormVersion.number).order_by(FormVersion.number.desc())).all()
    return [(number, count) for number, count in rows]


@blueprint.post("/queue/claim-next")
@require_role(R)
def claim_next():
    user = signed_in_staff()
    form_id = ClaimNextForm(request.form).form_id()
    claimed = workflow.claim_next(db_session(), user, form_id)
    if claimed is None:
        db_session().rollback()
        return redirect(_queue_url({"notice": "nothing_to_claim", **({"form": form_id} if form_id else {})}))
    number = claimed.reception_number
    db_session().commit()
    flash(f"受付番号 {reception.display(number)} を担当しました", "review")
    return redirect(url_for("review.submission", number=number))


# --- one submission -------------------------------------------------------------------------

def _detail_page(submission: Submission, errors: list[tuple[str, str]] | None = None,
                 typed: dict[str, str] | None = None, code: int = 200, correction_typed: dict | None = None):
    session = db_session()
    user = signed_in_staff()
    compiled = version_by_id(session, submission.version_id, submission.channel)
    assert compiled is not None  # a submission's version is never removed
    definition = compiled.definition
    flow = details.answer_flow(definition, submission.answers, submission.created_at)
    assignee = submission.assignee_id
    assignee_name = queries.staff_names(session, [assignee]).get(assignee) if assignee is not None else None
    moves = workflow.available_moves(submission, user)
    payment_panel = review_payments.panel(session, submission, user.has_role(*REFUND_ROLES),
                                          queries.staff_names(session, _refunders(session, submission)))
    # Shown beside 承認/完了 before anyone presses them (the workflow refuses them all the same).
    unpaid = {move.name: reason for move in moves if move.target != move.source and (
        reason := review_payments.unpaid_refusal(session, submission, move.target))}
    record_access(session, "detail", [submission.id], staff=user)
    sections = answer_sections(flow, details.LOCALE)
    # The 差し戻し form's questions (by page) and standard phrases, when the reviewer may send one.
    correction = details.CorrectionForm(
        corrections.question_groups(sections, details.LOCALE), corrections.phrases_for(session, submission.form_id),
        correction_typed or {}) if any(move.name == "request_correction" for move in moves) else None
    page = render_template(
        "review/detail.html", submission=submission, definition=definition, compiled=compiled,
        sections=sections, sent=details.sent_of(definition, submission),
        correction=correction, resubmitted=details.is_resubmitted(submission), today=clock.today(),
        all_compared=request.args.get("compared") == "all",
        identity_text=details.identity_text(flow.answers.identity),
        attachments=details.attachments(session, submission, definition),
        comparisons=details.comparisons(session, submission), events=submission.events,
        event_labels=details.STAFF_EVENT_LABELS, actor_label=details.actor_label,
        correction_note=details.correction_note,
        payment_events=details.PAYMENT_EVENTS, method_labels=payment_status.METHOD_LABELS,
        status_label=status.short_label(submission.status, definition),
        channel_label=channels.LABELS.get(submission.channel, submission.channel),
        assignee_name=assignee_name, moves=moves, payment=payment_panel, unpaid=unpaid,
        reviewers=queries.reviewers(session) if user.has_role(A) else [],
        can_print=user.has_role(*PDF_ROLES), errors=errors or [], typed=typed or {},
        display_number=reception.display(submission.reception_number),
        identity=flow.answers.identity,
        counter=counter_facts(session, [submission]).get(submission.id),
    )
    session.commit()
    return page, code


@blueprint.get("/submissions/<number>")
@require_role(*QUEUE_ROLES)
def submission(number: str):
    return _detail_page(_submission_or_404(number))


@blueprint.post("/submissions/<number>/moves/<move>")
@require_role(*QUEUE_ROLES)
def move(number: str, move: str):
    found = _submission_or_404(number)
    user = signed_in_staff()
    move_form = MoveForm(request.form)
    lock_version, comment = move_form.lock_version.data, move_form.comment.data or ""
    if lock_version is None:
        abort(400)
    assignee_id = move_form.assignee_id() if move == "reassign" else None
    assignee = db_session().get(StaffUser, assignee_id) if assignee_id is not None else None
    event_data: dict | None = None
    mail_lines: list[str] | None = None
    correction_typed: dict | None = None
    if move == "request_correction" and any(m.name == move for m in workflow.available_moves(found, user)):
        asked, labels = _correction_request(found)
        comment, correction_typed = asked.message, {"fields": asked.fields, "due": asked.due_typed}
        if asked.errors:
            db_session().rollback()
            return _detail_page(found, errors=asked.errors, typed={move: comment}, code=400,
                                correction_typed=correction_typed)
        event_data, mail_lines = asked.event_data(), corrections.mail_lines(labels, asked.due)
    try:
        made = workflow.perform(db_session(), found, move, user, lock_version=lock_version, comment=comment,
                                assignee=assignee, event_data=event_data, mail_lines=mail_lines)
    except workflow.NotPermitted:
        db_session().rollback()
        abort(403)
    except workflow.MoveRefused as refused:
        db_session().rollback()
        current_app.logger.info("move %s refused on submission %s: %s", move, found.id, type(refused).__name__)
        fresh = _submission_or_404(number)
        return _detail_page(fresh, errors=[(refused.message, f"move-{move}")], typed={move: comment},
                            code=refused.status_code, correction_typed=correction_typed)
    db_session().commit()
    flash(f"{details.STAFF_EVENT_LABELS.get(made.event, made.event)}：受付番号 {reception.display(number)}", "review")
    return redirect(url_for("review.submission", number=number))


def _correction_request(submission: Submission) -> tuple[corrections.Request, list[str]]:
    """The 差し戻し as sent, read against the questions the page offered, and the chosen questions'
    labels (for the resident's e-mail)."""
    session = db_session()
    compiled = version_by_id(session, submission.version_id, submission.channel)
    assert compiled is not None
    flow = details.answer_flow(compiled.definition, submission.answers, submission.created_at)
    groups = corrections.question_groups(answer_sections(flow, details.LOCALE), details.LOCALE)
    asked = corrections.read_request(request.form, groups, corrections.phrases_for(session, submission.form_id),
                                     clock.today())
    return asked, corrections.labels_of(groups, asked.fields)


def _refunders(session, submission: Submission) -> list[int]:
    return [staff_id for staff_id in session.scalars(
        select(payment_models.Payment.refunded_by_id).where(payment_models.Payment.submission_id == submission.id))
        if staff_id is not None]


# --- refunds --------------------------------------------------------------------------------

def _refund_due(submission: Submission) -> payment_models.Payment | None:
    """The submission's payment waiting to be given back (due, or refused by the provider before)."""
    return db_session().scalar(
        select(payment_models.Payment)
        .where(payment_models.Payment.submission_id == submission.id,
               payment_models.Payment.refund_status.in_(review_payments.REFUNDABLE))
        .order_by(payment_models.Payment.id.desc()).limit(1))


def _refund_page(submission: Submission, payment: payment_models.Payment,
                 errors: list[tuple[str, str]] | None = None, code: int = 200):
    session = db_session()
    user = signed_in_staff()
    compiled = version_by_id(session, submission.version_id, submission.channel)
    assert compiled is not None
    record_access(session, "detail", [submission.id], staff=user, detail=f"refund:{payment.id}")
    page = render_template(
        "review/refund.html", submission=submission, payment=payment, title=compiled.definition.title.ja,
        display_number=reception.display(submission.reception_number), errors=errors or [],
        method_label=review_payments.method_label(payment.method),
        refund_label=review_payments.REFUND_LABELS.get(payment.refund_status, payment.refund_status))
    session.commit()
    return page, code


@blueprint.get("/submissions/<number>/refund")
@require_role(*REFUND_ROLES)
def refund(number: str):
    """What will be refunded, and the one button that does it."""
    found = _submission_or_404(number)
    payment = _refund_due(found)
    if payment is None:
        flash("返金が必要な支払いはありません（返金済み、または返金の対象ではありません）", "review")
        return redirect(url_for("review.submission", number=found.reception_number))
    return _refund_page(found, payment)


@blueprint.post("/submissions/<number>/refund")
@require_role(*REFUND_ROLES)
def refund_confirm(number: str):
    found = _submission_or_404(number)
    user = signed_in_staff()
    session = db_session()
    refund_form = RefundForm(request.form)
    payment = _refund_due(found)
    if payment is None or refund_form.payment_id() != payment.id:
        # Refunded by someone else meanwhile (or a forged id): nothing to do, the detail says what it is.
        flash("この支払いはすでに返金済みか、返金の対象ではありません。最新の状態を確認してください", "review")
        return redirect(url_for("review.submission", number=found.reception_number))
    if refund_form.lock_version.data != payment.lock_version:
        return _refund_page(found, payment, [(
            "この支払いは、画面を表示した後に更新されました。内容を確認してから、もう一度「返金する」を押してください",
            "refund-submit")], code=409)
    payment_id, amount = payment.id, payment.amount
    try:
        # The service records the outcome and its event (naming the member of staff); a refused
        # refund is kept as 返金失敗, to be tried again, and no money has moved.
        refunded = payment_service.refund(session, payment, user)
        session.commit()  # a counter refund is only recorded: the service leaves that commit to us
    except payment_service.PaymentUnavailable as refused:
        session.rollback()
        current_app.logger.warning("refund of payment %s refused by the provider", payment_id)
        fresh = _submission_or_404(number)
        again = _refund_due(fresh)
        if again is None:
            return redirect(url_for("review.submission", number=fresh.reception_number))
        return _refund_page(fresh, again, [(f"返金できませんでした。{refused}（返金はまだ行われていません。"
                                            "時間をおいてもう一度「返金する」を押してください）", "refund-submit")],
                            code=503)
    except (payment_service.NotRefundable, StaleDataError):
        session.rollback()
        flash("この支払いはすでに返金済みか、他の職員が同時に返金しました。最新の状態を確認してください", "review")
        return redirect(url_for("review.submission", number=number))
    if refunded.refund_status == payment_models.REFUNDED:
        done = f"手数料 {amount:,}円 を返金しました"
    else:
        done = f"手数料 {amount:,}円 の返金を決済事業者に依頼しました（完了すると「返金済み」になります）"
    flash(f"{done}：受付番号 {reception.display(found.reception_number)}", "review")
    return redirect(url_for("review.submission", number=found.reception_number))


@blueprint.get("/submissions/<number>/attachments/<token>")
@require_role(*QUEUE_ROLES)
def attachment(number: str, token: str):
    found = _submission_or_404(number)
    upload = db_session().scalar(select(Upload).where(Upload.token == token, Upload.submission_id == found.id))
    if upload is None:
        abort(404)
    record_access(db_session(), "attachment", [found.id], staff=signed_in_staff(), detail=f"upload:{upload.id}")
    db_session().commit()
    response = send_file(io.BytesIO(upload_bytes(upload)), mimetype=upload.content_type, max_age=0)
    # Names stored before they were cleaned on upload may hold CR/LF or bidi controls.
    response.headers["Content-Disposition"] = content_disposition(upload.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/submissions/<number>/attachments/<token>/preview.jpg")
@require_role(*QUEUE_ROLES)
def attachment_preview(number: str, token: str):
    """An attached picture as a JPEG the browser can show: HEIC photos converted (browsers other
    than Safari cannot show HEIC), every picture bounded in size and without its metadata."""
    from formsvc.records.images import to_jpeg  # as record_pdf: records are imported when used

    found = _submission_or_404(number)
    upload = db_session().scalar(select(Upload).where(Upload.token == token, Upload.submission_id == found.id))
    if upload is None:
        abort(404)
    jpeg = to_jpeg(upload_bytes(upload), upload.content_type)
    if jpeg is None:
        abort(404)
    record_access(db_session(), "attachment", [found.id], staff=signed_in_staff(), detail=f"preview:{upload.id}")
    db_session().commit()
    response = send_file(io.BytesIO(jpeg), mimetype="image/jpeg", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(upload.filename + ".jpg", inline=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- records (PDF) --------------------------------------------------------------------------

def _pdf(content: bytes, filename: str, inline: bool = True):
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=not inline,
                         download_name=filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/submissions/<number>/record.pdf")
@require_role(*PDF_ROLES)
def record_pdf(number: str):
    from formsvc.records import render_record  # the records package is optional at import time

    found = _submission_or_404(number)
    content = render_record(db_session(), found, current_tenant().name)
    record_access(db_session(), "pdf", [found.id], staff=signed_in_staff())
    db_session().commit()
    return _pdf(content, f"record-{found.reception_number}.pdf")


@blueprint.post("/submissions/<number>/archive")
@require_role(*PDF_ROLES)
def archive_pdf(number: str):
    """The archive PDF (PDF/A-3) is made by a worker; its page offers it when it is ready."""
    found = _submission_or_404(number)
    job = print_jobs.start_archive(db_session(), found, signed_in_staff())
    db_session().commit()
    return redirect(url_for("review.queue_job", job_id=job.id))


@blueprint.post("/queue/print")
@require_role(*PDF_ROLES)
def print_selected():
    """The selected applications as one PDF, laid out by the workers (formsvc.review.print_jobs):
    the page that follows shows how far they are and offers the PDF when it is ready."""
    print_form = PrintForm(request.form)
    numbers = list(dict.fromkeys(reception.normalise(n) for n in print_form.number.data if n.strip()))
    back = print_form.back.data or ""
    target = back if back.startswith("/staff/queue") else url_for("review.queue")
    if not numbers:
        return redirect(_with_notice(target, "nothing_selected"))
    if len(numbers) > MAX_BATCH:
        return redirect(_with_notice(target, "too_many"))
    found = {s.reception_number: s for s in db_session().scalars(
        select(Submission).where(Submission.reception_number.in_(numbers)))}
    chosen = [found[number] for number in numbers if number in found]
    if not chosen:
        abort(404)
    job = print_jobs.start_batch(db_session(), chosen, signed_in_staff(), f"records-{clock.now():%Y%m%d-%H%M}.pdf")
    db_session().commit()
    return redirect(url_for("review.queue_job", job_id=job.id, back=target))


@blueprint.get("/queue/jobs/<id:job_id>")
@require_role(*PDF_ROLES, *EXPORT_ROLES)
def queue_job(job_id: int):
    """A batch of records, an archive PDF or a long CSV export: how far it is, then its file."""
    job = _own_job(job_id)
    back = request.args.get("back", "")
    return render_template("review/queue_job.html", job=job, view=staff_jobs.progress_of(job),
                           back=back if back.startswith("/staff/queue") else url_for("review.queue"))


@blueprint.get("/queue/jobs/<id:job_id>/file")
@require_role(*PDF_ROLES, *EXPORT_ROLES)
def queue_job_file(job_id: int):
    job = _own_job(job_id)
    found = staff_jobs.result_of(db_session(), job)
    if found is None:
        return redirect(url_for("review.queue_job", job_id=job.id))
    record_access(db_session(), staff_jobs.ACCESS_ACTIONS[job.kind], job.payload["submission_ids"],
                  staff=signed_in_staff(), detail=job.payload.get("detail"))
    db_session().commit()
    if found.media_type == "application/pdf":
        return _pdf(found.content, job.payload["filename"], inline=job.kind != "print_archive")
    response = send_file(io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
                         download_name=job.payload["filename"], max_age=0)
    response.headers["Content-Type"] = found.media_type  # with its charset (Shift_JIS or utf-8)
    response.headers["Content-Disposition"] = content_disposition(job.payload["filename"])
    return response


def _own_job(job_id: int) -> Job:
    """The signed-in member's own job: another's is not found (its records are theirs to hand out)."""
    job = db_session().get(Job, job_id)
    if job is None or job.kind not in staff_jobs.KINDS or job.requested_by != signed_in_staff().username:
        abort(404)
    return job


@blueprint.errorhandler(StorageError)
def stored_file_unreadable(error: StorageError):
    """An attached file missing from its storage (folder, S3) or the storage unreachable: a page
    that says so, instead of the 500 page. The log names the class only (the message names the
    storage; the file's name is the resident's)."""
    missing = isinstance(error, StoredFileMissing)
    current_app.logger.error("stored upload unreadable on %s: %s", request.path, type(error).__name__)
    return error_page("review/file_unreadable.html", 404 if missing else 503, missing=missing)


@blueprint.get("/disposals")
@require_role(roles.ADMIN)
def disposals():
    """廃棄記録: the applications disposed of at the end of their retention, newest first."""
    shown = 200
    rows = db_session().scalars(select(retention.Disposal).order_by(retention.Disposal.id.desc()).limit(shown)).all()
    total = db_session().scalar(select(func.count(retention.Disposal.id)))
    return render_template("review/disposals.html", rows=rows, total=total, shown=shown,
                           status_labels=status.LABELS)


def _with_notice(target: str, notice: str) -> str:
    return f"{target}{'&' if '?' in target else '?'}notice={notice}"


# --- CSV export -----------------------------------------------------------------------------

@blueprint.get("/queue/export")
@require_role(*EXPORT_ROLES)
def export_options():
    """The export options page (encoding, はい/いいえ, dates, repeats…): formsvc.review.export_views."""
    return export_views.options_page()


@blueprint.post("/queue/export/job")
@require_role(*EXPORT_ROLES)
def export_job():
    """A long period's CSV, made by a worker (formsvc.review.export_jobs)."""
    return export_views.start_job()


@blueprint.get("/queue/export.csv")
@require_role(*EXPORT_ROLES)
def export_csv():
    return export_views.download()

