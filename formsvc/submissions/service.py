"""Turning a draft into a submission: one transaction, exactly once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from formsvc.applications.answers import Answers
from formsvc.applications.flow import Flow
from formsvc.applications.outcomes import to_stored
from formsvc.clock import today
from formsvc.db import utcnow
from formsvc.definitions.schema import FormDefinition
from formsvc.forms.catalog import version_by_id
from formsvc.submissions.models import Draft, Submission, SubmissionEvent, Upload
from formsvc.submissions.protection import masked_for_version
from formsvc.submissions.reception import new_reception_number
from formsvc.submissions.signals import submission_arriving, submission_received
from formsvc.submissions.status import CORRECTION_REQUESTED, RECEIVED
from formsvc.tenants.context import all_municipalities


class AlreadySubmitted(Exception):
    def __init__(self, submission: Submission):
        super().__init__(submission.reception_number)
        self.submission = submission


def submit(session: Session, draft: Draft, answers: Answers, fee: Decimal | None,
           channel: str = "online", actor: str = "resident", *, entered_by_id: int | None = None,
           identification: str | None = None, visit_id: int | None = None, signed_at: datetime | None = None,
           event_data: dict | None = None, payment_required: bool = False) -> Submission:
    """Store the submission, claim its uploads, write the audit event and announce it
    (formsvc.submissions.signals), all or nothing.

    The unique draft_id makes a double click, a re-POST or "back then submit" produce one
    submission: the loser of a race gets AlreadySubmitted with the winner's submission.
    A counter application (formsvc.counter) also records who entered it, how the resident was
    identified, the visit and when they signed; ``event_data`` is added to the audit event.
    ``payment_required``: the fee must be paid before a decision (formsvc.payments).
    """
    existing = session.scalar(select(Submission).where(Submission.draft_id == draft.id))
    if existing is not None:
        raise AlreadySubmitted(existing)
    version_id, definition = _version_of(session, draft)
    submission = Submission(
        reception_number=_unused_reception_number(session),
        form_id=draft.form_id,
        version_id=version_id,
        draft_id=draft.id,
        answers=answers.to_json(),
        fee=int(fee) if fee is not None else None,
        payment_required=payment_required,
        computed=computed_json(definition, answers),
        channel=channel,
        entered_by_id=entered_by_id,
        identification=identification,
        visit_id=visit_id,
        signed_at=signed_at,
        status=RECEIVED,
        locale=draft.locale,
        resident_issuer=draft.resident_issuer,
        resident_subject=draft.resident_subject,
    )
    submission_arriving.send(submission, session=session, resubmitted=False)
    # Use the draft up first: this write opens the transaction, so that the savepoint below is
    # nested in it. (With SQLite's Python driver a SAVEPOINT outside a transaction starts one of
    # its own, and releasing it would commit the submission alone, whatever happens next.)
    draft.submitted_at = utcnow()
    session.flush()
    _insert(session, submission)
    for upload in _uploads_in(session, draft, answers, definition):
        upload.submission_id = submission.id
    session.add(SubmissionEvent(submission_id=submission.id, kind="submitted", actor=actor,
                                data={"channel": channel, **(event_data or {})}))
    submission_received.send(submission, session=session, resubmitted=False)
    return submission


def computed_json(definition: FormDefinition, answers: Answers) -> dict[str, str | None]:
    """The computed values shown with these answers (those whose show_if holds), as stored with
    the submission: staff, exports, the record and the e-mail show these, not values computed again
    later (a newer version's formula, or a date such as "today" that has moved on)."""
    return to_stored(Flow(definition, answers, today()).computed_values())


# How often a reception number taken by a concurrent submission (between the check for an
# unused number and the insert) is replaced by another; with 2^35 numbers, twice is already rare.
RECEPTION_NUMBER_ATTEMPTS = 5


def _insert(session: Session, submission: Submission) -> None:
    """Insert the submission in a savepoint, so that a refused insert leaves the transaction
    usable: the draft's submission made by a concurrent request wins (AlreadySubmitted), and
    a reception number that another submission took meanwhile is replaced by a fresh one."""
    for _ in range(RECEPTION_NUMBER_ATTEMPTS):
        try:
            with session.begin_nested():
                session.add(submission)
                session.flush()
            return
        except IntegrityError:
            winner = session.scalar(select(Submission).where(Submission.draft_id == submission.draft_id))
            if winner is not None:
                raise AlreadySubmitted(winner) from None
            if not _is_taken(session, submission.reception_number):
                raise  # another constraint: not a race this can resolve
            submission.reception_number = _unused_reception_number(session)
    raise RuntimeError("could not store the submission under an unused reception number")


class NotCorrectable(Exception):
    """The submission no longer waits for a correction (withdrawn, decided, already resubmitted)."""


def resubmit(session: Session, submission: Submission, draft: Draft, answers: Answers,
             fee: Decimal | None, actor: str = "resident") -> Submission:
    """Answer a correction request (差し戻し): new answers, the earlier ones kept in the trail."""
    # A guarded update is atomic on every database: only one request can use the draft up.
    used = cast(CursorResult, session.execute(  # an UPDATE's result: it has a rowcount
        update(Draft).where(Draft.id == draft.id, Draft.submitted_at.is_(None))
        .values(submitted_at=utcnow())
    )).rowcount
    if used != 1:
        raise AlreadySubmitted(submission)
    if submission.status != CORRECTION_REQUESTED:
        raise NotCorrectable(submission.status)
    # The audit trail keeps the earlier answers with every 個人番号 masked (formsvc.submissions.protection).
    previous = {"answers": masked_for_version(session, submission.version_id, submission.answers),
                "fee": submission.fee,
                "computed": submission.computed or {},
                "version_id": submission.version_id}
    version_id, definition = _version_of(session, draft)
    submission.answers = answers.to_json()
    submission.fee = int(fee) if fee is not None else None
    submission.computed = computed_json(definition, answers)
    submission.version_id = version_id
    submission.status = RECEIVED
    submission_arriving.send(submission, session=session, resubmitted=True)
    for upload in _uploads_in(session, draft, answers, definition):
        upload.submission_id = submission.id
    session.add(SubmissionEvent(submission_id=submission.id, kind="resubmitted", actor=actor,
                                data={"previous": previous}))
    submission_received.send(submission, session=session, resubmitted=True)
    return submission


def _unused_reception_number(session: Session) -> str:
    """A number no stored submission has (another may still take it before ours is inserted)."""
    for _ in range(10):
        number = new_reception_number()
        if not _is_taken(session, number):
            return number
    raise RuntimeError("could not find an unused reception number")  # 2^35 space: not expected


def _is_taken(session: Session, number: str) -> bool:
    # Unique across the deployment, not per municipality (the column's constraint says so).
    with all_municipalities():
        return session.scalar(select(Submission.id).where(Submission.reception_number == number)) is not None


def _version_of(session: Session, draft: Draft) -> tuple[int, FormDefinition]:
    """(id, definition) of the version the draft was made on (a preview's draft has none: it is
    never submitted)."""
    compiled = (version_by_id(session, draft.version_id, draft.channel)
                if draft.version_id is not None else None)
    if compiled is None or compiled.version_id is None:
        raise LookupError(f"draft {draft.id} has no definition version to be submitted on")
    return compiled.version_id, compiled.definition


def _uploads_in(session: Session, draft: Draft, answers: Answers, definition: FormDefinition) -> list[Upload]:
    """The draft's uploads that are still part of the answers (removed files are not kept)."""
    tokens = set(answers.uploads(definition))
    if not tokens:
        return []
    return list(session.scalars(select(Upload).where(Upload.draft_id == draft.id,
                                                      Upload.token.in_(tokens))))
