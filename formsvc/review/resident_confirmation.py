"""The staff side's part in the resident's confirmation pages (formsvc.resident.confirmation):
where the 受付 mail of a submission went, read from the outbox, and the 控え as a PDF
(formsvc.records.resident_copy). The app registers both (``register``)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.resident import confirmation
from formsvc.review.models import OutboxMessage
from formsvc.submissions.models import Submission, SubmissionEvent

# A message is written in the same transaction as its event; their clocks are read a moment apart.
_SAME_SENDING = timedelta(minutes=1)
# Delivered or still to be delivered: the address the resident should look in.
_QUEUED = ("pending", "sent")


def register(app: Flask) -> None:
    confirmation.register(app, mail_recipient=confirmation_recipient, copy_pdf=copy_pdf)


def confirmation_recipient(session: Session, submission: Submission, resubmitted: bool) -> str | None:
    """The recipient of the mail that confirmed the latest sending, if one was queued. A mail
    the procedure's settings turned off is never written (formsvc.review.notifications), so an
    earlier sending's mail must not be taken for this one's: only a message written with this
    sending's event counts."""
    event_kind, mail_kind = ("resubmitted", "resubmitted") if resubmitted else ("submitted", "received")
    sent_at = session.scalar(select(SubmissionEvent.created_at)
                             .where(SubmissionEvent.submission_id == submission.id,
                                    SubmissionEvent.kind == event_kind)
                             .order_by(SubmissionEvent.id.desc()).limit(1))
    if sent_at is None:
        return None
    return session.scalar(select(OutboxMessage.recipient)
                          .where(OutboxMessage.submission_id == submission.id,
                                 OutboxMessage.kind == mail_kind,
                                 OutboxMessage.state.in_(_QUEUED),
                                 OutboxMessage.recipient.is_not(None),
                                 OutboxMessage.created_at >= sent_at - _SAME_SENDING)
                          .order_by(OutboxMessage.id.desc()).limit(1))


def copy_pdf(session: Session, submission: Submission, municipality: str) -> bytes:
    from formsvc.records.resident_copy import render_resident_copy  # WeasyPrint is loaded only to print

    return render_resident_copy(session, submission, municipality)
