"""Drafts: found through their token (read outside a transaction when it is a session's first
read), and deleted once expired with the files no submission kept (formsvc purge-drafts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, select, update

from formsvc.applications.answers import Answers
from formsvc.cli import main
from formsvc.db import database, utcnow
from formsvc.forms.catalog import published
from formsvc.submissions.drafts import commit_answers, find_draft, new_draft, save_answers
from formsvc.submissions.models import Draft, Submission, Upload
from formsvc.tenants.context import working_for
from formsvc.tenants.models import Tenant
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


def test_a_draft_read_outside_a_transaction_is_the_session_s_own(app):
    """The draft joins the session as if it had read it: unchanged, it writes nothing; changed, the
    session's commit stores it; asked for again, the session's object comes back."""
    publish(app, FORM)
    Resident(app.test_client(), app, FORM, answers=ANSWERS).apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        token = session.scalar(select(Draft.token))
    with app.app_context():
        session = database().session_factory()
        draft = find_draft(session, token, FORM)
        assert draft is not None and draft in session and not session.dirty
        assert find_draft(session, token, FORM) is draft  # read through the session now
        draft.locale = "en"
        session.commit()
        session.close()
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(Draft.locale).where(Draft.token == token)) == "en"


def test_a_draft_the_session_has_not_committed_is_found(app):
    """Inside a transaction the draft is read through it: a draft made and not yet committed
    (a start page) is found, which a read outside the transaction could not see."""
    publish(app, FORM)
    with app.test_request_context(), database().transaction() as session:
        compiled = published(session, FORM)
        made = new_draft(session, compiled, "ja")
        assert find_draft(session, made.token, FORM) is made


def test_another_municipality_s_draft_is_not_found_outside_a_transaction(app):
    """The read outside a transaction names its municipality itself (the ORM's tenant filter does
    not reach a Core statement): a token of another town's draft finds nothing."""
    publish(app, FORM)
    Resident(app.test_client(), app, FORM, answers=ANSWERS).apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        token = session.scalar(select(Draft.token))
        other = Tenant(slug="kamakura", name="鎌倉市", code="142042")
        session.add(other)
    with app.app_context(), working_for(other.id):
        session = database().session_factory()
        assert find_draft(session, token, FORM) is None
        session.close()


def test_saved_answers_are_written_at_once_and_the_draft_holds_them(app):
    """save_answers writes a stored draft with one UPDATE in the session's transaction (not the
    ORM's unit of work, issue 17): the object holds what was stored, with nothing left to flush,
    and the commit keeps it; a rollback undoes it. A draft made in the same request is saved too."""
    publish(app, FORM)
    Resident(app.test_client(), app, FORM, answers=ANSWERS).apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        token = session.scalar(select(Draft.token))
    answers = Answers(fields={"registered_elsewhere": False, "owner_name": "山田　太郎"})
    with app.test_request_context():
        session = database().session_factory()
        draft = find_draft(session, token, FORM)
        before = draft.expires_at
        save_answers(draft, answers, ["ownership"])
        assert not session.dirty and draft.answers == answers.to_json() and draft.expires_at > before
        session.rollback()
        session.close()
    with app.app_context(), database().transaction() as session:
        assert session.scalar(select(Draft.completed_pages).where(Draft.token == token)) != ["ownership"]
    with app.test_request_context():
        session = database().session_factory()
        save_answers(find_draft(session, token, FORM), answers, ["ownership"])
        session.commit()
        session.close()
        with database().transaction() as session:
            stored = session.scalar(select(Draft).where(Draft.token == token))
            assert (stored.answers, stored.completed_pages) == (answers.to_json(), ["ownership"])
            made = new_draft(session, published(session, FORM), "ja")
            save_answers(made, answers, ["ownership"])
        with database().transaction() as session:
            assert session.get(Draft, made.id).answers == answers.to_json()


def test_answers_committed_alone_or_with_what_the_session_holds(app):
    """commit_answers: with nothing else in flight the UPDATE is committed as it runs (no BEGIN,
    no COMMIT); with a statement of the session's transaction sent, or an object changed, it
    joins that transaction and everything is committed together."""
    publish(app, FORM)
    Resident(app.test_client(), app, FORM, answers=ANSWERS).apply(until="vaccination")
    with app.app_context(), database().transaction() as session:
        token = session.scalar(select(Draft.token))
    answers = Answers(fields={"registered_elsewhere": True})
    begun = []
    listener = lambda *_: begun.append(True)  # noqa: E731
    with app.test_request_context():
        session = database().session_factory()
        event.listen(session, "after_begin", listener)
        draft = find_draft(session, token, FORM)
        commit_answers(draft, answers, ["ownership"])
        assert begun == [] and not session.dirty and draft.completed_pages == ["ownership"]
        session.close()
        session = database().session_factory()
        draft = find_draft(session, token, FORM)
        draft.locale = "en"  # in flight: the answers join its transaction
        commit_answers(draft, answers, ["ownership", "vaccination"])
        session.close()
        with database().transaction() as session:
            stored = session.scalar(select(Draft).where(Draft.token == token))
            assert (stored.locale, stored.completed_pages) == ("en", ["ownership", "vaccination"])
            assert stored.answers == answers.to_json()
