"""Drafts: answers saved as the resident goes, found through a token in their session."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import set_committed_value

from formsvc.applications.answers import Answers
from formsvc.db import (
    execute_outside_transaction,
    first_outside_transaction,
    has_nothing_in_flight,
    is_untouched,
    utcnow,
)
from formsvc.forms.catalog import CompiledForm
from formsvc.submissions import abandonment, storage
from formsvc.submissions.models import Draft, Submission, Upload
from formsvc.tenants.context import scope


def draft_lifetime(owned: bool = False) -> timedelta:
    """How long an unfinished application is kept after its last change. A signed-in
    resident's is kept longer: they can come back to it from /my/ (save and come back later)."""
    if owned:
        return timedelta(days=current_app.config["SAVED_DRAFT_DAYS"])
    return timedelta(hours=current_app.config["DRAFT_LIFETIME_HOURS"])


def new_draft(session: Session, compiled: CompiledForm, locale: str) -> Draft:
    draft = Draft(
        token=secrets.token_urlsafe(32),
        form_id=compiled.id,
        version_id=compiled.version_id,
        answers=Answers().to_json(),
        completed_pages=[],
        locale=locale,
        expires_at=utcnow() + draft_lifetime(),
    )
    session.add(draft)
    session.flush()
    return draft


# Built once: a statement made per call cost its construction and its cache key on every page
# (bench/README.md, resident_page.py, fourth round); these cache keys are computed once.
_DRAFT_BY_TOKEN = select(Draft).where(Draft.token == bindparam("token"), Draft.form_id == bindparam("form_id"))
# The same read as a Core statement (no ORM tenant filter: it names its municipality itself).
_drafts = cast(Table, Draft.__table__)
_DRAFT_ROW_BY_TOKEN = select(_drafts).where(_drafts.c.token == bindparam("token"),
                                            _drafts.c.form_id == bindparam("form_id"),
                                            _drafts.c.tenant_id == bindparam("tenant_id"))


def find_draft(session: Session, token: str | None, form_id: str) -> Draft | None:
    """The resident's live draft for ``form_id``; None when missing or expired.

    Usually a page's first read: then read without opening a transaction (a page that only shows
    the draft costs one round trip, formsvc.db.first_outside_transaction)."""
    if not token:
        return None
    tenant = scope()
    if tenant is not None and is_untouched(session):
        draft = first_outside_transaction(session, Draft, _DRAFT_ROW_BY_TOKEN,
                                          {"token": token, "form_id": form_id, "tenant_id": tenant})
    else:
        draft = session.scalar(_DRAFT_BY_TOKEN, {"token": token, "form_id": form_id})
    if draft is None or draft.expires_at <= utcnow():
        return None
    return draft


_SAVE_ANSWERS = update(_drafts).where(_drafts.c.id == bindparam("draft_id")).values(
    answers=bindparam("answers"), completed_pages=bindparam("completed_pages"),
    expires_at=bindparam("expires_at"), updated_at=bindparam("updated_at"))


def save_answers(draft: Draft, answers: Answers, completed: list[str]) -> None:
    """Store ``answers`` in the draft, in its session's transaction (committed with the rest).

    A stored draft is written at once by one UPDATE, its object left holding the values as stored:
    the ORM's unit of work cost a fifth of a page's POST for this one row (issue 17). A draft made
    in this request is written by the ORM with the rest."""
    values = _saved(draft, answers, completed)
    session = object_session(draft)
    if session is None or draft in session.new:
        for key, value in values.items():
            setattr(draft, key, value)
        return
    session.connection().execute(_SAVE_ANSWERS, {"draft_id": draft.id, **values})
    for key, value in values.items():
        set_committed_value(draft, key, value)


def commit_answers(draft: Draft, answers: Answers, completed: list[str]) -> None:
    """save_answers, and commit. When the draft's session has nothing else in flight (a page
    sent: the draft read, its answers checked), by one UPDATE in autocommit mode — one round trip
    instead of BEGIN, UPDATE and COMMIT (issue 17); else in the session's transaction, which is
    then committed with everything in it."""
    session = object_session(draft)
    if session is None or draft in session.new or not has_nothing_in_flight(session):
        save_answers(draft, answers, completed)
        if session is not None:
            session.commit()
        return
    values = _saved(draft, answers, completed)
    execute_outside_transaction(session, _SAVE_ANSWERS, {"draft_id": draft.id, **values})
    for key, value in values.items():
        set_committed_value(draft, key, value)


def _saved(draft: Draft, answers: Answers, completed: list[str]) -> dict[str, object]:
    """The columns a save writes: the answers, the pages done, and the expiry moved on."""
    now = utcnow()
    return {"answers": answers.to_json(), "completed_pages": completed,
            "expires_at": now + draft_lifetime(owned=draft.resident_subject is not None), "updated_at": now}


def submission_of(session: Session, draft: Draft) -> Submission | None:
    """The submission this draft became (for a correction: once it was resubmitted)."""
    if draft.correction_of is not None:
        return session.get(Submission, draft.correction_of) if draft.submitted_at else None
    # Made from this draft, not from a purged one whose id SQLite gave to this draft.
    return session.scalar(select(Submission).where(Submission.draft_id == draft.id,
                                                   Submission.created_at >= draft.created_at))


def purge_expired(session: Session, sweep: bool = True) -> int:
    """Delete expired drafts and the files attached to them that no submission kept (their
    stored objects too, once the session commits: formsvc.submissions.storage).

    Unfinished applications are personal data kept only as long as the resident may come back
    to them (DRAFT_LIFETIME_HOURS, SAVED_DRAFT_DAYS); a submitted draft's files belong to the
    submission and stay. Where the unsent ones stopped is counted first (the 集計 dashboard's
    drop-off, formsvc.submissions.abandonment). Returns how many drafts were deleted.
    """
    now = utcnow()
    abandonment.add_to_tally(session, abandonment.abandoned(session, now))
    expired = select(Draft.id).where(Draft.expires_at <= now)
    storage.delete_stored(session, Upload.draft_id.in_(expired), Upload.submission_id.is_(None))
    # Files left by neither a draft nor a submission: their draft was deleted with the application
    # it became (formsvc.review.retention) or otherwise, which only unlinks them (ON DELETE SET NULL).
    storage.delete_stored(session, Upload.draft_id.is_(None), Upload.submission_id.is_(None))
    deleted = session.execute(delete(Draft).where(Draft.expires_at <= now))
    # Stored objects no row points at, from a process stopped between writing one and committing
    # (the periodic job sweeps once for every municipality instead: sweep=False).
    if sweep:
        storage.sweep_orphans(session, now)
    return cast(CursorResult, deleted).rowcount  # a DELETE's result: it has a rowcount
