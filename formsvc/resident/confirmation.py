"""What the confirmation (done) page and the 控え (the resident's copy) know beyond the answers:
who may see them, whether this sending was a resubmission, and where the confirmation e-mail went.

The e-mail lives in the staff side's outbox (formsvc.review) and the PDF is made by
formsvc.records, both layers above this one: the app plugs them in through ``register``
(docs/architecture.md), so nothing here imports upward. Without them, the done page says
nothing about e-mail and the 控え is offered as a printable page only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.authentication.residents import current_identity
from formsvc.resident.context import submitted_here
from formsvc.submissions.models import Submission, SubmissionEvent

EXTENSION = "formsvc.resident.confirmation"

# (session, submission, resubmitted) -> the address the 受付 (or 修正の受付) mail was queued for, or None.
MailLookup = Callable[[Session, Submission, bool], str | None]
# (session, submission, municipality) -> the 控え as a PDF.
CopyRenderer = Callable[[Session, Submission, str], bytes]


@dataclass(frozen=True)
class Plugins:
    mail_recipient: MailLookup | None = None
    copy_pdf: CopyRenderer | None = None


def register(app: Flask, mail_recipient: MailLookup | None = None, copy_pdf: CopyRenderer | None = None) -> None:
    app.extensions[EXTENSION] = Plugins(mail_recipient, copy_pdf)


def plugins() -> Plugins:
    return current_app.extensions.get(EXTENSION) or Plugins()


def visible_submission(session: Session, form_id: str, number: str) -> Submission:
    """The submission, for the browser that sent it or its signed-in owner; 404 for anyone else
    (never saying whether it exists)."""
    submission = session.scalar(select(Submission).where(Submission.reception_number == number,
                                                         Submission.form_id == form_id))
    if submission is None or not may_see(submission):
        abort(404)
    return submission


def may_see(submission: Submission) -> bool:
    if submitted_here(submission.reception_number):
        return True
    identity = current_identity()
    return identity is not None and submission.resident_subject is not None \
        and identity.owns(submission.resident_issuer, submission.resident_subject)


def was_resubmitted(session: Session, submission: Submission) -> bool:
    """Whether the latest sending of ``submission`` answered a correction request (差し戻し):
    a resubmission keeps its reception number, so the events tell the two apart."""
    latest = session.scalar(select(SubmissionEvent.kind)
                            .where(SubmissionEvent.submission_id == submission.id,
                                   SubmissionEvent.kind.in_(("submitted", "resubmitted")))
                            .order_by(SubmissionEvent.id.desc()).limit(1))
    return latest == "resubmitted"


def mail_address(session: Session, submission: Submission, resubmitted: bool) -> str | None:
    """The masked address the confirmation e-mail was sent to, or None when none was queued
    (no e-mail answer, or the procedure does not send this mail)."""
    lookup = plugins().mail_recipient
    recipient = lookup(session, submission, resubmitted) if lookup is not None else None
    return masked_address(recipient) if recipient else None


def masked_address(address: str) -> str:
    """ta***@example.jp: enough for the resident to recognise it, not enough for a passer-by
    looking at the screen to learn it. The domain is kept (it tells which mailbox to open)."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[:2] if len(local) > 3 else local[:1]}***@{domain}"
