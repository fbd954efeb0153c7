"""What is noted on a submission when it arrives (called by formsvc.submissions.service).

The applicant's name and フリガナ are copied into columns the staff search can use, and the
resident is sent a confirmation through the outbox, in the same transaction as the submission.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from formsvc.forms.catalog import version_by_id
from formsvc.review import notifications
from formsvc.review.names import applicant_names
from formsvc.submissions.models import Submission


def describe_applicant(session: Session, submission: Submission) -> None:
    compiled = version_by_id(session, submission.version_id)
    if compiled is not None:
        submission.applicant_name, submission.applicant_kana = applicant_names(
            compiled.definition, submission.answers)


def confirm_receipt(session: Session, submission: Submission, resubmitted: bool = False) -> None:
    """Queue the 受付 (or 修正の受付) message; needs the submission's id (flush first)."""
    notifications.notify(session, submission, "resubmitted" if resubmitted else "received")
