"""Paying a fee: online through the configured provider before the application is sent, or 収納
at the counter; refunds after a rejection or withdrawal.

Rules kept here, whoever calls:
- The amount is the fee computed on the server (the caller passes Flow.fee(); complete_paid_draft
  computes it again before submitting). A provider saying another amount never makes it paid.
- The service never trusts the return redirect: ``refresh`` asks the provider, and a signed
  notification (``apply_notification``) says the same thing asynchronously. Whichever comes
  first submits the draft (``complete_paid_draft``); the other finds it done.
- A payment is applied once: notifications are kept by event id (unique per provider), a draft
  becomes one submission (unique draft_id), and Payment.lock_version refuses a change made
  against an older row (the return page and a notification arriving together).
- A provider call is made with nothing of ours uncommitted: we record what we are about to do,
  commit, call, then record the outcome. A crash in between leaves a row that says what to
  retry (with the same idempotency key), and on SQLite the in-process mock provider, which writes
  with its own connection, never waits for our write lock. So ``start_online`` and ``refund``
  commit the session; the other functions leave committing to the caller.

Nothing personal goes to the log: payments are named by their reference.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from contextlib import suppress

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from formsvc.applications.answers import Answers
from formsvc.applications.completion import completion
from formsvc.clock import today
from formsvc.db import database, utcnow
from formsvc.forms.catalog import draft_sending_closed, version_by_id
from formsvc.payments import models, providers
from formsvc.payments.models import Payment, PaymentNotification
from formsvc.payments.notifications import InvalidNotification
from formsvc.payments.providers import Notification, PaymentProvider, ProviderPayment
from formsvc.staff.models import StaffUser
from formsvc.submissions import status as submission_status
from formsvc.submissions.drafts import submission_of
from formsvc.submissions.models import CounterVisit, Draft, Submission, SubmissionEvent
from formsvc.submissions.service import AlreadySubmitted, NotCorrectable, resubmit, submit
from formsvc.submissions.status import CORRECTION_REQUESTED
from formsvc.tenants.context import all_municipalities
from formsvc.tenants.resolution import current_tenant

log = logging.getLogger(__name__)

UNAVAILABLE = ("ただいまオンラインでのお支払いを受け付けられません。入力した内容は保存されています。"
               "しばらくしてからもう一度お試しください。")
NOT_CONFIGURED = "この環境ではオンラインでのお支払いを受け付けていません。窓口でお支払いください。"

# Payment events in the application's history (labels: formsvc.submissions.status.EVENT_LABELS).
EVENT_RECEIVED = "payment_received"      # paid online (confirmed by the provider) or 収納 at the counter
EVENT_AWAITING = "payment_awaiting"      # sent with a コンビニ/Pay-easy number: the money comes later
EVENT_REFUND_DUE = "refund_due"          # to be given back (rejected, withdrawn, paid twice, wrong amount)
EVENT_REFUNDED = "payment_refunded"
EVENT_REFUND_FAILED = "payment_refund_failed"
PAYMENT_EVENTS = (EVENT_RECEIVED, EVENT_AWAITING, EVENT_REFUND_DUE, EVENT_REFUNDED, EVENT_REFUND_FAILED)

# The actor of events the provider caused (a notification, a refund confirmed later).
PROVIDER_ACTOR = "system"

_UNFINISHED = (models.CREATED, models.STARTED, models.PENDING)
# A refund that may be (tried) again: due, refused by the provider the last time, or asked of
# the provider with no answer recorded (the process stopped in between). Asking again sends
# the same idempotency key, so the provider gives the money back once.
REFUNDABLE = frozenset({models.REFUND_DUE, models.REFUND_FAILED, models.REFUND_SUBMITTED})
_STATES = {  # the provider's state → ours
    providers.CREATED: models.STARTED, providers.STARTED: models.STARTED, providers.SUBMITTED: models.STARTED,
    providers.PENDING: models.PENDING, providers.SUCCESS: models.SUCCESS, providers.FAILED: models.FAILED,
    providers.CANCELLED: models.CANCELLED, providers.ERROR: models.ERROR,
}


# Why complete_paid_draft sent nothing although the payment was paid or numbered (not_sent_because).
PERIOD_CLOSED = "period_closed"          # the 受付期間 of the draft's version ended meanwhile
CORRECTION_CLOSED = "correction_closed"  # staff stopped waiting for the correction meanwhile
ANSWERS_CHANGED = "answers_changed"      # the answers (or their fee) are not those paid for
INCOMPLETE = "incomplete"                # the draft is gone, or no longer complete


class PaymentUnavailable(Exception):
    """The provider is down, timed out or refused: ``str(e)`` is a Japanese message for residents."""


class AlreadyPaid(Exception):
    def __init__(self, payment: Payment):
        super().__init__(payment.reference)
        self.payment = payment


class NotRefundable(Exception):
    """Nothing of this payment is to be refunded (not paid, or refunded already)."""


class UnknownProvider(LookupError):
    pass


class UnknownPayment(LookupError):
    """A notification about a payment this service never made."""


class _TryAgain(Exception):
    """A concurrent request changed the draft's attempts (or one finished): look at them again."""


# --- online -------------------------------------------------------------------------------------

def start_online(session: Session, draft: Draft, amount: int, description: str, return_url: str) -> Payment:
    """A started payment of the draft's fee, with ``next_url`` (the provider's page) set.

    A started payment of the same draft and amount is reused (a double click, or 戻る from the
    provider's page), after asking the provider that it is still open. Otherwise the older
    unfinished attempts are cancelled and a new one is made with a fresh idempotency key. A
    payment that could not reach the provider is retried with its own key, so a provider that
    made it before timing out makes no second one. Commits the session.

    Raises AlreadyPaid (the draft's fee is paid or has a コンビニ number: complete it instead),
    PaymentUnavailable (no provider, provider down or refusing).
    """
    if amount <= 0:
        raise ValueError("nothing to pay")
    # The answers confirmed on the check page: the application is sent on this payment only
    # with exactly these (complete_paid_draft), even when another tab changed them to the same fee.
    digest = answers_digest(draft.answers)

    def new_attempt(provider: PaymentProvider, number: int) -> Payment | None:
        return _new_attempt(session, draft, amount, provider, number, digest)

    return _start(session, lambda: _attempts(session, draft), new_attempt, amount, digest, description,
                  return_url)


def start_for_submission(session: Session, submission: Submission, description: str, return_url: str) -> Payment:
    """A started payment of a sent application's fee (``next_url`` set), tied to it from the
    start: for an application sent on a コンビニ/Pay-easy number that expired unpaid. The money is
    applied like any late payment (``_attach``: payment_received in its history). Commits the
    session. Raises AlreadyPaid (paid, or a number still open), PaymentUnavailable."""
    amount = submission.fee or 0
    if amount <= 0:
        raise ValueError("nothing to pay")

    def attempts() -> list[Payment]:
        return list(session.scalars(select(Payment).where(
            Payment.submission_id == submission.id, Payment.channel == models.ONLINE).order_by(Payment.id)))

    def new_attempt(provider: PaymentProvider, number: int) -> Payment | None:
        payment = Payment(reference=new_reference(),
                          idempotency_key=_key("submission", str(submission.id), str(number)),
                          provider=provider.name, channel=models.ONLINE, form_id=submission.form_id,
                          submission_id=submission.id, amount=amount, status=models.CREATED)
        return _store_attempt(session, payment)

    return _start(session, attempts, new_attempt, amount, None, description, return_url)


def _start(session: Session, attempts_of: Callable[[], list[Payment]],
           new_attempt: Callable[[PaymentProvider, int], Payment | None], amount: int, digest: str | None,
           description: str, return_url: str) -> Payment:
    provider = providers.configured()
    if provider is None:
        raise PaymentUnavailable(NOT_CONFIGURED)
    for _ in range(3):  # a concurrent request may take our attempt number: use its row
        try:
            return _start_attempt(session, attempts_of(), new_attempt, amount, digest, provider, description,
                                  return_url)
        except _TryAgain:
            continue
        except StaleDataError:
            # A concurrent request (a double click) updated the attempt we reused: start again
            # from what it stored (the attempt is then STARTED, and reused).
            session.rollback()
    raise PaymentUnavailable(UNAVAILABLE)


def _start_attempt(session: Session, attempts: list[Payment],
                   new_attempt: Callable[[PaymentProvider, int], Payment | None], amount: int,
                   digest: str | None, provider: PaymentProvider, description: str, return_url: str) -> Payment:
    for attempt in attempts:
        if attempt.status == models.SUCCESS and attempt.refund_status == models.NO_REFUND:
            raise AlreadyPaid(attempt)
        if attempt.status == models.PENDING and attempt.amount == amount and attempt.answers_digest == digest:
            raise AlreadyPaid(attempt)
    # Reused only for the same amount and the same answers (a double click, 戻る from the provider).
    payment = next((a for a in reversed(attempts) if a.status in (models.CREATED, models.STARTED)
                    and a.amount == amount and a.answers_digest == digest and a.provider == provider.name), None)
    if payment is not None and payment.status == models.STARTED:
        refresh(session, payment)
        _commit(session)
        if payment.status == models.STARTED and payment.next_url:
            return payment
        if payment.status in (models.SUCCESS, models.PENDING):
            raise AlreadyPaid(payment)
        raise _TryAgain  # finished meanwhile (failed, cancelled): a new attempt
    if payment is None:
        payment = new_attempt(provider, len(attempts) + 1)
        if payment is None:
            raise _TryAgain
    return _create_at_provider(session, payment, provider, description, return_url,
                               [a for a in attempts if a is not payment and a.status in _UNFINISHED])


def _attempts(session: Session, draft: Draft) -> list[Payment]:
    """The draft's online payments, oldest first (created since the draft: SQLite may reuse a
    purged draft's id)."""
    return list(session.scalars(select(Payment).where(
        Payment.draft_id == draft.id, Payment.channel == models.ONLINE, Payment.form_id == draft.form_id,
        Payment.created_at >= draft.created_at).order_by(Payment.id)))


def _new_attempt(session: Session, draft: Draft, amount: int, provider: PaymentProvider,
                 number: int, digest: str) -> Payment | None:
    """Store attempt ``number`` (committed), or None when a concurrent request stored it first.
    The key is derived from the draft's secret token and the attempt number, so that two
    requests racing for the same attempt collide on it instead of making two payments."""
    payment = Payment(reference=new_reference(), idempotency_key=_key("draft", draft.token, str(number)),
                      provider=provider.name, channel=models.ONLINE, form_id=draft.form_id, draft_id=draft.id,
                      amount=amount, answers_digest=digest, status=models.CREATED)
    return _store_attempt(session, payment)


def _store_attempt(session: Session, payment: Payment) -> Payment | None:
    session.add(payment)
    try:
        _commit(session)
    except IntegrityError:
        session.rollback()
        return None
    return payment


def _create_at_provider(session: Session, payment: Payment, provider: PaymentProvider, description: str,
                        return_url: str, older: list[Payment]) -> Payment:
    try:
        made = provider.create(amount=payment.amount, reference=payment.reference, description=description[:200],
                               return_url=return_url, idempotency_key=payment.idempotency_key)
    except providers.ProviderRefused as refused:
        payment.status, payment.failure_reason = models.ERROR, "refused"
        _commit(session)
        log.warning("payment %s refused by provider %s", payment.reference, provider.name)
        raise PaymentUnavailable(str(refused)) from None
    except providers.ProviderUnavailable:
        # Left CREATED: the next attempt sends the same idempotency key.
        payment.failure_reason = "unavailable"
        _commit(session)
        log.warning("payment %s: provider %s unavailable", payment.reference, provider.name)
        raise PaymentUnavailable(UNAVAILABLE) from None
    for replaced in older:
        if replaced.provider_payment_id and replaced.provider == provider.name:
            # Best effort: a late success of the replaced one is refunded (complete_paid_draft).
            with suppress(providers.ProviderUnavailable):
                provider.cancel(replaced.provider_payment_id)
        replaced.status, replaced.failure_reason = models.CANCELLED, "replaced"
    payment.provider_payment_id = made.payment_id
    payment.failure_reason = None
    _apply_state(session, payment, made)
    payment.next_url = made.next_url
    _commit(session)
    log.info("payment %s started at %s", payment.reference, provider.name)
    return payment


def payment_for_draft(session: Session, draft: Draft) -> Payment | None:
    """The draft's newest online payment (made since the draft: SQLite may give a purged draft's
    id to a new one, whose browser must never be led to the earlier resident's payment)."""
    return session.scalar(select(Payment).where(
        Payment.draft_id == draft.id, Payment.channel == models.ONLINE, Payment.form_id == draft.form_id,
        Payment.created_at >= draft.created_at).order_by(Payment.id.desc()).limit(1))


def answers_digest(answers: object) -> str:
    """SHA-256 of the canonical JSON of a draft's stored answers."""
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def refresh(session: Session, payment: Payment) -> Payment:
    """Ask the provider where the payment stands and record it (the return redirect proves
    nothing). Raises PaymentUnavailable when the provider cannot be asked."""
    if payment.channel != models.ONLINE or not payment.provider_payment_id:
        return payment
    provider = providers.provider_named(payment.provider)
    if provider is None:
        raise PaymentUnavailable(NOT_CONFIGURED)
    try:
        found = provider.get(payment.provider_payment_id)
    except (providers.ProviderUnavailable, providers.UnknownProviderPayment):
        log.warning("payment %s: provider %s could not be asked", payment.reference, payment.provider)
        raise PaymentUnavailable(UNAVAILABLE) from None
    _apply_state(session, payment, found)
    return payment


def _apply_state(session: Session, payment: Payment, found: ProviderPayment) -> str:
    """Record what the provider says of ``payment``; what it did: "applied", "ignored" or
    "refund_due" (paid an amount that is not the fee: never paid, to be given back)."""
    new = _STATES[found.status]
    if found.method:
        payment.method = found.method[:16]
    if new == models.SUCCESS and found.amount != payment.amount:
        if payment.refund_status != models.NO_REFUND:
            return "ignored"
        payment.status, payment.failure_reason = models.ERROR, "amount_mismatch"
        log.warning("payment %s: provider reports another amount; marked for refund", payment.reference)
        _refund_due(session, payment, "支払われた金額が手数料と一致しません")
        return "refund_due"
    if payment.status == new or payment.status == models.SUCCESS or payment.status == models.ERROR:
        return "ignored"  # paid stays paid; a refund is its own notification
    if payment.status in (models.FAILED, models.CANCELLED) and new != models.SUCCESS:
        return "ignored"  # a late success is the one move out of a finished state: the money came
    if new == models.STARTED and payment.status == models.PENDING:
        return "ignored"
    was = payment.status
    payment.status = new
    if new == models.SUCCESS:
        payment.paid_at = utcnow()
        payment.failure_reason = None
        if was == models.CANCELLED:
            # We gave this attempt up (replaced by a newer one, or its application withdrawn or
            # rejected and the number cancelled), yet the money came: it is never used, only given back.
            _refund_due(session, payment, "取り消した支払いに後から入金がありました")
            return "refund_due"
        if payment.submission_id is not None:
            # A コンビニ/Pay-easy payment tied to its application when it was sent: the money
            # has come, with the same checks as any payment arriving (paid twice, withdrawn …).
            submission = session.get(Submission, payment.submission_id)
            if submission is not None:
                _attach(session, payment, submission)
            if payment.refund_status != models.NO_REFUND:
                return "refund_due"
    elif new == models.PENDING:
        payment.payment_number = found.payment_number
        payment.pay_by = found.pay_by
    elif new in (models.FAILED, models.CANCELLED, models.ERROR):
        payment.failure_reason = (found.code or new)[:64]
    return "applied"


def complete_paid_draft(session: Session, payment: Payment) -> Submission | None:
    """Send the draft a paid (or コンビニ/Pay-easy numbered) payment belongs to, and tie the payment
    to the submission; the submission it already has when that was done before.

    Used by the return page and by the notification, so that an application paid but not sent
    (the browser closed on the provider's page) is sent all the same. The answers are checked and
    the fee computed again on the server: a draft no longer complete, or a fee that is not the
    amount paid, gets no submission, and a paid amount is marked to be refunded. A second paid
    payment for an application already paid is tied to it and marked to be refunded.
    """
    if payment.submission_id is not None:
        return session.get(Submission, payment.submission_id)
    if (payment.channel != models.ONLINE or payment.status not in (models.SUCCESS, models.PENDING)
            or payment.refund_status != models.NO_REFUND):
        return None
    draft = session.get(Draft, payment.draft_id) if payment.draft_id is not None else None
    if draft is None or draft.form_id != payment.form_id or draft.created_at > payment.created_at:
        _not_sent(session, payment, "申請の入力内容が見つかりません（保存期間切れ）")
        return None
    existing = submission_of(session, draft)
    if existing is not None:
        return _attach(session, payment, existing)
    compiled = version_by_id(session, draft.version_id) if draft.version_id is not None else None
    if compiled is None:
        return None
    definition = compiled.definition.for_channel(models.ONLINE)
    refused = not_sent_because(session, draft, definition)
    if refused == PERIOD_CLOSED:
        # An application is sent only within its 受付期間: money arriving after it closed is given back.
        log.info("payment %s: the application period had closed; not sent", payment.reference)
        _not_sent(session, payment, "受付期間が終了した後に支払われたため、申請を送信できませんでした")
        return None
    if refused == CORRECTION_CLOSED:
        _not_sent(session, payment, "修正の受付が終わっていたため、送信できませんでした")
        return None
    ready = completion(definition, Answers.from_json(draft.answers), draft.completed_pages, today())
    if not ready.ready or ready.fee is None or int(ready.fee) != payment.amount \
            or (payment.answers_digest is not None and payment.answers_digest != answers_digest(draft.answers)):
        log.warning("payment %s: the draft is incomplete or changed since paying started; not sent",
                    payment.reference)
        _not_sent(session, payment, "申請の内容が支払い後に変わったため、送信できませんでした")
        return None
    paid = payment.status == models.SUCCESS
    event = {"payment": payment.reference}
    try:
        if draft.correction_of is not None:
            corrected = session.get_one(Submission, draft.correction_of)
            try:
                submission = resubmit(session, corrected, draft, ready.answers, ready.fee)
            except NotCorrectable:
                # Changed by staff between our look and resubmit's: the draft stays unsent (resubmit
                # marked it used before finding out), so nothing claims it was sent.
                session.execute(update(Draft).where(Draft.id == draft.id).values(submitted_at=None))
                raise
            # Sent through the payment step: the fee must be paid before the decision (an
            # application first sent without one, e.g. before a provider was configured, too).
            submission.payment_required = True
        else:
            submission = submit(session, draft, ready.answers, ready.fee, event_data=event, payment_required=True)
    except AlreadySubmitted as already:  # the return page and the notification at the same moment
        return _attach(session, payment, already.submission)
    except NotCorrectable:
        _not_sent(session, payment, "修正の受付が終わっていたため、送信できませんでした")
        return None
    payment.submission_id = submission.id
    _event(session, submission, EVENT_RECEIVED if paid else EVENT_AWAITING, payment, PROVIDER_ACTOR)
    if draft.correction_of is not None:
        _settle_others(session, payment, submission)
    log.info("payment %s: application sent", payment.reference)
    return submission


def not_sent_because(session: Session, draft: Draft, definition) -> str | None:
    """Why ``draft`` can no longer be sent whatever was paid (PERIOD_CLOSED, CORRECTION_CLOSED),
    or None. ``definition``: the draft's version as the online channel reads it."""
    if draft_sending_closed(session, draft.form_id, definition.valid_until,
                            correction=draft.correction_of is not None):
        return PERIOD_CLOSED
    if draft.correction_of is not None:
        corrected = session.get(Submission, draft.correction_of)
        if corrected is None or corrected.status != CORRECTION_REQUESTED:
            return CORRECTION_CLOSED
    return None


def _not_sent(session: Session, payment: Payment, reason: str) -> None:
    """``payment`` sends nothing: paid, it is given back (by the system: it has no application);
    a コンビニ/Pay-easy number is cancelled so that it cannot be paid any more."""
    if payment.status == models.SUCCESS:
        _refund_due(session, payment, reason)
    elif payment.status == models.PENDING:
        _cancel_pending(session, payment, "not_sent")


def settle_after_correction(session: Session, submission: Submission) -> list[Payment]:
    """A correction sent without a payment step (its fee already covered, or now nothing to pay
    online: fee 0, online payment off, no provider): the payments kept beyond what the new fee
    needs are given back (refund due, with the event), a コンビニ number no longer needed is
    cancelled. One payment of exactly the fee (paid or numbered) is kept. Returns those made due.
    When nothing covers a fee that is no longer paid online, the fee is paid as the procedure says
    (afterwards), so the application no longer waits for an online payment."""
    fee = submission.fee or 0
    payments = [p for p in session.scalars(select(Payment).where(Payment.submission_id == submission.id)
                                           .order_by(Payment.id))
                if p.refund_status == models.NO_REFUND and p.status in (models.SUCCESS, models.PENDING)]
    covering = next((p for p in payments if p.status == models.SUCCESS and p.amount == fee and fee > 0), None) \
        or next((p for p in payments if p.status == models.PENDING and p.amount == fee and fee > 0), None)
    due = []
    for payment in payments:
        if payment is covering:
            continue
        if payment.status == models.PENDING:
            _cancel_pending(session, payment, "replaced")
        else:
            _refund_due(session, payment, "修正により手数料が変わったため、お支払いいただいた手数料をお返しします")
            due.append(payment)
    if covering is None and fee > 0:
        submission.payment_required = False
    return due


def _attach(session: Session, payment: Payment, submission: Submission) -> Submission:
    """Tie ``payment`` to ``submission`` (sent before, by the return page or the notification,
    or the payment's money arrived later): a paid one counts only when the application still
    wants it, else it is to be given back."""
    payment.submission_id = submission.id
    if payment.status != models.SUCCESS:
        return submission
    kept = [p for p in _others(session, payment, submission) if p.status == models.SUCCESS]
    if submission.status in (submission_status.REJECTED, submission_status.WITHDRAWN):
        _refund_due(session, payment, "申請が却下または取り下げられた後に支払われました")
    elif payment.amount != submission.fee:
        _refund_due(session, payment, "支払われた金額が申請の手数料と一致しません")
    elif any(p.amount == payment.amount for p in kept):
        _refund_due(session, payment, "同じ申請の手数料が二重に支払われました")
    else:
        _event(session, submission, EVENT_RECEIVED, payment, PROVIDER_ACTOR)
        _settle_others(session, payment, submission)
    return submission


def _others(session: Session, payment: Payment, submission: Submission) -> list[Payment]:
    """The submission's other payments that nothing is to be refunded of."""
    return [p for p in session.scalars(select(Payment).where(Payment.submission_id == submission.id)
                                       .order_by(Payment.id))
            if p.id != payment.id and p.refund_status == models.NO_REFUND]


def _settle_others(session: Session, payment: Payment, submission: Submission) -> None:
    """``payment`` is the whole fee of ``submission`` as it is now: a コンビニ number still open is
    no longer needed (cancelled here and, after the commit, at the provider), and an earlier fee
    paid for answers since corrected to another fee is to be given back."""
    if payment.status != models.SUCCESS or payment.amount != submission.fee:
        return
    for other in _others(session, payment, submission):
        if other.status == models.PENDING:
            _cancel_pending(session, other, "replaced")
        elif other.status == models.SUCCESS and other.amount != payment.amount:
            _refund_due(session, other, "修正により手数料が変わり、新しい手数料が支払われました")


def _cancel_pending(session: Session, payment: Payment, reason: str) -> None:
    """A コンビニ/Pay-easy number no longer to be paid: cancelled in our table and, once this is
    committed, at the provider (best effort: money paid on it all the same is refunded, see _apply_state)."""
    payment.status, payment.failure_reason = models.CANCELLED, reason
    if payment.provider_payment_id:
        _after_commit(session, payment, _cancel_at_provider)


# --- at the counter -----------------------------------------------------------------------------

def record_counter(session: Session, submission: Submission, method: str, staff: StaffUser,
                   visit: CounterVisit | None) -> Payment:
    """収納: the fee of a received counter application, taken in cash or cashless. AlreadyPaid
    when it is paid (a double click stores one payment: the attempt number is in a unique key)."""
    if method not in (models.CASH, models.CASHLESS):
        raise ValueError(f"unknown counter payment method {method!r}")
    if not submission.fee or submission.fee <= 0:
        raise ValueError("the application has no fee")
    earlier = list(session.scalars(select(Payment).where(Payment.submission_id == submission.id)))
    for payment in earlier:
        if payment.status == models.SUCCESS and payment.refund_status == models.NO_REFUND:
            raise AlreadyPaid(payment)
    payment = Payment(reference=new_reference(),
                      idempotency_key=_key("counter", str(submission.id), str(len(earlier) + 1)),
                      provider="counter", channel=models.COUNTER, method=method, form_id=submission.form_id,
                      submission_id=submission.id, visit_id=visit.id if visit is not None else submission.visit_id,
                      staff_id=staff.id, amount=submission.fee, status=models.SUCCESS, paid_at=utcnow())
    # No savepoint: with SQLite's driver one opened outside a transaction would commit the
    # payment alone. A double click's loser rolls its transaction back and is told who won.
    session.add(payment)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        winner = session.scalar(select(Payment).where(Payment.submission_id == submission.id,
                                                      Payment.status == models.SUCCESS,
                                                      Payment.refund_status == models.NO_REFUND))
        if winner is None:
            raise
        raise AlreadyPaid(winner) from None
    _event(session, submission, EVENT_RECEIVED, payment, f"staff:{staff.username}", staff_name=staff.display_name)
    return payment


# --- refunds ------------------------------------------------------------------------------------

def mark_refund_due(session: Session, submission: Submission, reason: str) -> Payment | None:
    """After a rejection or withdrawal: the paid fee is to be given back (None: nothing was paid).
    A コンビニ/Pay-easy number not paid yet is cancelled instead. The caller writes the history
    event (it knows who did it); "refund_due" with the payment's id is the kind to use."""
    payments = list(session.scalars(select(Payment).where(Payment.submission_id == submission.id)
                                    .order_by(Payment.id)))
    due = None
    for payment in payments:
        if payment.status == models.SUCCESS and payment.refund_status == models.NO_REFUND:
            payment.refund_status, payment.refund_reason = models.REFUND_DUE, reason[:200]
            due = payment
        elif payment.status == models.PENDING:
            _cancel_pending(session, payment, "withdrawn")
    return due


def refund(session: Session, payment: Payment, staff: StaffUser | None) -> Payment:
    """Give back a payment marked refund due (or whose refund failed, or was asked of the provider
    without an answer recorded). Online the provider does it (the mock at once; a real one may
    confirm later by notification: REFUND_SUBMITTED until then); at the counter the money is
    handed back and this records it. ``staff`` None: the system refunds a payment it refused
    (refund_orphans). Commits the session.

    Raises NotRefundable, or PaymentUnavailable (the refund stays failed: try again later)."""
    if payment.refund_status not in REFUNDABLE:
        raise NotRefundable(payment.reference)
    actor = f"staff:{staff.username}" if staff is not None else PROVIDER_ACTOR
    staff_id = staff.id if staff is not None else None
    if payment.channel == models.COUNTER or not payment.provider_payment_id:
        if staff is None:
            raise NotRefundable(payment.reference)  # cash is handed back by a person
        _refunded(session, payment, staff_id, actor)
        _commit(session)
        return payment
    provider = providers.provider_named(payment.provider)
    if provider is None:
        raise PaymentUnavailable(NOT_CONFIGURED)
    payment.refund_status = models.REFUND_SUBMITTED
    _commit(session)
    try:
        # Refund what the provider took (a payment of a wrong amount gives back that amount).
        taken = provider.get(payment.provider_payment_id).amount
        result = provider.refund(payment.provider_payment_id, taken, _key("refund", payment.reference))
    except Exception as error:  # whatever went wrong, the refund is left to be tried again
        payment.refund_status = models.REFUND_FAILED
        _event_for(session, payment, EVENT_REFUND_FAILED, actor)
        _commit(session)
        if isinstance(error, (providers.ProviderUnavailable, providers.ProviderRefused,
                              providers.UnknownProviderPayment)):
            log.warning("refund of payment %s failed at provider %s", payment.reference, payment.provider)
        else:
            log.exception("refund of payment %s failed unexpectedly", payment.reference)
        message = str(error) if isinstance(error, providers.ProviderRefused) else UNAVAILABLE
        raise PaymentUnavailable(message) from None
    if result.status == providers.REFUND_SUCCESS:
        _refunded(session, payment, staff_id, actor)
    elif result.status == providers.REFUND_ERROR:
        payment.refund_status = models.REFUND_FAILED
        _event_for(session, payment, EVENT_REFUND_FAILED, actor)
    elif staff_id is not None:
        payment.refunded_by_id = staff_id  # submitted: the notification finishes it
    _commit(session)
    return payment


def refund_orphans(session: Session) -> tuple[int, int]:
    """Refund online payments the service refused that belong to no application (the draft was
    purged, the fee changed after paying, the correction had closed, a wrong amount, an attempt
    given up): no staff page shows them and nobody needs to decide, so the system gives the
    money back. Run after the commit that refused them, and by `formsvc payments refund-orphans`
    for those the provider could not take then. Returns (refunded or submitted, failed)."""
    ids = list(session.scalars(select(Payment.id).where(
        Payment.submission_id.is_(None), Payment.channel == models.ONLINE,
        Payment.refund_status.in_(REFUNDABLE)).order_by(Payment.id)))
    done = failed = 0
    for payment_id in ids:
        payment = session.get(Payment, payment_id)
        if payment is None or payment.submission_id is not None or payment.refund_status not in REFUNDABLE:
            continue
        try:
            refund(session, payment, None)
            done += 1
        except (PaymentUnavailable, NotRefundable):
            failed += 1
    return done, failed


def _refunded(session: Session, payment: Payment, staff_id: int | None, actor: str) -> None:
    payment.refund_status = models.REFUNDED
    payment.refunded_at = utcnow()
    if staff_id is not None:
        payment.refunded_by_id = staff_id
    _event_for(session, payment, EVENT_REFUNDED, actor)
    log.info("payment %s refunded", payment.reference)


def _refund_due(session: Session, payment: Payment, reason: str) -> None:
    payment.refund_status, payment.refund_reason = models.REFUND_DUE, reason[:200]
    _event_for(session, payment, EVENT_REFUND_DUE, PROVIDER_ACTOR, reason=reason)
    if payment.submission_id is None and payment.channel == models.ONLINE:
        # No application shows it to staff: given back by the system once this is committed.
        _after_commit(session, payment, _refund_orphan)


# --- provider calls after our commit ------------------------------------------------------------

_AFTER_COMMIT = "formsvc.payments.after_commit"


def _after_commit(session: Session, payment: Payment, action: Callable[[Payment], None]) -> None:
    """Call ``action`` with the payment once the session's transaction has committed (never when
    it rolls back): a provider call follows what we stored and never holds our transaction
    open. The actions read the payment again and act only when it still needs it, so running one
    late or twice does no harm."""
    queued = session.info.get(_AFTER_COMMIT)
    if queued is None:
        queued = session.info[_AFTER_COMMIT] = []
        event.listen(session, "after_commit", _run_after_commit)
        event.listen(session, "after_rollback", lambda rolled_back: rolled_back.info[_AFTER_COMMIT].clear())
    if payment.id is None:
        session.flush()
    queued.append((payment.id, action))


def _run_after_commit(session: Session) -> None:
    queued = list(session.info[_AFTER_COMMIT])
    session.info[_AFTER_COMMIT].clear()
    for payment_id, action in queued:
        try:
            with database().session_factory() as own:
                found = own.get(Payment, payment_id)
                if found is None:
                    continue
                action(found)
                own.refresh(found)
                # The committing session sees what the action stored (a later change of its copy
                # would otherwise be refused as stale: lock_version).
                held = session.identity_map.get(session.identity_key(Payment, payment_id))
                if held is not None:
                    for column in Payment.__table__.columns:
                        set_committed_value(held, column.key, getattr(found, column.key))
        except Exception:  # best effort: the work stays recorded (a refund stays due) and is retried
            log.exception("after-commit payment work for payment id %s failed", payment_id)


def _cancel_at_provider(payment: Payment) -> None:
    provider = providers.provider_named(payment.provider)
    if payment.status != models.CANCELLED or provider is None or not payment.provider_payment_id:
        return
    with suppress(providers.ProviderUnavailable, providers.UnknownProviderPayment):
        provider.cancel(payment.provider_payment_id)


def _refund_orphan(payment: Payment) -> None:
    session = Session.object_session(payment)
    if session is None or payment.submission_id is not None or payment.refund_status not in REFUNDABLE:
        return
    with suppress(PaymentUnavailable, NotRefundable):  # stays due or failed: refund_orphans retries
        refund(session, payment, None)


# --- notifications ------------------------------------------------------------------------------

def verified_notification(provider: str, body: bytes, headers: Mapping[str, str]) -> Notification:
    """A provider's notification, its signature checked and read once (UnknownProvider,
    InvalidNotification): then ``notification_tenant`` and ``apply_notification``."""
    found = providers.provider_named(provider)
    if found is None:
        raise UnknownProvider(provider)
    return found.verify_notification(body, headers, current_app.config.get("PAYMENT_WEBHOOK_SECRET") or "")


def notification_tenant(session: Session, provider: str, note: Notification) -> int:
    """The municipality whose payment a verified notification is about (the caller applies it
    there: ``working_for``). A provider posts every municipality's notifications to the
    deployment's one address (/payments/notifications/<provider>), so the payment is looked for
    in all of them (its provider's id is unique); at a municipality's own address (/<slug>/…, its
    host name) only its own payments are known. UnknownPayment."""
    addressed = current_tenant()
    with all_municipalities():  # a plain value: no other municipality's row stays in the session
        tenant_id = session.scalar(select(Payment.tenant_id).where(
            Payment.provider == provider, Payment.provider_payment_id == note.payment.payment_id))
    if tenant_id is None or not (addressed.is_default or addressed.id == tenant_id):
        raise UnknownPayment(note.payment.payment_id)
    return tenant_id


def apply_notification(session: Session, provider: str, note: Notification) -> str:
    """Apply a verified notification (``verified_notification``) once: about a payment of ours
    (UnknownPayment), and not seen before (its event id). Returns the outcome: "applied",
    "ignored" (nothing to change), "refund_due" or "replayed". The caller commits (and retries
    once on a concurrent change of the payment: StaleDataError)."""
    payment = session.scalar(select(Payment).where(Payment.provider == provider,
                                                   Payment.provider_payment_id == note.payment.payment_id))
    if payment is None:
        raise UnknownPayment(note.payment.payment_id)
    seen = session.scalar(select(PaymentNotification.id).where(PaymentNotification.provider == provider,
                                                              PaymentNotification.event_id == note.event_id))
    if seen is not None:
        return "replayed"
    record = PaymentNotification(provider=provider, event_id=note.event_id, payment_id=payment.id,
                                 kind=note.kind, outcome="received")
    session.add(record)
    try:
        # No savepoint: with SQLite's driver one opened outside a transaction would commit the
        # record alone, and a failure applying it would leave it "seen" but never applied.
        session.flush()
    except IntegrityError:
        session.rollback()
        return "replayed"  # the same event delivered twice at the same moment
    if note.kind == "refund" and note.refund is not None:
        outcome = _apply_refund(session, payment, note.refund.status)
    else:
        outcome = _apply_state(session, payment, note.payment)
        if payment.status in (models.SUCCESS, models.PENDING) and payment.refund_status == models.NO_REFUND:
            had = payment.submission_id
            submission = complete_paid_draft(session, payment)
            if submission is not None and had is None:
                outcome = "applied"
            if payment.refund_status != models.NO_REFUND:
                outcome = "refund_due"
    record.outcome = outcome
    log.info("notification from %s for payment %s: %s", provider, payment.reference, outcome)
    return outcome


def _apply_refund(session: Session, payment: Payment, refund_status: str) -> str:
    if payment.refund_status == models.REFUNDED:
        return "ignored"
    if refund_status == providers.REFUND_SUCCESS:
        _refunded(session, payment, None, PROVIDER_ACTOR)
        return "applied"
    if refund_status == providers.REFUND_ERROR:
        payment.refund_status = models.REFUND_FAILED
        _event_for(session, payment, EVENT_REFUND_FAILED, PROVIDER_ACTOR)
        return "applied"
    return "ignored"


# --- helpers ------------------------------------------------------------------------------------

def new_reference() -> str:
    """Our payment reference: "FP" and 10 characters of Crockford's base32 (no I, L, O, U)."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "FP" + "".join(secrets.choice(alphabet) for _ in range(10))


def _key(*parts: str) -> str:
    """An idempotency key: derived (so that a race or a retry yields the same one), keyed with
    SECRET_KEY (so that it tells an outsider nothing of the draft)."""
    message = ":".join(parts).encode("utf-8")
    return hmac.new(current_app.config["SECRET_KEY"].encode("utf-8"), message, hashlib.sha256).hexdigest()[:48]


def _commit(session: Session) -> None:
    session.commit()


def _event(session: Session, submission: Submission, kind: str, payment: Payment, actor: str,
           **extra: str | None) -> None:
    data: dict[str, object] = {"payment_id": payment.id, "reference": payment.reference, "amount": payment.amount,
                               "method": payment.method}
    data.update({key: value for key, value in extra.items() if value is not None})
    session.add(SubmissionEvent(submission_id=submission.id, kind=kind, actor=actor, data=data))


def _event_for(session: Session, payment: Payment, kind: str, actor: str, **extra: str | None) -> None:
    """An event in the history of the payment's application, if it has one yet."""
    if payment.submission_id is None:
        return
    submission = session.get(Submission, payment.submission_id)
    if submission is not None:
        _event(session, submission, kind, payment, actor, **extra)


__all__ = ["AlreadyPaid", "InvalidNotification", "NotRefundable", "PaymentUnavailable", "UnknownPayment",
           "UnknownProvider", "answers_digest", "apply_notification", "complete_paid_draft", "mark_refund_due",
           "not_sent_because", "notification_tenant", "payment_for_draft", "record_counter", "refresh", "refund",
           "refund_orphans", "settle_after_correction", "start_for_submission", "start_online",
           "verified_notification"]
