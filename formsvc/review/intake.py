"""What is noted on a submission when it arrives (formsvc.submissions.signals).

The applicant's name and フリガナ are copied into columns the staff search can use, and the
resident is sent a confirmation through the outbox, in the same transaction as the submission (and
the procedure's staff mailbox, when it has one, is told of it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.forms.catalog import version_by_id
from formsvc.review import notifications
from formsvc.review.names import applicant_names
from formsvc.submissions.models import Submission
from formsvc.submissions.signals import submission_arriving, submission_received


def listen() -> None:
    """Note every submission from now on (called by the app factory; connecting again changes nothing)."""
    submission_arriving.connect(describe_applicant)
    submission_received.connect(confirm_receipt)


def describe_applicant(submission: Submission, *, session: Session, resubmitted: bool) -> None:
    """The names go into the row as it is written (they are part of what it says, not a later change)."""
    compiled = version_by_id(session, submission.version_id, submission.channel)
    if compiled is not None:
        submission.applicant_name, submission.applicant_kana = applicant_names(
            compiled.definition, Answers.from_json(submission.answers))


def confirm_receipt(submission: Submission, *, session: Session, resubmitted: bool) -> None:
    """Queue the 受付 (or 修正の受付) message, and the staff mailbox's (when the procedure has one):
    they need the stored submission's id."""
    notifications.notify(session, submission, "resubmitted" if resubmitted else "received")
    notifications.notify_staff(session, submission, resubmitted)
