"""My applications (/my/): a signed-in resident's submissions and drafts, and only theirs."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Form, StringField, TextAreaField

from formsvc.applications.answers import Answers
from formsvc.applications.flow import CHECK, Flow
from formsvc.authentication.residents import Identity, current_identity
from formsvc.clock import JST, today
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.i18n import current_locale, t
from formsvc.navigation import return_path_after_sign_in
from formsvc.payments import models as payment_models
from formsvc.payments import service as payment_service
from formsvc.payments.status import UNPAID, PaymentSummary, needs_payment, summaries_of, summary_of
from formsvc.resident import payment_step
from formsvc.resident.context import draft_token, forget_draft, remember_draft
from formsvc.resident.pages.application import resume_target
from formsvc.resident.versions import version_of
from formsvc.submissions import corrections, status, storage
from formsvc.submissions.drafts import draft_lifetime
from formsvc.submissions.models import Draft, Submission, SubmissionEvent, Upload
from formsvc.tenants.context import all_municipalities, current_tenant_id
from formsvc.tenants.request_roots import root_of
from formsvc.tenants.resolution import directory

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
        .where(*_drafts_in_progress(identity)).order_by(Draft.updated_at.desc())).all()
    locale = current_locale()
    payments = summaries_of(db_session(), list(submissions))
    rows = [{"submission": s, "title": version_of(s.version_id).definition.title.get(locale),
             "status": status.label(s.status, locale, version_of(s.version_id).definition),
             "payment": payments.get(s.id)} for s in submissions]
    draft_rows = [{"draft": d, "title": version_of(d.version_id).definition.title.get(locale),
                   "saved_until": d.expires_at.astimezone(JST).date()} for d in drafts]
    return render_template("my/applications.html", rows=rows, drafts=draft_rows, identity=identity,
                           notice=_take_notice(_LIST), elsewhere=_elsewhere(identity))


def _drafts_in_progress(identity: Identity) -> tuple:
    """Conditions on Draft (outer-joined to the Submission it corrects) of the resident's drafts
    still in progress."""
    return (Draft.resident_issuer == identity.issuer, Draft.resident_subject == identity.subject,
            Draft.submitted_at.is_(None), Draft.expires_at > utcnow(),
            # A correction is in progress only while the office still waits for it.
            or_(Draft.correction_of.is_(None), Submission.status == status.CORRECTION_REQUESTED))


def _elsewhere(identity: Identity) -> list[dict]:
    """ほかの自治体への申請: the other municipalities of this deployment where this same resident
    (the card's identity is national: issuer and subject) has applications or drafts, with their
    counts and a link to 申請履歴 there. Read across municipalities on purpose, for this identity
    only; what they are stays on that municipality's own pages."""
    if len(directory().all()) < 2:
        return []  # a single-municipality install: nothing to look for
    here = current_tenant_id()
    with all_municipalities():
        sent = db_session().execute(
            select(Submission.tenant_id, func.count())
            .where(Submission.resident_issuer == identity.issuer, Submission.resident_subject == identity.subject,
                   Submission.tenant_id != here)
            .group_by(Submission.tenant_id)).all()
        started = db_session().execute(
            select(Draft.tenant_id, func.count()).select_from(Draft)
            .outerjoin(Submission, Draft.correction_of == Submission.id)
            .where(*_drafts_in_progress(identity), Draft.tenant_id != here)
            .group_by(Draft.tenant_id)).all()
    counts: dict[int, dict[str, int]] = {}
    for tenant_id, count in sent:
        counts.setdefault(tenant_id, {"sent": 0, "drafts": 0})["sent"] = count
    for tenant_id, count in started:
        counts.setdefault(tenant_id, {"sent": 0, "drafts": 0})["drafts"] = count
    found = []
    for tenant_id, numbers in counts.items():
        tenant = directory().get(tenant_id)
        if tenant is None or not tenant.active:
            continue
        root = root_of(tenant)
        found.append({"name": tenant.name, "code": tenant.code or "", "sent": numbers["sent"],
                      "drafts": numbers["drafts"], "url": root + "my/" if root else None})
    return sorted(found, key=lambda row: (row["code"], row["name"]))


@blueprint.post("/drafts/<id:draft_id>/resume")
def resume(draft_id: int):
    identity = _identity_or_login()
    draft = db_session().get(Draft, draft_id) if draft_id <= _MAX_ROW_ID else None
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
    correction = corrections.latest(submission)
    payment = summary_of(db_session(), submission)
    return render_template("my/application.html", submission=submission, definition=compiled.definition,
                           rows=flow.rows(current_locale()), events=submission.events,
                           status_label=status.label(submission.status, current_locale(), compiled.definition),
                           correction=correction,
                           correction_labels=_labels_of(compiled.definition, correction),
                           done_notice=_take_notice(number),
                           can_withdraw=submission.status in status.WITHDRAWABLE,
                           payment=payment, pay_again=_why_pay_again(submission, payment),
                           notice=payment_step.take_notice(number), pay_error=_take_pay_outcome(number),
                           event_labels=status.EVENT_LABELS)


# --- paying again: a コンビニ/Pay-easy number expired unpaid -------------------------------------------

_PAY_OUTCOME_KEY = "my_payment_outcome"


def _may_pay_again(submission: Submission, payment: PaymentSummary) -> bool:
    """An application sent online that must be paid before the decision and has nothing paid or
    awaiting (its number expired, or was cancelled), still open, with a provider to pay at."""
    return submission.channel == payment_models.ONLINE and payment.code == UNPAID and needs_payment(submission) \
        and submission.status in status.WITHDRAWABLE and payment_step.online_payment_enabled()


def _why_pay_again(submission: Submission, payment: PaymentSummary) -> str | None:
    """What happened, for the box that offers 「お支払い手続きへ」 (None: no box)."""
    if not _may_pay_again(submission, payment):
        return None
    latest = payment.payment
    if latest is not None and latest.method == payment_models.PAYEASY:
        return t("Pay-easy（ペイジー）でのお支払い期限が過ぎたため、お知らせした番号は使えなくなりました。",
                 "The Pay-easy payment deadline has passed, so the numbers we gave you can no longer be used.")
    if latest is not None and latest.method == payment_models.KONBINI:
        return t("コンビニでのお支払い期限が過ぎたため、お知らせした払込番号は使えなくなりました。",
                 "The deadline to pay at a convenience store has passed, so the payment number can no longer "
                 "be used.")
    return t("手数料のお支払いが確認できていません。", "We have not received the fee.")


@blueprint.post("/applications/<number>/pay")
def pay(number: str):
    """「お支払い手続きへ」: a new online payment of the application's fee, tied to it."""
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    if not _may_pay_again(submission, summary_of(db_session(), submission)):
        return redirect(url_for("my.application", number=number))
    title = version_of(submission.version_id).definition.title.get("ja")
    try:
        payment = payment_service.start_for_submission(
            db_session(), submission, title, url_for("my.payment_return", number=number, _external=True))
        if not payment.next_url:
            raise payment_service.PaymentUnavailable(payment_service.UNAVAILABLE)
    except payment_service.AlreadyPaid:
        db_session().rollback()  # paid or numbered meanwhile: the page shows it
        return redirect(url_for("my.application", number=number))
    except payment_service.PaymentUnavailable:
        db_session().rollback()
        current_app.logger.warning("payment provider unavailable for a sent application id=%s", submission.id)
        _keep_pay_outcome(number, "unavailable")
        return redirect(url_for("my.application", number=number))
    return redirect(payment.next_url)


@blueprint.get("/applications/<number>/payment/return")
def payment_return(number: str):
    """Back from the provider: asked (never believed from the redirect); paid money is applied
    to the application like any late payment (payment_received in its history)."""
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    latest = db_session().scalar(select(payment_models.Payment).where(
        payment_models.Payment.submission_id == submission.id,
        payment_models.Payment.channel == payment_models.ONLINE).order_by(payment_models.Payment.id.desc()).limit(1))
    if latest is None:
        return redirect(url_for("my.application", number=number))
    try:
        payment_service.refresh(db_session(), latest)
        db_session().commit()
    except payment_service.PaymentUnavailable:
        db_session().rollback()
        _keep_pay_outcome(number, "unavailable")
    except StaleDataError:
        db_session().rollback()  # the notification applied it at the same moment
    db_session().refresh(latest)
    if latest.status in (payment_models.FAILED, payment_models.CANCELLED, payment_models.ERROR):
        _keep_pay_outcome(number, "failed")
    return redirect(url_for("my.application", number=number))


def _keep_pay_outcome(number: str, outcome: str) -> None:
    kept = dict(session.get(_PAY_OUTCOME_KEY, {}))
    kept[number] = outcome
    session[_PAY_OUTCOME_KEY] = kept


def _take_pay_outcome(number: str) -> str | None:
    kept = dict(session.get(_PAY_OUTCOME_KEY, {}))
    outcome = kept.pop(number, None)
    if outcome is None:
        return None
    session[_PAY_OUTCOME_KEY] = kept
    if outcome == "unavailable":
        return t("ただいまお支払いの手続きを利用できません。しばらくしてから、もう一度お試しください。",
                 "Payment is not available at the moment. Please try again later.")
    return t("お支払いが完了していません。もう一度お支払い手続きをしてください。",
             "Your payment was not completed. Please try again.")


@blueprint.route("/applications/<number>/withdraw", methods=["GET", "POST"])
def withdraw(number: str):
    """A confirmation page (what is withdrawn, 「申請を取り下げる」 / 「取り下げない」), then the
    withdrawal; only while the application may still be withdrawn (status.WITHDRAWABLE)."""
    identity = _identity_or_login()
    submission = _own_submission(identity, number)
    if submission.status not in status.WITHDRAWABLE:
        _keep_notice(number, _ALREADY_WITHDRAWN if submission.status == status.WITHDRAWN else _NOT_WITHDRAWABLE)
        return redirect(url_for("my.application", number=number))
    if request.method == "POST":
        form = WithdrawalForm(request.form)
        if not form.confirmed():
            return redirect(url_for("my.application", number=number))
        submission.status = status.WITHDRAWN
        db_session().add(SubmissionEvent(submission_id=submission.id, kind="withdrawn",
                                         actor="resident", comment=_reason(form.reason.data)))
        # A fee already paid goes back: marked due in this same transaction (staff refund it).
        due = payment_service.mark_refund_due(db_session(), submission, "取下げ")
        if due is not None:
            db_session().add(SubmissionEvent(
                submission_id=submission.id, kind=payment_service.EVENT_REFUND_DUE, actor="resident",
                data={"payment_id": due.id, "reference": due.reference, "amount": due.amount,
                      "method": due.method, "reason": "取下げ"}))
        try:
            db_session().commit()
            _keep_notice(number, _WITHDRAWN)
        except StaleDataError:
            # Staff changed it at the same moment (optimistic locking): show what it is now.
            db_session().rollback()
            _keep_notice(number, _NOT_WITHDRAWABLE)
        return redirect(url_for("my.application", number=number))
    return render_template("my/withdraw.html", submission=submission,
                           title=version_of(submission.version_id).definition.title.get(current_locale()))


# The reason is free text kept with the audit event: bounded, without control characters.
_REASON_LIMIT = 1000


def _reason(text: str | None) -> str | None:
    cleaned = "".join(c for c in (text or "") if c in "\n\t" or c.isprintable()).strip()
    return cleaned[:_REASON_LIMIT] or None


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


# --- one-time messages on 申請履歴 and an application's page ---------------------------------------

_NOTICE_KEY = "my_notices"
_LIST = ""  # the key of 申請履歴's own message (reception numbers are never empty)
_WITHDRAWN, _ALREADY_WITHDRAWN = "withdrawn", "already_withdrawn"
_NOT_WITHDRAWABLE, _DRAFT_DELETED = "not_withdrawable", "draft_deleted"


def _keep_notice(key: str, code: str) -> None:
    kept = dict(session.get(_NOTICE_KEY, {}))
    kept[key] = code
    session[_NOTICE_KEY] = kept


def _take_notice(key: str) -> dict | None:
    """The message shown once (``text`` and ``kind``: success or warning), or None."""
    kept = dict(session.get(_NOTICE_KEY, {}))
    code = kept.pop(key, None)
    if code is None:
        return None
    session[_NOTICE_KEY] = kept
    if code == _WITHDRAWN:
        return {"kind": "success", "text": t("申請を取り下げました。", "Your application has been withdrawn.")}
    if code == _ALREADY_WITHDRAWN:
        return {"kind": "warning",
                "text": t("この申請は取り下げ済みです。", "This application has already been withdrawn.")}
    if code == _DRAFT_DELETED:
        return {"kind": "success", "text": t("入力途中の申請（下書き）を削除しました。", "The draft has been deleted.")}
    return {"kind": "warning", "text": t(
        "この申請は、審査が進んでいるため取り下げられません。取り下げたい場合は、担当課にお問い合わせください。",
        "This application can no longer be withdrawn because it has been decided or is being finished. "
        "Please contact the office.")}


def _labels_of(definition, correction: corrections.CorrectionRequest | None) -> list[str]:
    """The questions the office asked to correct, by their labels (in the definition's order)."""
    if correction is None or not correction.fields:
        return []
    locale = current_locale()
    labels = [spec.label.get(locale) for spec in definition.all_fields() if spec.label and correction.marks(spec.id)]
    return list(dict.fromkeys(labels))


# --- deleting a draft ------------------------------------------------------------------------------

# A payment made (or being made) from the draft keeps it: the money must reach an application.
_PAYMENT_KEEPS_DRAFT = (payment_models.STARTED, payment_models.PENDING, payment_models.SUCCESS)


_MAX_ROW_ID = 2**31 - 1


def _own_draft(identity: Identity, draft_id: int) -> Draft:
    """The resident's own unsent draft; 404 for anyone else's, a sent one or an expired one."""
    # An id past the column's range is nobody's (PostgreSQL would refuse to compare it).
    draft = db_session().get(Draft, draft_id) if draft_id <= _MAX_ROW_ID else None
    if draft is None or not identity.owns(draft.resident_issuer, draft.resident_subject) \
            or draft.submitted_at is not None or draft.expires_at <= utcnow() or draft.channel != "online":
        abort(404)
    return draft


@blueprint.route("/drafts/<id:draft_id>/delete", methods=["GET", "POST"])
def delete_draft(draft_id: int):
    """削除: a confirmation page, then the draft and its uploaded files are deleted."""
    identity = _identity_or_login()
    draft = _own_draft(identity, draft_id)
    title = version_of(draft.version_id).definition.title.get(current_locale())
    payment = payment_service.payment_for_draft(db_session(), draft)
    paying = payment is not None and payment.status in _PAYMENT_KEEPS_DRAFT
    if request.method == "POST" and not paying:
        if draft_token(draft.form_id) == draft.token:
            forget_draft(draft.form_id)  # this browser no longer points at it
        # Its files, with their stored objects (FORMSVC_UPLOAD_STORAGE) once this commits.
        storage.delete_stored(db_session(), Upload.draft_id == draft.id, Upload.submission_id.is_(None))
        db_session().delete(draft)
        db_session().commit()
        _keep_notice(_LIST, _DRAFT_DELETED)
        return redirect(url_for("my.applications"))
    page = render_template("my/delete_draft.html", draft=draft, title=title, paying=paying,
                           saved_until=draft.expires_at.astimezone(JST).date())
    return (page, 409) if paying and request.method == "POST" else page
