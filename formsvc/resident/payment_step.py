"""Paying the fee online before the application is sent (公金収納).

For a procedure whose fee is paid online (definition.fee.online_payment and a fee above zero),
the check page's button reads 「支払いへ進む」: pressing it starts a payment at the provider for
the fee computed here, on the server, from the stored answers, and sends the resident to the
provider's pages. They come back to the return page (``returned``), which never trusts the
redirect: it asks the provider how the payment stands (payments.service.refresh) and only a
paid payment (or a コンビニ/Pay-easy payment number) sends the application
(payments.service.complete_paid_draft, which computes the fee again and refuses another amount).

A paid application whose browser never came back (the cookie was lost, the tab was closed) is
sent by the provider's notification instead (formsvc.payments); the done page and My
applications show the payment either way.

What the return page learnt is shown once on the check page (a message kept in the session
for this procedure); a payment left unfinished (the resident pressed back at the provider)
is seen on the check page itself, with the choice to continue it or start again.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy.orm.exc import StaleDataError

from formsvc.db import session as db_session
from formsvc.forms.catalog import published, version_by_id
from formsvc.i18n import t
from formsvc.payments import models as payment_models
from formsvc.payments import providers
from formsvc.payments import service as payments
from formsvc.payments import status as payment_status
from formsvc.payments.models import Payment
from formsvc.resident.context import forget_draft, remember_submission, submitted_here
from formsvc.submissions.drafts import submission_of
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.status import CORRECTION_REQUESTED

# An attempt the resident may still finish at the provider (or set aside with 最初からやり直す).
_OPEN = frozenset({payment_models.CREATED, payment_models.STARTED})
# The check page's button, and the one that starts a new attempt beside an unfinished one.
PAY_LABEL = ("支払いへ進む", "Continue to payment")
RESTART = "restart"  # the value of the form's "payment" input for 「最初からやり直す」

# Why the resident is back on the check page, as told by the return page (shown once).
UNAVAILABLE, FAILED, CANCELLED, AMOUNT_CHANGED = "unavailable", "failed", "cancelled", "amount_changed"
CLOSED = "closed"  # the 受付期間 ended before the payment came: not sent, the money is given back
_OUTCOMES_KEY = "payment_outcomes"
# The application a payment sent last, by procedure: where the return page leads once the
# draft is used up.
_SENT_KEY = "payment_sent"
# What My applications says once about an application, by reception number (a correction the
# office stopped waiting for while the resident was paying).
NOTICE_KEY = "payment_notice"
CORRECTION_CLOSED_NOTICE = "correction_closed"

# What the provider said about a failed card payment (Payment.failure_reason), in words a
# resident can act on; anything else gets the general sentence alone.
_FAILURE_DETAILS = {
    "declined": ("カード会社がお支払いを承認しませんでした。",
                 "Your card issuer did not approve the payment. "),
    "3ds_failed": ("本人認証（3-Dセキュア）が完了しませんでした。",
                   "The card security check (3-D Secure) was not completed. "),
    "timeout": ("決済の処理が時間内に終わりませんでした。", "The payment was not processed in time. "),
}


@dataclass
class PaymentStep:
    """What the check page shows about paying, for the online channel."""

    amount: int
    # One sentence for the error summary (a failed or refused payment), or None.
    error: str | None
    # An attempt started for this amount and not finished: where to continue it.
    continue_url: str | None
    # Said with the closed 受付期間 (which replaces every payment error): the money is given back.
    refund_note: str | None = None

    @property
    def label(self) -> tuple[str, str]:
        return PAY_LABEL


# --- how much, and whether at all ------------------------------------------------------------

def online_payment_enabled() -> bool:
    """Whether a payment provider is configured. Without one (a municipality that has not
    contracted a provider), fees are paid afterwards as the procedure's fee.payment says."""
    return providers.configured() is not None


def amount_due(draft: Draft, definition, fee: Decimal | None) -> int | None:
    """The amount to pay online before ``draft`` is sent, or None when nothing is paid here.

    A correction (差し戻し) of an application whose fee was already paid is not paid again
    when the fee is the same; when the corrected answers change the fee, the new fee is paid
    (the earlier payment is then marked to be refunded, see payments.service.complete_paid_draft)."""
    if fee is None or fee <= 0 or definition.fee is None or not definition.fee.online_payment \
            or not online_payment_enabled():
        return None
    amount = int(fee)
    if draft.correction_of is not None:
        corrected = db_session().get(Submission, draft.correction_of)
        if corrected is not None and _paid(corrected) == amount:
            return None
    return amount


def _paid(submission: Submission) -> int | None:
    """The amount paid for ``submission`` and not refunded, or owed on a コンビニ/Pay-easy number
    still open (it pays the same fee: asking for it twice would charge twice). None: nothing."""
    summary = payment_status.summary_of(db_session(), submission)
    return summary.amount if summary.code in (payment_status.PAID, payment_status.AWAITING) else None


def step_for(draft: Draft, definition, fee: Decimal | None, form_id: str) -> PaymentStep | None:
    """The check page's payment box (None: this application is sent without paying here)."""
    amount = amount_due(draft, definition, fee)
    if amount is None:
        return None
    latest = payments.payment_for_draft(db_session(), draft)
    unfinished = latest is not None and latest.status == payment_models.STARTED and latest.amount == amount \
        and latest.next_url is not None and latest.answers_digest == payments.answers_digest(draft.answers)
    outcome = _take_outcome(form_id)
    return PaymentStep(amount=amount,
                       error=message(outcome, latest.failure_reason if latest is not None else None)
                       if outcome is not None else None,
                       continue_url=latest.next_url if unfinished and latest is not None else None,
                       refund_note=t("お支払いいただいた手数料は返金します。", "The fee you paid will be refunded.")
                       if outcome == CLOSED else None)


# --- 支払いへ進む -------------------------------------------------------------------------------

def pay(draft: Draft, definition, fee: Decimal | None, form_id: str):
    """The check page was sent and everything is answered: start (or reuse) the payment and
    send the resident to the provider; or, when this draft is paid already, send it."""
    amount = amount_due(draft, definition, fee)
    assert amount is not None  # the channel asks only when amount_due() says so
    latest = payments.payment_for_draft(db_session(), draft)
    if request.form.get("payment") == RESTART and latest is not None and latest.status in _OPEN:
        _cancel(latest)
    try:
        payment = payments.start_online(
            db_session(), draft, amount, definition.title.get("ja"),
            url_for("resident.payment_return", form_id=form_id, _external=True))
        db_session().commit()
        if not payment.next_url:  # a provider that gave no page to pay on cannot be used now
            raise payments.PaymentUnavailable(payments.UNAVAILABLE)
    except payments.PaymentUnavailable:
        db_session().rollback()
        current_app.logger.warning("payment provider unavailable form=%s draft=%s", form_id, draft.id)
        _keep_outcome(form_id, UNAVAILABLE)
        return redirect(url_for("resident.check", form_id=form_id))
    except payments.AlreadyPaid as already:
        # Paid (or a コンビニ number given) but not sent: the return page was missed. Send it
        # now, never a second payment; paid for other answers, it is refunded and the resident
        # pays the fee of the answers as they are now (complete_paid_draft decides).
        db_session().rollback()
        return _complete(already.payment, form_id, draft)
    current_app.logger.info("payment started form=%s payment=%s", form_id, payment.reference)
    return redirect(payment.next_url)


def _settled(payment: Payment) -> bool:
    """Paid, or a コンビニ/Pay-easy number given: the application may be sent on it."""
    return payment.status in (payment_models.SUCCESS, payment_models.PENDING) \
        and payment.refund_status == payment_models.NO_REFUND


def _cancel(payment: Payment) -> None:
    """「最初からやり直す」: the unfinished attempt is cancelled so that start_online makes a new
    one (it reuses an open attempt of the same amount). Telling the provider is best effort:
    a payment completed on the old page anyway counts once, and a second one is refunded
    (payments.service.complete_paid_draft)."""
    provider = providers.provider_named(payment.provider)
    if provider is not None and payment.provider_payment_id:
        with suppress(providers.ProviderUnavailable):
            provider.cancel(payment.provider_payment_id)
    payment.status, payment.failure_reason = payment_models.CANCELLED, "restarted"
    db_session().commit()


# --- the return page -----------------------------------------------------------------------

def returned(channel, form_id: str):
    """GET /forms/<form_id>/payment/return: the provider sent the resident back.

    The draft is the one in this browser's session; a ``?payment=`` in the address is never
    believed (another draft's payment does nothing here)."""
    draft = channel.find_draft(form_id)
    if draft is None:
        number = session.get(_SENT_KEY, {}).get(form_id)
        if number is not None and submitted_here(number):
            return redirect(url_for("resident.done", form_id=form_id, number=number))
        if g.get("login_timed_out"):
            # The sign-in ended while they were at the provider: the draft is kept with it, so
            # sign in again and come back here (as every application page does).
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), timed_out=1))
        return _not_found_here(form_id)
    sent = submission_of(db_session(), draft)
    if sent is not None:
        # Sent already (the notification came first, or the page was reloaded): this browser's
        # draft, so its confirmation.
        return _confirmation(form_id, sent)
    payment = payments.payment_for_draft(db_session(), draft)
    if payment is None:
        return redirect(url_for("resident.check", form_id=form_id))
    try:
        payment = payments.refresh(db_session(), payment)
        db_session().commit()
    except payments.PaymentUnavailable:
        db_session().rollback()
        current_app.logger.warning("payment provider unavailable on return form=%s", form_id)
        _keep_outcome(form_id, UNAVAILABLE)
        return redirect(url_for("resident.check", form_id=form_id))
    except StaleDataError:
        # The provider's notification changed the payment at the same moment: read it again.
        db_session().rollback()
        payment = payments.payment_for_draft(db_session(), draft)
        assert payment is not None
    if _settled(payment):
        return _complete(payment, form_id, draft)
    if payment.status == payment_models.SUCCESS:
        # Paid, but to be refunded: the notification could not send it (why: as _complete says).
        return _not_sent(draft, form_id)
    elif payment.status in (payment_models.FAILED, payment_models.ERROR):
        _keep_outcome(form_id, FAILED)
    elif payment.status == payment_models.CANCELLED:
        _keep_outcome(form_id, CANCELLED)
    # Still open (the resident pressed back): the check page offers to continue or start again.
    return redirect(url_for("resident.check", form_id=form_id))


def _complete(payment: Payment, form_id: str, draft: Draft | None = None):
    try:
        submission = payments.complete_paid_draft(db_session(), payment)
        db_session().commit()
    except StaleDataError:
        db_session().rollback()
        # A notification completed it meanwhile: the payment now names its submission.
        refreshed = db_session().get(Payment, payment.id)
        submission = db_session().get(Submission, refreshed.submission_id) \
            if refreshed is not None and refreshed.submission_id is not None else None
    if submission is None:
        current_app.logger.info("payment sent nothing form=%s payment=%s", form_id, payment.reference)
        found = draft if draft is not None else db_session().get(Draft, payment.draft_id or 0)
        return _not_sent(found, form_id)
    current_app.logger.info("submission stored after payment form=%s id=%s", form_id, submission.id)
    return _confirmation(form_id, submission)


def _not_sent(draft: Draft | None, form_id: str):
    """The payment was refused (refunded, or its number cancelled): say the one reason that
    applies. The 受付期間 closed: the check page says so (and nothing about paying again). The
    office stopped waiting for the correction: the application's page says so. Otherwise the
    answers are not those paid for (changed in another tab): confirm them and pay again."""
    definition = _definition_of(draft)
    reason = payments.not_sent_because(db_session(), draft, definition) \
        if draft is not None and definition is not None else None
    if reason == payments.CORRECTION_CLOSED and draft is not None and draft.correction_of is not None:
        return correction_closed(form_id, draft.correction_of)
    _keep_outcome(form_id, CLOSED if reason == payments.PERIOD_CLOSED else AMOUNT_CHANGED)
    return redirect(url_for("resident.check", form_id=form_id))


def correction_closed(form_id: str, corrected_id: int):
    """Like OnlineChannel.finish after NotCorrectable: the draft is let go, and My applications
    says once why the correction was not sent (and that a payment made for it is given back)."""
    forget_draft(form_id)
    # The return page again must not lead to a confirmation (that of the first sending).
    sent = dict(session.get(_SENT_KEY, {}))
    sent.pop(form_id, None)
    session[_SENT_KEY] = sent
    corrected = db_session().get_one(Submission, corrected_id)
    _keep(NOTICE_KEY, corrected.reception_number, CORRECTION_CLOSED_NOTICE)
    return redirect(url_for("my.application", number=corrected.reception_number))


def correction_is_closed(draft: Draft) -> bool:
    """A correction draft whose application no longer waits for it (decided or withdrawn)."""
    if draft.correction_of is None:
        return False
    corrected = db_session().get(Submission, draft.correction_of)
    return corrected is None or corrected.status != CORRECTION_REQUESTED


def take_notice(number: str) -> str | None:
    """The sentence My applications shows once about application ``number``, or None."""
    notices = dict(session.get(NOTICE_KEY, {}))
    notice = notices.pop(number, None)
    if notice is None:
        return None
    session[NOTICE_KEY] = notices
    if notice == CORRECTION_CLOSED_NOTICE:
        return t("修正の受付が終わっていたため、修正した内容は送信されませんでした。"
                 "修正のためにお支払いいただいた手数料は返金します。",
                 "Corrections were no longer accepted, so your corrected answers were not sent. "
                 "Any fee you paid for the correction will be refunded.")
    return None


def _definition_of(draft: Draft | None):
    if draft is None or draft.version_id is None:
        return None
    compiled = version_by_id(db_session(), draft.version_id, payment_models.ONLINE)
    return compiled.definition if compiled is not None else None


def _confirmation(form_id: str, submission: Submission):
    remember_submission(submission.reception_number)
    forget_draft(form_id)
    # The return page again (a reload, 戻る) finds the confirmation rather than "not found".
    _keep(_SENT_KEY, form_id, submission.reception_number)
    return redirect(url_for("resident.done", form_id=form_id, number=submission.reception_number))


def _not_found_here(form_id: str):
    """No application in progress in this browser: the session ended or another browser was
    used. A paid application is still sent (the provider's notification), so say so."""
    compiled = published(db_session(), form_id)
    return render_template("resident/payment_unknown.html", compiled=compiled,
                           definition=compiled.definition if compiled is not None else None)


# --- the message the check page shows once ----------------------------------------------------

def _keep_outcome(form_id: str, outcome: str) -> None:
    _keep(_OUTCOMES_KEY, form_id, outcome)


def _keep(key: str, form_id: str, value: str) -> None:
    kept = dict(session.get(key, {}))
    kept[form_id] = value
    session[key] = kept


def _take_outcome(form_id: str) -> str | None:
    outcomes = dict(session.get(_OUTCOMES_KEY, {}))
    outcome = outcomes.pop(form_id, None)
    if outcome is None:
        return None
    session[_OUTCOMES_KEY] = outcomes
    return outcome


def message(outcome: str, reason: str | None = None) -> str | None:
    """The sentence for the check page's error summary."""
    if outcome == FAILED:
        detail = _FAILURE_DETAILS.get(reason or "", ("", ""))
        return t(f"カードでのお支払いができませんでした。{detail[0]}"
                 "カードの情報を確かめるか、別のカードでもう一度お試しください。",
                 f"Your card payment did not go through. {detail[1]}"
                 "Check the card details, or try again with another card.")
    if outcome == CANCELLED:
        return t("お支払いが取り消されたため、申請はまだ送信されていません。もう一度お支払いください。",
                 "The payment was cancelled, so your application has not been sent. Please pay again.")
    if outcome == UNAVAILABLE:
        return t("ただいまお支払いの手続きを利用できません。入力した内容は保存されています。"
                 "しばらくしてから、もう一度お試しください。",
                 "Payment is not available at the moment. Your answers are saved. Please try again later.")
    if outcome == AMOUNT_CHANGED:
        return t("お支払いの手続きを始めた後で申請内容が変わったため、申請を送信できませんでした。"
                 "内容を確かめて、もう一度お支払いください。先にお支払いいただいた分は返金します。",
                 "Your answers changed after you started to pay, so the application was not sent. Check your "
                 "answers and pay again. Anything you paid before will be refunded.")
    return None
