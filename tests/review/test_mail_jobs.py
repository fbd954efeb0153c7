"""Mail is sent by the workers as soon as it is written (issue 18): retried with growing pauses
when the server fails, a dead letter for administrators when every attempt failed — and the
address never in the job list or the log."""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from formsvc.db import database, utcnow
from formsvc.jobs.models import Job
from formsvc.jobs.queue import job_queue
from formsvc.review.models import OutboxMessage
from tests.applicant import Applicant
from tests.jobrunner import run_jobs
from tests.review.test_notifications import FakeSMTP, outbox
from tests.staff.support import staff_client


def due_now(app) -> None:
    """The pause before the next attempt has passed (as if the worker waited it out)."""
    with app.app_context():
        with database().transaction() as session:
            ids = session.scalars(select(Job.id).where(Job.state == "queued")).all()
            session.execute(update(Job).where(Job.id.in_(ids)).values(not_before=utcnow() - timedelta(seconds=1)))
        for job_id in ids:
            job_queue().push(job_id)


def test_the_confirmation_is_sent_by_a_worker_once_the_application_is_in(app, review_form, db_session):
    number = Applicant(app.test_client(), app, review_form, answers={"email": "hanako@example.jp"}).submit()
    [message] = outbox(db_session)
    assert message.state == "pending"  # written with the application, not yet sent
    assert run_jobs(app) == 1
    [message] = outbox(db_session)
    assert message.state == "sent" and message.attempts == 1 and message.sent_at is not None
    [file] = (Path(app.config["INSTANCE_DIR"]) / "outbox").glob("*.eml")  # the file backend (no SMTP host)
    parsed = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "hanako@example.jp" and f"{number[:4]}-{number[4:]}" in parsed["Subject"]
    assert run_jobs(app) == 0  # sent once


def test_a_refusing_server_is_tried_again_later_then_the_message_is_a_dead_letter(app, review_form, db_session,
                                                                                     monkeypatch, caplog):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], True
    app.config.update(SMTP_HOST="mail.example.test")
    caplog.set_level(logging.INFO)
    Applicant(app.test_client(), app, review_form, answers={"email": "taro@example.jp"}).submit()
    run_jobs(app)
    job = db_session.scalars(select(Job).where(Job.kind == "send_mail")).one()
    assert (job.state, job.attempts, job.error) == ("queued", 1, "SMTPRecipientsRefused")
    assert timedelta(seconds=55) < job.not_before - utcnow() < timedelta(seconds=65)  # the first pause: 1 min
    for _ in range(5):
        due_now(app)
        run_jobs(app)
    db_session.expire_all()
    job = db_session.get(Job, job.id)
    assert (job.state, job.attempts) == ("failed", 6)
    [message] = outbox(db_session)
    assert message.state == "failed" and message.last_error == "SMTPRecipientsRefused" and message.attempts == 6
    assert FakeSMTP.sent == []
    assert "taro" not in caplog.text and "taro" not in (job.error or "")
    page = staff_client(app, "kanri", "admin").get("/staff/jobs/")
    assert "メールの送信" in page.text and "6 / 6" in page.text and "taro" not in page.text
    # The server is mended; the administrator runs it again: sent, once.
    FakeSMTP.fail = False
    with app.app_context(), database().transaction() as session:
        from formsvc.jobs import runner

        runner.retry(session, session.get(Job, job.id))
        session.execute(update(OutboxMessage).values(state="pending"))
    run_jobs(app)
    assert [sent["To"] for sent in FakeSMTP.sent] == ["taro@example.jp"]
    assert outbox(db_session)[0].state == "sent"


def test_a_message_sent_meanwhile_is_not_sent_again(app, review_form, db_session):
    from formsvc.cli import main

    Applicant(app.test_client(), app, review_form, answers={"email": "hanako@example.jp"}).submit()
    assert app.test_cli_runner().invoke(main, ["send-outbox"]).exit_code == 0
    run_jobs(app)
    assert len(list((Path(app.config["INSTANCE_DIR"]) / "outbox").glob("*.eml"))) == 1
    assert db_session.scalars(select(Job.state)).all() == ["done"]
