"""Expired drafts are deleted, with the files no submission kept (formsvc purge-drafts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from formsvc.cli import main
from formsvc.db import database, utcnow
from formsvc.submissions.drafts import find_draft
from formsvc.submissions.models import Draft, Submission, Upload
from tests.resident.library_support import JPEG, Files, Resident, publish

FORM = "inu-touroku"
ANSWERS = {"registered_elsewhere": False, "vaccinated": True, "vaccination_date": utcnow().date(),
           "vaccination_certificate": Files(("注射済証.jpg", JPEG))}


def test_expired_drafts_and_their_unsubmitted_files_are_deleted(app):
    publish(app, FORM)
    Resident(app.test_client(), app, FORM, answers=ANSWERS).submit()  # its file is the submission's
    Resident(app.test_client(), app, FORM, answers=ANSWERS).apply()   # given up on the check page
    still_going = Resident(app.test_client(), app, FORM, answers=ANSWERS)
    still_going.apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        drafts = list(session.scalars(select(Draft).order_by(Draft.id)))
        assert len(drafts) == 3 and len(list(session.scalars(select(Upload)))) == 2
        session.execute(update(Draft).where(Draft.id.in_([drafts[0].id, drafts[1].id]))
                        .values(expires_at=utcnow() - timedelta(minutes=1)))

    result = app.test_cli_runner().invoke(main, ["purge-drafts"])

    assert result.exit_code == 0, result.output
    assert "2 件削除" in result.output
    with app.app_context(), database().transaction() as session:
        assert [d.id for d in session.scalars(select(Draft))] == [drafts[2].id]
        uploads = list(session.scalars(select(Upload)))
        submission = session.scalar(select(Submission))
        assert [(u.submission_id, u.draft_id) for u in uploads] == [(submission.id, None)]


def test_find_draft_binds_each_call_s_token_and_form(app):
    """find_draft's statement is built once (issue 17): each call still finds only the draft of
    its own token and form, and neither an expired draft nor a missing token."""
    publish(app, FORM)
    for _ in range(2):
        Resident(app.test_client(), app, FORM, answers=ANSWERS).apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        first, second = session.scalars(select(Draft).order_by(Draft.id))
        tokens = {first.id: first.token, second.id: second.token}
    with app.app_context(), database().transaction() as session:
        for draft_id, token in [*tokens.items(), *reversed(tokens.items())]:
            found = find_draft(session, token, FORM)
            assert found is not None and found.id == draft_id
        assert find_draft(session, tokens[first.id], "juminhyo-copy") is None  # another form's
        assert find_draft(session, tokens[first.id] + "x", FORM) is None
        assert find_draft(session, None, FORM) is None and find_draft(session, "", FORM) is None
        session.execute(update(Draft).where(Draft.id == second.id)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))
        assert find_draft(session, tokens[second.id], FORM) is None
        assert find_draft(session, tokens[first.id], FORM).id == first.id
