"""Shared by the 申請履歴 tests (saving note, draft deletion, correction loop, withdrawal): a
procedure only a signed-in resident may use, and what the office does to an application."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from formsvc.db import database
from formsvc.submissions.models import Draft, Submission, SubmissionEvent
from tests.applicant import Applicant
from tests.authentication.support import definition_yaml, publish

TITLE = "カードで申請する証明書"


def publish_card_form(app) -> str:
    """Pages: applicant (postal, filled from the card) and request (copies, purpose)."""
    return publish(app, definition_yaml("card-certificate", "required", TITLE))


def applicant(client, app, form_id: str, **answers) -> Applicant:
    """Applicant.start signs the client in (tests.identity) when the procedure needs it."""
    return Applicant(client, app, form_id, answers={"copies": 1, "purpose": "年金の手続き", **answers})


def stored(app, number: str) -> Submission:
    with app.app_context(), database().transaction() as session:
        found = session.scalars(select(Submission).where(Submission.reception_number == number)).one()
        session.expunge(found)
        return found


def drafts(app) -> list[Draft]:
    with app.app_context(), database().transaction() as session:
        found = list(session.scalars(select(Draft).order_by(Draft.id)))
        for draft in found:
            session.expunge(draft)
        return found


def event_kinds(app, number: str) -> list[str]:
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission).where(Submission.reception_number == number)).one()
        return list(session.scalars(select(SubmissionEvent.kind).where(
            SubmissionEvent.submission_id == submission.id).order_by(SubmissionEvent.id)))


def request_correction(app, number: str, message: str, fields: list[str] | None = None,
                       due: date | None = None) -> None:
    """The reviewer's 差し戻し as formsvc.review.workflow records it (event data: fields, due)."""
    data: dict = {}
    if fields is not None:
        data["fields"] = fields
    if due is not None:
        data["due"] = due.isoformat()
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission).where(Submission.reception_number == number)).one()
        submission.status = "correction_requested"
        session.add(SubmissionEvent(submission_id=submission.id, kind="correction_requested", actor="reviewer",
                                    comment=message, data=data))


def set_status(app, number: str, code: str) -> None:
    with app.app_context(), database().transaction() as session:
        submission = session.scalars(select(Submission).where(Submission.reception_number == number)).one()
        submission.status = code
