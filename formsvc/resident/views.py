"""Resident pages: portal, start page, question pages, repeating pages, check, confirmation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from wtforms import Form, StringField

from formsvc import clock
from formsvc.applications.answers import Answers
from formsvc.applications.outcomes import documents as all_documents
from formsvc.applications.outcomes import sent
from formsvc.applications.prefill import apply_identity
from formsvc.authentication.residents import current_identity
from formsvc.clock import JST
from formsvc.db import session as db_session
from formsvc.db import utcnow
from formsvc.definitions.schema import LIFE_EVENT_LABELS
from formsvc.forms.catalog import (
    CompiledForm,
    all_receptions,
    draft_sending_closed,
    published,
    reception_on,
    version_by_id,
)
from formsvc.forms.periods import Reception
from formsvc.i18n import current_locale, t
from formsvc.japanese.postal import lookup as postal_lookup
from formsvc.navigation import safe_local_path
from formsvc.payments import service as payment_service
from formsvc.payments.status import summary_of
from formsvc.resident import channels, confirmation, payment_step
from formsvc.resident.after_submit import sent_from_here
from formsvc.resident.context import draft_token, forget_draft, remember_draft, remember_submission, submitted_here
from formsvc.resident.pages import register_pages
from formsvc.resident.pages.application import resume_target
from formsvc.resident.pages.navigation import page_url
from formsvc.resident.versions import version_of
from formsvc.submissions.drafts import draft_lifetime, find_draft, new_draft, submission_of
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.reception import display as display_reception
from formsvc.submissions.service import AlreadySubmitted, NotCorrectable, resubmit, submit

blueprint = Blueprint("resident", __name__)
# t() for templates imported without context too: the field templates' macros
# (templates/fields/_macros.html) are imported so, built once per worker instead of per question.
blueprint.add_app_template_global(t, "t")


# --- portal and start page ------------------------------------------------------------------

@blueprint.get("/")
def portal() -> str:
    query = request.args.get("q", "").strip()
    locale = current_locale()
    receptions = all_receptions(db_session(), clock.today())
    if query:
        # A search finds closed procedures too: a resident looking for one learns it has closed.
        receptions = [found for found in receptions if _matches(found.version, query)]
    else:
        # Browsing lists what can be applied for now, or soon (with the day it opens).
        receptions = [found for found in receptions if found.state != "closed"]
    forms = [found.version for found in receptions]
    # 受付期間外: 「この手続きは2027年4月1日から受け付けます」 under the procedure's title.
    notices = {found.version.id: found.notice(locale) for found in receptions if not found.is_open}
    by_event: dict[str, list[CompiledForm]] = {}
    for compiled in forms:
        for event in compiled.definition.life_events or []:
            by_event.setdefault(event, []).append(compiled)
    events = [(LIFE_EVENT_LABELS[event][0 if locale == "ja" else 1], by_event[event])
              for event in LIFE_EVENT_LABELS if event in by_event]
    by_department: dict[str, list[CompiledForm]] = {}
    for compiled in forms:
        by_department.setdefault(compiled.definition.department.name.get(locale), []).append(compiled)
    return render_template("resident/portal.html", forms=forms, events=events,
                           departments=sorted(by_department.items()), query=query, notices=notices)


def _matches(compiled: CompiledForm, query: str) -> bool:
    d = compiled.definition
    haystack = " ".join(filter(None, [d.title.ja, d.title.en, d.description.ja, d.description.en,
                                      d.department.name.ja])).lower()
    return all(word.lower() in haystack for word in query.split())


@blueprint.get("/forms/<form_id>/")
def start(form_id: str):
    found = _reception_or_404(form_id)
    compiled = found.version
    draft = _owned(find_draft(db_session(), draft_token(form_id), form_id))
    if draft is not None and submission_of(db_session(), draft):
        draft = None
    sent = sent_from_here(form_id) if draft is None else None
    return render_template("resident/start.html", compiled=compiled, definition=compiled.definition,
                           draft=draft, identity=current_identity(), reception=found,
                           sent=sent, sent_number=display_reception(sent.reception_number) if sent else None,
                           draft_closed=_sending_closed(draft) if draft is not None else None,
                           login_url=url_for("auth.login", next=request.path),
                           documents=all_documents(compiled.definition, current_locale()),
                           fee_text=compiled.definition.fee.description.get(current_locale())
                           if compiled.definition.fee and compiled.definition.fee.description else None)


class StartButtons(Form):
    """The start page's buttons: 申請を始める, or 続きから入力する ("resume") for a draft in
    progress. CSRF is checked by the app's CSRFProtect; the template adds the token."""

    resume = StringField()

    def resumes(self) -> bool:
        return bool(self.resume.data)


@blueprint.post("/forms/<form_id>/start")
def begin(form_id: str):
    found = _reception_or_404(form_id)
    compiled = found.version
    identity = current_identity()
    if compiled.definition.authentication == "required" and identity is None:
        return redirect(url_for("auth.login", next=url_for("resident.start", form_id=form_id)))
    with_existing = _owned(find_draft(db_session(), draft_token(form_id), form_id))
    if StartButtons(request.form).resumes() and with_existing is not None:
        return redirect(page_url(form_id, resume_target(version_of(with_existing.version_id), with_existing)))
    if not found.is_open:
        # 受付期間外: no new application; the start page says when it opens or that it closed.
        return redirect(url_for("resident.start", form_id=form_id))
    draft = new_draft(db_session(), compiled, current_locale())
    if identity is not None:
        draft.resident_issuer, draft.resident_subject = identity.issuer, identity.subject
        draft.answers = apply_identity(compiled.definition, Answers.from_json(draft.answers), identity).to_json()
        draft.expires_at = utcnow() + draft_lifetime(owned=True)
    db_session().commit()
    remember_draft(form_id, draft.token)
    return redirect(page_url(form_id, compiled.definition.pages[0].id))


def _owned(draft: Draft | None) -> Draft | None:
    """A draft belonging to a signed-in resident is theirs alone, even in the same browser."""
    if draft is None or draft.resident_subject is None:
        return draft
    identity = current_identity()
    return draft if identity is not None and identity.owns(draft.resident_issuer,
                                                           draft.resident_subject) else None


def _reception_or_404(form_id: str) -> Reception[CompiledForm]:
    """Whether ``form_id`` takes applications today (Japan time), with the version to show."""
    found = reception_on(db_session(), form_id, clock.today())
    if found is None:
        abort(404)
    return found


def _sending_closed(draft: Draft) -> str | None:
    """Why ``draft`` cannot be sent any more, or None. A draft keeps the version it started on,
    and can be sent until that version's 受付期間 ends (the check page refuses it after)."""
    compiled = version_by_id(db_session(), draft.version_id, draft.channel) if draft.version_id is not None else None
    return draft_sending_closed(db_session(), draft.form_id,
                                compiled.definition.valid_until if compiled is not None else None,
                                current_locale(), correction=draft.correction_of is not None)


def _published_or_404(form_id: str) -> CompiledForm:
    compiled = published(db_session(), form_id)
    if compiled is None:
        abort(404)
    return compiled


# --- the application pages, online ------------------------------------------------------------

class OnlineChannel(channels.Channel):
    """A resident applying online; the draft is found through a token in their session."""

    def find_draft(self, form_id: str) -> Draft | None:
        draft = _owned(find_draft(db_session(), draft_token(form_id), form_id))
        return draft if draft is None or draft.channel == "online" else None

    def prepare(self, draft: Draft, compiled: CompiledForm) -> None:
        identity = current_identity()
        if identity is None:
            return  # no sign-in: nothing to add (the answers are not even read)
        if draft.resident_subject is None:
            # Signed in after starting (an optional sign-in): the draft becomes theirs.
            draft.resident_issuer, draft.resident_subject = identity.issuer, identity.subject
        answers = Answers.from_json(draft.answers)
        if answers.identity is None:
            draft.answers = apply_identity(compiled.definition, answers, identity).to_json()
            db_session().commit()

    def no_application(self, form_id: str):
        compiled = _published_or_404(form_id)
        sent_here = sent_from_here(form_id)
        if sent_here is not None:
            # 戻る after 送信: say it was sent (never "start again": that would apply twice).
            return render_template("resident/already_sent.html", compiled=compiled,
                                   definition=compiled.definition, submission=sent_here,
                                   number=display_reception(sent_here.reception_number),
                                   identity=current_identity()), 200
        if g.get("login_timed_out"):
            # Their answers are kept with their sign-in: sign in again to carry on.
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), timed_out=1))
        return render_template("resident/expired.html", compiled=compiled,
                               definition=compiled.definition), 200

    def start_url(self, form_id: str) -> str:
        return url_for("resident.start", form_id=form_id)

    def leave_url(self, form_id: str) -> str:
        return url_for("resident.portal")

    def leave_label(self) -> tuple[str, str]:
        return ("手続きの一覧に戻る", "Back to all procedures")

    def payment_step(self, application):
        return payment_step.step_for(application.draft, application.definition, application.flow.fee(),
                                     application.form_id)

    def finish(self, application):
        """Store the submission, exactly once (a second POST finds the first one). A fee paid
        online is paid first: the payment step sends the application once it is paid."""
        draft, flow, form_id = application.draft, application.flow, application.form_id
        if submission_of(db_session(), draft) is None \
                and payment_step.amount_due(draft, application.definition, flow.fee()) is not None:
            if payment_step.correction_is_closed(draft) and draft.correction_of is not None:
                # Never take money for a correction the office no longer waits for.
                forget_draft(form_id)
                corrected = db_session().get_one(Submission, draft.correction_of)
                return redirect(url_for("my.application", number=corrected.reception_number))
            return payment_step.pay(draft, application.definition, flow.fee(), form_id)
        try:
            if draft.correction_of is not None:
                corrected = db_session().get_one(Submission, draft.correction_of)
                submission = resubmit(db_session(), corrected, draft, flow.pruned(), flow.fee())
                # Paid before for answers since corrected: what the new fee no longer needs goes back.
                payment_service.settle_after_correction(db_session(), submission)
            else:
                submission = submit(db_session(), draft, flow.pruned(), flow.fee())
            db_session().commit()
            current_app.logger.info("submission stored form=%s id=%s", form_id, submission.id)
        except AlreadySubmitted as already:
            db_session().rollback()
            submission = already.submission
        except NotCorrectable:
            db_session().rollback()
            forget_draft(form_id)
            corrected = db_session().get_one(Submission, draft.correction_of)
            return redirect(url_for("my.application", number=corrected.reception_number))
        remember_submission(submission.reception_number)
        forget_draft(form_id)
        return redirect(url_for("resident.done", form_id=form_id, number=submission.reception_number))


channels.register(blueprint.name, OnlineChannel())
register_pages(blueprint)


@blueprint.get("/forms/<form_id>/payment/return")
def payment_return(form_id: str):
    """Where the payment provider sends the resident back (formsvc.resident.payment_step)."""
    return payment_step.returned(channels.current_channel(), form_id)


@blueprint.get("/forms/<form_id>/done/<number>")
def done(form_id: str, number: str):
    if not submitted_here(number):
        abort(404)
    submission = db_session().query(Submission).filter_by(reception_number=number,
                                                           form_id=form_id).one_or_none()
    if submission is None:
        abort(404)
    compiled = version_of(submission.version_id, submission.channel)
    # What the answers lead to, from the values stored when it was sent (never computed again).
    after = sent(compiled.definition, submission.answers, submission.computed,
                 submission.created_at.astimezone(JST).date(), current_locale())
    resubmitted = confirmation.was_resubmitted(db_session(), submission)
    return render_template("resident/done.html", compiled=compiled, definition=compiled.definition,
                           submission=submission, number=display_reception(number),
                           payment=summary_of(db_session(), submission),
                           computed=after.groups(current_locale()), guidance=after.guidance,
                           resubmitted=resubmitted,
                           mail_to=confirmation.mail_address(db_session(), submission, resubmitted))


@blueprint.get("/postal-codes/<code>")
def postal_code_lookup(code: str):
    """JSON for the 住所を検索 button when JavaScript is on (the button works without it too)."""
    found = postal_lookup(code)
    if found is None:
        return jsonify(found=False), 404
    return jsonify(found=True, prefecture=found.prefecture, city=found.city, town=found.town)


@blueprint.get("/language/<locale>")
def switch_language(locale: str):
    if locale in ("ja", "en"):
        session["lang"] = locale
    return redirect(safe_local_path(request.args.get("next")) or "/")
