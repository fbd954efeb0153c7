"""Submitting: a reception number already taken, or taken by another submission meanwhile, is
replaced by a fresh one instead of failing the resident's submission."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.review import intake
from formsvc.submissions import service
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.reception import new_reception_number
from tests.resident.conftest import SAMPLE
from tests.review.conftest import publish
from tests.review.support import example_answers

FORM = "sample-permit"


def new_drafts(app, count: int) -> list[int]:
    """Drafts of the sample procedure, stored (committed) and ready to submit."""
    with app.app_context(), database().transaction() as session:
        version = published(session, FORM)
        answers, _ = example_answers(version.definition)
        drafts = [Draft(token=secrets.token_urlsafe(16), form_id=FORM, version_id=version.version_id,
                        answers=answers, expires_at=utcnow() + timedelta(hours=1)) for _ in range(count)]
        session.add_all(drafts)
        session.flush()
        return [draft.id for draft in drafts]


def submit_draft(app, draft_id: int) -> str:
    with app.app_context(), database().transaction() as session:
        draft = session.get(Draft, draft_id)
        return service.submit(session, draft, draft.answers, None).reception_number


def stored_numbers(app) -> list[str]:
    with app.app_context(), database().transaction() as session:
        return list(session.scalars(select(Submission.reception_number).order_by(Submission.id)))


def test_a_number_already_taken_is_not_given_again(app, monkeypatch):
    publish(app, SAMPLE)
    first, second = new_drafts(app, 2)
    taken = submit_draft(app, first)
    fresh = new_reception_number()
    numbers = iter([taken, fresh])
    monkeypatch.setattr(service, "new_reception_number", lambda: next(numbers))
    assert submit_draft(app, second) == fresh
    assert stored_numbers(app) == [taken, fresh]


def test_a_number_taken_by_another_submission_meanwhile_is_replaced(app, monkeypatch):
    """The race: the number is free when checked, and another submission stores it before
    this one does; the unique constraint refuses the insert and a new number is drawn."""
    publish(app, SAMPLE)
    mine, theirs = new_drafts(app, 2)
    contested, fresh = new_reception_number(), new_reception_number()
    numbers = iter([contested, contested, fresh])
    monkeypatch.setattr(service, "new_reception_number", lambda: next(numbers))
    describe = intake.describe_applicant
    raced: list[str] = []

    def describe_while_someone_else_submits(session, submission):
        monkeypatch.setattr(intake, "describe_applicant", describe)  # only once
        # Between the check and the insert, another request commits its submission.
        raced.append(submit_draft(app, theirs))
        describe(session, submission)

    monkeypatch.setattr(intake, "describe_applicant", describe_while_someone_else_submits)
    assert submit_draft(app, mine) == fresh
    assert raced == [contested]
    assert sorted(stored_numbers(app)) == sorted([contested, fresh])
    with app.app_context(), database().transaction() as session:
        mine_row = session.scalar(select(Submission).where(Submission.draft_id == mine))
        assert mine_row.reception_number == fresh and [e.kind for e in mine_row.events] == ["submitted"]
