"""Submitting: a reception number already taken, or taken by another submission meanwhile, is
replaced by a fresh one instead of failing the resident's submission; every submission is
announced (submission_received) inside the submitting transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from formsvc.applications.answers import Answers
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.review.models import OutboxMessage
from formsvc.submissions import service
from formsvc.submissions.models import Draft, Submission
from formsvc.submissions.reception import new_reception_number
from formsvc.submissions.signals import submission_arriving, submission_received
from formsvc.submissions.status import CORRECTION_REQUESTED
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
                        answers=answers.to_json(), expires_at=utcnow() + timedelta(hours=1))
                  for _ in range(count)]
        session.add_all(drafts)
        session.flush()
        return [draft.id for draft in drafts]


def submit_draft(app, draft_id: int) -> str:
    with app.app_context(), database().transaction() as session:
        draft = session.get(Draft, draft_id)
        return service.submit(session, draft, Answers.from_json(draft.answers), None).reception_number


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
    choose = service._unused_reception_number
    raced: list[str] = []

    def choose_while_someone_else_submits(session):
        monkeypatch.setattr(service, "_unused_reception_number", choose)  # only once
        number = choose(session)
        # Between the check and the insert, another request commits its submission.
        raced.append(submit_draft(app, theirs))
        return number

    monkeypatch.setattr(service, "_unused_reception_number", choose_while_someone_else_submits)
    assert submit_draft(app, mine) == fresh
    assert raced == [contested]
    assert sorted(stored_numbers(app)) == sorted([contested, fresh])
    with app.app_context(), database().transaction() as session:
        mine_row = session.scalar(select(Submission).where(Submission.draft_id == mine))
        assert mine_row.reception_number == fresh and [e.kind for e in mine_row.events] == ["submitted"]


# --- announcing a submission ------------------------------------------------------------------

def test_receivers_are_told_once_per_submission_before_and_after_it_is_stored(app):
    publish(app, SAMPLE)
    first, second = new_drafts(app, 2)
    told: list[tuple[str, str, bool, bool]] = []

    def arriving(submission, *, session, resubmitted):
        told.append(("arriving", submission.reception_number, submission.id is not None, resubmitted))

    def received(submission, *, session, resubmitted):
        told.append(("received", submission.reception_number, submission.id is not None, resubmitted))

    with submission_arriving.connected_to(arriving), submission_received.connected_to(received):
        numbers = [submit_draft(app, first), submit_draft(app, second)]
    assert told == [step for number in numbers
                    for step in (("arriving", number, False, False), ("received", number, True, False))]


def test_the_staff_side_notes_a_submission_as_it_arrives(app):
    """formsvc.review.intake listens (the app factory connects it): the applicant's names are
    written with the submission (no second write: it is still at its first version) and the 受付
    message is queued in the submitting transaction."""
    publish(app, SAMPLE)
    (draft_id,) = new_drafts(app, 1)
    number = submit_draft(app, draft_id)
    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert (submission.applicant_name, submission.applicant_kana) == ("山田 太郎", "ヤマダ タロウ")
        assert submission.lock_version == 1
        kinds = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.submission_id == submission.id))
        assert list(kinds) == ["received"]


def test_a_resubmission_is_announced_as_one(app):
    publish(app, SAMPLE)
    first, correction = new_drafts(app, 2)
    number = submit_draft(app, first)
    told: list[tuple[str, bool]] = []

    def receiver(submission, *, session, resubmitted):
        told.append((submission.reception_number, resubmitted))

    with app.app_context(), database().transaction() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        submission.status = CORRECTION_REQUESTED
        draft = session.get(Draft, correction)
        with submission_arriving.connected_to(receiver), submission_received.connected_to(receiver):
            service.resubmit(session, submission, draft, Answers.from_json(draft.answers), None)
    assert told == [(number, True), (number, True)]


def test_a_failing_receiver_fails_the_whole_submission(app):
    """Receivers run in the submitting transaction: nothing of a submission whose announcement
    failed is stored, and the draft can still be submitted."""
    publish(app, SAMPLE)
    (draft_id,) = new_drafts(app, 1)

    def failing(submission, *, session, resubmitted):
        raise RuntimeError("the staff side is broken")

    with submission_received.connected_to(failing), pytest.raises(RuntimeError):
        submit_draft(app, draft_id)
    assert stored_numbers(app) == []
    with app.app_context(), database().transaction() as session:
        assert session.get(Draft, draft_id).submitted_at is None
        assert session.scalar(select(OutboxMessage.id)) is None
    assert submit_draft(app, draft_id) in stored_numbers(app)  # with the receiver gone, it goes through


def test_a_fee_beyond_32_bits_is_stored_as_computed(app):
    """A fee above 2,147,483,647 yen (int4) used to fail at the insert on PostgreSQL."""
    publish(app, SAMPLE)
    [draft_id] = new_drafts(app, 1)
    with app.app_context(), database().transaction() as session:
        draft = session.get(Draft, draft_id)
        answers = Answers.from_json(draft.answers)
        number = service.submit(session, draft, answers, Decimal("3000000000")).reception_number
    with app.app_context(), database().transaction() as session:
        stored = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert stored.fee == 3_000_000_000
