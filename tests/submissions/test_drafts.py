"""Expired drafts are deleted, with the files no submission kept (formsvc purge-drafts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from formsvc.cli import main
from formsvc.db import database, utcnow
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
