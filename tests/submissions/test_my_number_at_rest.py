"""個人番号 at rest: encrypted in drafts and submissions, masked in the audit trail, and
numbers stored in plain text before encryption existed still read as before."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet
from sqlalchemy import select, update

from formsvc.cli import main
from formsvc.db import database
from formsvc.submissions.models import Draft, Submission, SubmissionEvent
from tests.applicant import Applicant
from tests.identity import sign_in
from tests.review.support import csrf_of, lock_version_of
from tests.staff.support import staff_client
from tests.submissions.support import (
    ANSWERS,
    CLAIMANT_NUMBER,
    FORM,
    MEMBER_NUMBER,
    MEMBERS,
    apply_with_my_numbers,
    digits_anywhere,
    publish_my_number_form,
    stored_text,
)


def test_the_numbers_are_stored_encrypted_in_drafts_and_submissions(app, db_session):
    publish_my_number_form(app)
    client = app.test_client()
    sign_in(client, app)
    unfinished = Applicant(client, app, FORM, answers=dict(ANSWERS), items=dict(MEMBERS))
    unfinished.apply(until="members")  # the claimant's page is saved; the draft waits
    assert digits_anywhere(stored_text(db_session, "drafts", "answers")) == []

    _, number = apply_with_my_numbers(app)
    assert digits_anywhere(stored_text(db_session, "drafts", "answers")) == []
    assert digits_anywhere(stored_text(db_session, "submissions", "answers")) == []
    stored = db_session.scalar(select(Submission).where(Submission.reception_number == number)).answers
    assert stored["fields"]["claimant_my_number"].startswith("gAAAAA")  # a Fernet token
    assert stored["items"]["members"][0]["member_my_number"].startswith("gAAAAA")
    # Everything else is stored as before, readable by the database's own tools.
    assert stored["fields"]["claimant_name"] == "鈴木 美咲" and stored["fields"]["children"] == 1

    # Staff who read the application see the number as every page shows it: its last four digits.
    page = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}")
    assert page.status_code == 200
    assert "********9018" in page.text and f"********{MEMBER_NUMBER[-4:]}" in page.text
    assert digits_anywhere(page.text) == []


def store_as_before_encryption(db_session, found: Submission) -> dict:
    """Write the submission's answers back with the numbers in plain text, as they were stored
    before encryption existed; returns those answers."""
    legacy = json.loads(json.dumps(found.answers))
    legacy["fields"]["claimant_my_number"] = CLAIMANT_NUMBER
    legacy["items"]["members"][0]["member_my_number"] = MEMBER_NUMBER
    db_session.execute(update(Submission).where(Submission.id == found.id).values(answers=legacy))
    return legacy


def test_numbers_stored_before_encryption_still_read(app, db_session):
    publish_my_number_form(app)
    _, number = apply_with_my_numbers(app)
    found = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    store_as_before_encryption(db_session, found)
    db_session.commit()

    reviewer = staff_client(app, "shinsa", "reviewer")
    page = reviewer.get(f"/staff/submissions/{number}")
    assert page.status_code == 200
    assert "********9018" in page.text and f"********{MEMBER_NUMBER[-4:]}" in page.text
    assert digits_anywhere(page.text) == []
    export = reviewer.get(f"/staff/queue/export.csv?form={FORM}&status=all")
    assert "********9018" in export.text and digits_anywhere(export.text) == []


def test_a_correction_leaves_no_number_in_the_audit_trail(app, db_session):
    publish_my_number_form(app)
    resident, number = apply_with_my_numbers(app)
    reviewer = staff_client(app, "shinsa", "reviewer")
    for move, comment in (("claim", ""), ("request_correction", "子どもの人数を確認してください。")):
        page = reviewer.get(f"/staff/submissions/{number}")
        response = reviewer.post(f"/staff/submissions/{number}/moves/{move}", data={
            "csrf_token": csrf_of(page.text), "lock_version": lock_version_of(page.text), "comment": comment})
        assert response.status_code == 302
    mine = resident.get(f"/my/applications/{number}")
    assert resident.post(f"/my/applications/{number}/correct",
                         data={"csrf_token": csrf_of(mine.text)}).status_code == 302
    # The resident corrects the number of children; the page asks for the My Number again.
    applicant = Applicant(resident, app, FORM)
    claimant_page = applicant.definition().page_by_id("claimant")
    response = applicant.post(f"/forms/{FORM}/pages/claimant?return=check",
                              applicant.inputs_for(claimant_page, {**ANSWERS, "children": 2}))
    assert response.status_code == 302
    check = resident.get(f"/forms/{FORM}/check")
    assert "********9018" in check.text and digits_anywhere(check.text) == []
    assert resident.post(f"/forms/{FORM}/check", data={"csrf_token": csrf_of(check.text)}).status_code == 302

    events = db_session.scalars(select(SubmissionEvent).order_by(SubmissionEvent.id)).all()
    assert [event.kind for event in events][-1] == "resubmitted"
    assert digits_anywhere(stored_text(db_session, "submission_events", "data")) == []
    assert digits_anywhere(stored_text(db_session, "access_log", "submission_ids")) == []
    previous = events[-1].data["previous"]["answers"]
    assert previous["fields"]["claimant_my_number"] == "********9018"
    assert previous["items"]["members"][0]["member_my_number"] == f"********{MEMBER_NUMBER[-4:]}"
    assert previous["fields"]["children"] == 1

    # Staff still see what changed, and that the number did not.
    detail = reviewer.get(f"/staff/submissions/{number}")
    assert "変更された回答：1件" in detail.text and "<ins>2人</ins>" in detail.text
    assert digits_anywhere(detail.text) == []


def test_a_key_rotation_keeps_earlier_numbers_readable(app, db_session):
    publish_my_number_form(app)
    old_key = app.config["ENCRYPTION_KEYS"][0]
    _, before = apply_with_my_numbers(app)
    new_key = Fernet.generate_key().decode()
    app.config["ENCRYPTION_KEYS"] = [new_key, old_key]  # the new key first: it encrypts from now on
    _, after = apply_with_my_numbers(app)

    tokens = {row.reception_number: row.answers["fields"]["claimant_my_number"]
              for row in db_session.scalars(select(Submission))}
    assert Fernet(new_key.encode()).decrypt(tokens[after].encode()).decode() == CLAIMANT_NUMBER
    assert Fernet(old_key.encode()).decrypt(tokens[before].encode()).decode() == CLAIMANT_NUMBER
    reviewer = staff_client(app, "shinsa", "reviewer")
    for number in (before, after):
        assert "********9018" in reviewer.get(f"/staff/submissions/{number}").text

    # `formsvc protect-answers` re-encrypts every stored number with the first key, so that the
    # old key can then be removed.
    result = app.test_cli_runner().invoke(main, ["protect-answers"])
    assert result.exit_code == 0, result.output
    app.config["ENCRYPTION_KEYS"] = [new_key]
    with app.app_context(), database().transaction() as session:
        for row in session.scalars(select(Submission)):
            token = row.answers["fields"]["claimant_my_number"]
            assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == CLAIMANT_NUMBER
    assert "********9018" in reviewer.get(f"/staff/submissions/{before}").text


def test_protect_answers_encrypts_numbers_stored_before_and_masks_old_audit_copies(app, db_session):
    publish_my_number_form(app)
    _, number = apply_with_my_numbers(app)
    found = db_session.scalar(select(Submission).where(Submission.reception_number == number))
    legacy = store_as_before_encryption(db_session, found)
    db_session.execute(update(Draft).values(answers=legacy))
    # A correction recorded before the audit trail masked numbers.
    db_session.add(SubmissionEvent(submission_id=found.id, kind="resubmitted", actor="resident",
                                   data={"previous": {"answers": legacy, "fee": None, "version_id": found.version_id}}))
    db_session.commit()
    assert digits_anywhere(stored_text(db_session, "submission_events", "data")) != []
    db_session.refresh(found)
    updated_at, lock_version = found.updated_at, found.lock_version

    result = app.test_cli_runner().invoke(main, ["protect-answers"])

    assert result.exit_code == 0, result.output
    assert "申請 2 件、下書き 2 件" in result.output and "履歴にあった 2 件を伏せ字にしました" in result.output
    for table, column in (("submissions", "answers"), ("drafts", "answers"), ("submission_events", "data")):
        assert digits_anywhere(stored_text(db_session, table, column)) == [], table
    db_session.expire_all()
    found = db_session.get(Submission, found.id)
    # Nothing anyone reads changed: not the time of the last change, not the version staff edit against.
    assert (found.updated_at, found.lock_version) == (updated_at, lock_version)
    page = staff_client(app, "shinsa", "reviewer").get(f"/staff/submissions/{number}")
    assert "********9018" in page.text and digits_anywhere(page.text) == []
    # Running it again re-encrypts (a no-op for the reader) and finds nothing left to mask.
    again = app.test_cli_runner().invoke(main, ["protect-answers"])
    assert "履歴にあった 0 件を伏せ字にしました" in again.output
