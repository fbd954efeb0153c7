"""Real `formsvc worker` processes on the real queue (huey on SQLite, or on PostgreSQL in the same
database): a batch printed by two workers, one of them killed in the middle of a chunk, comes out
once and whole — the chunk the dead worker held is taken over when its heartbeat goes stale."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from formsvc import create_app
from formsvc.db import database
from formsvc.jobs.models import Job, JobFile
from formsvc.jobs.queue import default_queue_url
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission
from tests.conftest import database_of, empty_all_tables
from tests.jobrunner import wait_for
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.review.support import make_submissions
from tests.staff.support import make_staff

FORMSVC = Path(sys.executable).parent / "formsvc"
STALE_SECONDS = 2


@pytest.fixture
def queued_app(database_url, tmp_path):
    """The app with the queue a deployment would have (not the tests' in-memory one)."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path), "JOB_STALE_SECONDS": STALE_SECONDS,
                      "JOB_QUEUE_URL": default_queue_url(database_url, str(tmp_path))})
    yield app
    if database_url.startswith("postgresql"):  # the queue's tables are not the models' (empty_all_tables)
        with database_of(app).engine.begin() as connection:
            connection.execute(text("DELETE FROM formsvc_queue_task; DELETE FROM formsvc_queue_schedule"))
    empty_all_tables(app)
    database_of(app).engine.dispose()


def start_worker(app, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
                   "FORMSVC_INSTANCE_PATH": app.config["INSTANCE_DIR"],  # the same encryption keys
                   "FORMSVC_JOB_QUEUE_URL": app.config["JOB_QUEUE_URL"],
                   "FORMSVC_JOB_STALE_SECONDS": str(STALE_SECONDS), "FORMSVC_DEMO": "0"}
    return subprocess.Popen([str(FORMSVC), "worker", "--workers", "1", "--no-periodic"], env=environment,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def jobs_of(app, batch_id: int) -> list[Job]:
    with app.app_context(), database().session_factory() as session:
        found = session.scalars(select(Job).where((Job.id == batch_id) | (Job.parent_id == batch_id))
                                .order_by(Job.id)).all()
        session.expunge_all()
        return list(found)


def test_a_batch_survives_a_worker_killed_in_the_middle_and_comes_out_once(queued_app, tmp_path):
    from pypdf import PdfReader

    from formsvc.review import print_jobs

    app = queued_app
    publish(app, REVIEW_SAMPLE, "review.yaml")
    make_staff(app, "shinsa", "reviewer")
    numbers = make_submissions(app, REVIEW_FORM, 45)  # three chunks of 20, 20 and 5
    with app.app_context(), database().transaction() as session:
        staff = session.scalar(select(StaffUser).where(StaffUser.username == "shinsa"))
        chosen = session.scalars(select(Submission).order_by(Submission.id)).all()
        batch_id = print_jobs.start_batch(session, list(chosen), staff, "records.pdf").id
    log = tmp_path / "workers.log"
    first = start_worker(app, log)
    try:
        running = wait_for(lambda: [job for job in jobs_of(app, batch_id) if job.state == "running"], 120,
                           "the first worker to take a chunk")
        os.killpg(first.pid, signal.SIGKILL)  # the consumer and its worker process, mid-chunk
        first.wait(10)
        taken = running[0]
        assert next(job for job in jobs_of(app, batch_id) if job.id == taken.id).state == "running"
        time.sleep(STALE_SECONDS + 0.5)  # its heartbeat goes stale
        second = start_worker(app, log)
        try:
            wait_for(lambda: jobs_of(app, batch_id)[0].state in ("done", "failed"), 240, "the batch to finish")
        finally:
            os.killpg(second.pid, signal.SIGINT)
            second.wait(30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    jobs = jobs_of(app, batch_id)
    assert [job.state for job in jobs] == ["done"] * 4, log.read_text(errors="replace")[-3000:]
    assert next(job for job in jobs if job.id == taken.id).attempts == 2  # run again from the start, once
    assert jobs[0].progress_done == 45  # each chunk counted once
    with app.app_context(), database().session_factory() as session:
        assert session.scalar(select(func.count()).select_from(JobFile)) == 1  # the PDF; the parts are gone
        pdf = session.get(JobFile, (batch_id, "result")).content
    # One bookmark per record, in the batch's order, none missing and none twice.
    bookmarks = [entry["/Title"] for entry in PdfReader(io.BytesIO(pdf)).outline if isinstance(entry, dict)]
    assert [title.split()[0].replace("-", "") for title in bookmarks] == numbers
