"""Going back to an application's pages after sending it (the browser's 戻る after 送信).

Sending forgets the draft in the session, so its pages would say that the application in
progress was not found and offer to start again: an invitation to apply twice. Instead they
say that it was sent, with its reception number, in the browser that sent it only.
"""

from __future__ import annotations

from flask import session
from sqlalchemy import select

from formsvc.db import session as db_session
from formsvc.resident.context import draft_token
from formsvc.submissions.models import Submission
from formsvc.submissions.reception import is_well_formed


def sent_from_here(form_id: str) -> Submission | None:
    """The application of ``form_id`` this browser sent last, when it has none in progress since.

    A draft of the procedure in this session (started again after sending, then lost) means the
    pages belong to that one: then this is None and the usual "not found" page applies. Only
    the numbers this session sent count (formsvc.resident.context.remember_submission keeps them
    under "submitted"), so nobody learns another person's reception number.
    """
    if draft_token(form_id) is not None:
        return None
    # Only what a reception number can be goes into the query (the list comes from the cookie).
    numbers = [number for number in session.get("submitted", [])
               if isinstance(number, str) and len(number) == 8 and is_well_formed(number)]
    if not numbers:
        return None
    return db_session().scalar(
        select(Submission).where(Submission.form_id == form_id, Submission.reception_number.in_(numbers))
        .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(1))
