"""My applications (/my/): a signed-in resident's submissions and drafts, and only theirs."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Form, StringField, TextAreaField

from formsvc.applications.answers import Answers
from formsvc.applications.flow import CHECK, Flow
from formsvc.authentication.residents import Identity, current_identity
from formsvc.clock import JST, today
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.i18n import current_locale
from formsvc.navigation import return_path_after_sign_in
from formsvc.payments import service as payment_service
from formsvc.payments.status import summaries_of, summary_of
from formsvc.resident.context import remember_draft
from formsvc.resident.pages.application import resume_target
from formsvc.resident.versions import version_of
from formsvc.submissions import status
from formsvc.submissions.drafts import draft_lifetime
from formsvc.submissions.models import Draft, Submission, SubmissionEvent

blueprint = Blueprint("my", __name__, url_prefix="/my")


class WithdrawalForm(Form):
    """取り下げますか: はい ("yes") or いいえ, and the reason (optional). CSRF is checked by the
    app's CSRFProtect; the template adds the token."""

    confirm = StringField()
    reason = TextAreaField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"


def _identity_or_login() -> Identity:
    identity = current_identity()
    if identity is None:
        abort(redirect(url_for("auth.login", next=return_path_after_sign_in())))
    return identity


def _own_submission(identity: Identity, number: str) -> Submission:
    """The resident's own submission; 404 for anyone else's (never say it exists)."""
    submission = db_session().scalar(select(Submission).where(
        Submission.reception_number == number,
        Submission.resident_issuer == identity.issuer,
        Submission.resident_subject == identity.subject))
    if submission is None:
        abort(404)
    return submission


@blueprint.get("/")
def applications():
    identity = _identity_or_login()
    submissions = db_session().scalars(
        select(Submission).where(Submission.resident_issuer == identity.issuer,
                                 Submission.resident_subject == identity.subject)
        .order_by(Submission.created_at.desc())).all()
    drafts = db_session().scalars(
        select(Draft).outerjoin(Submission, Draft.correction_of == Submission.id)
        .where(Draft.resident_issuer == identity.issuer,
               Draft.resident_subject == identity.subject,
               Draft.submitted_at.is_(None), Draft.expires_at > utcnow(),
               # A correction is in progress only while the office still waits for it.
               or_(Draft.correction_of.is_(None), Submission.status == status.CORRECTION_REQUESTED))
        .order_by(Draft.updated_at.desc())).all()
    locale = current_locale()
    payments = summaries_of(db_session(), list(submissions))
    rows = [{"submission": s, "title": version_of(s.version_id).definition.title.get(locale),
             "status": status.label(s.status, locale), "payment": payments.get(s.id)} for s in submissions]
    draft_rows = [{"draft": d, "title": version_of(d.version_id).definition.title.get(locale)}
                  for d in drafts]
    return render_template("my/applications.html", rows=rows, drafts=draft_rows, identity=identity)


@blueprint.post("/drafts/<int:draft_id>/resume")
def resume(draft_id: int):
    identity = _identity_or_login()
    draft = db_session().get(Draft, draft_id)
    if draft is None or not identity.owns(draft.resident_issuer, draft.resident_subject) \
            or draft.submitted_at is not None or draft.expires_at <= utcnow():
        abort(404)
    # A new token: the draft now continues in this browser session only.
    draft.token = secrets.token_urlsafe(32)
    db_session().commit()
    remember_draft(draft.form_id, draft.token)
    target = resume_target(version_of(draft.version_id), draft)
    if target == CHECK:
        return redirect(url_for("resident.check", form_id=draft.form_id))
    return redirect(url_for("resident.question", form_id=draft.form_id, page_id=target))


@blueprint.get("/applications/<number>")
def application(number: str):
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    compiled = version_of(submission.version_id, submission.channel)
    # Walked as on the day (in Japan) it was submitted.
    flow = Flow(compiled.definition, Answers.from_json(submission.answers),
                submission.created_at.astimezone(JST).date())
    correction = next((e for e in reversed(submission.events) if e.kind == "correction_requested"), None)
    return render_template("my/application.html", submission=submission, definition=compiled.definition,
                           rows=flow.rows(current_locale()), events=submission.events,
                           status_label=status.label(submission.status, current_locale()),
                           correction=correction if submission.status == status.CORRECTION_REQUESTED else None,
                           can_withdraw=submission.status in status.WITHDRAWABLE,
                           payment=summary_of(db_session(), submission),
                           event_labels=status.EVENT_LABELS)


@blueprint.route("/applications/<number>/withdraw", methods=["GET", "POST"])
def withdraw(number: str):
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    if submission.status not in status.WITHDRAWABLE:
        return redirect(url_for("my.application", number=number))
    if request.method == "POST":
        form = WithdrawalForm(request.form)
        if form.confirmed():
            submission.status = status.WITHDRAWN
            db_session().add(SubmissionEvent(submission_id=submission.id, kind="withdrawn",
                                             actor="resident", comment=form.reason.data or None))
            # A fee already paid goes back: marked due in this same transaction (staff refund it).
            due = payment_service.mark_refund_due(db_session(), submission, "取下げ")
            if due is not None:
                db_session().add(SubmissionEvent(
                    submission_id=submission.id, kind=payment_service.EVENT_REFUND_DUE, actor="resident",
                    data={"payment_id": due.id, "reference": due.reference, "amount": due.amount,
                          "method": due.method, "reason": "取下げ"}))
            try:
                db_session().commit()
            except StaleDataError:
                # Staff changed it at the same moment (optimistic locking): show what it is now.
                db_session().rollback()
        return redirect(url_for("my.application", number=number))
    return render_template("my/withdraw.html", submission=submission,
                           title=version_of(submission.version_id).definition.title.get(current_locale()))


@blueprint.post("/applications/<number>/correct")
def correct(number: str):
    """Start answering a correction request: a draft holding the submitted answers."""
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    if submission.status != status.CORRECTION_REQUESTED:
        return redirect(url_for("my.application", number=number))
    started = db_session().scalar(select(Draft).where(
        Draft.correction_of == submission.id, Draft.submitted_at.is_(None), Draft.expires_at > utcnow(),
        Draft.resident_issuer == identity.issuer, Draft.resident_subject == identity.subject))
    if started is not None:
        # Already started (back, then the button again): continue it rather than start a second one.
        started.token = secrets.token_urlsafe(32)
        db_session().commit()
        remember_draft(submission.form_id, started.token)
        return redirect(url_for("resident.check", form_id=submission.form_id))
    compiled = version_of(submission.version_id)
    answers = Answers.from_json(submission.answers)
    flow = Flow(compiled.definition, answers, today())
    draft = Draft(
        token=secrets.token_urlsafe(32), form_id=submission.form_id, version_id=submission.version_id,
        answers=answers.to_json(), locale=current_locale(),
        completed_pages=[page.id for page in flow.visible_pages()],
        expires_at=utcnow() + draft_lifetime(owned=True),
        resident_issuer=identity.issuer, resident_subject=identity.subject,
        correction_of=submission.id,
    )
    db_session().add(draft)
    db_session().commit()
    remember_draft(submission.form_id, draft.token)
    return redirect(url_for("resident.check", form_id=submission.form_id))
