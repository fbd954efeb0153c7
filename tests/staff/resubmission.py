"""A resident's corrected application arriving (formsvc.submissions.service.resubmit), for the
tests of what staff are told of it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from formsvc.applications.answers import Answers
from formsvc.db import database, utcnow
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.service import resubmit


def resubmit_number(app, number: str) -> None:
    """Send the same answers back as the correction of ``number`` (waiting for a correction)."""
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        draft = Draft(token=secrets.token_urlsafe(16), form_id=submission.form_id, version_id=submission.version_id,
                      answers=submission.answers, expires_at=utcnow() + timedelta(hours=1),
                      correction_of=submission.id)
        session.add(draft)
        session.flush()
        resubmit(session, submission, draft, Answers.from_json(submission.answers),
                 submission.fee)
