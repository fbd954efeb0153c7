"""Jobs are run once, retried with growing pauses, given up for good after their attempts (dead
letters), taken over from a worker that stopped beating, and never written by that worker after."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from formsvc.db import database, utcnow
from formsvc.jobs import runner
from formsvc.jobs.models import Job, JobFile
from formsvc.jobs.queue import enqueue, job_queue
from formsvc.jobs.registry import KINDS, kind
from tests.jobrunner import run_jobs

RUNS: list[tuple[str, int]] = []  # (kind, job id) of every run, across the tests of this module
FAILURES_LEFT: dict[int, int] = {}  # job id -> how many more runs raise


@kind("test_write", label=("テスト", "Test"))
def _write(ctx):
    RUNS.append(("test_write", ctx.job.id))
    ctx.save_file("result", "text/plain", f"made by {ctx.job.id}".encode())


@kind("test_flaky", label=("テスト", "Test"), max_attempts=3, backoff=(30, 300),
      on_failed=lambda ctx: RUNS.append(("on_failed", ctx.job.id)))
def _flaky(ctx):
    RUNS.append(("test_flaky", ctx.job.id))
    ctx.save_file("result", "text/plain", b"never kept")  # undone with the failed attempt
    if FAILURES_LEFT.get(ctx.job.id, 0) > 0:
        FAILURES_LEFT[ctx.job.id] -= 1
        raise RuntimeError("550 no such user: taro@example.jp")


@pytest.fixture(autouse=True)
def _clean():
    RUNS.clear()
    FAILURES_LEFT.clear()
    yield


def new_job(app, kind_name: str, **options) -> int:
    with app.app_context(), database().transaction() as session:
        return enqueue(session, kind_name, {"n": 1}, **options).id


def job(app, job_id: int) -> Job:
    with app.app_context(), database().session_factory() as session:
        found = session.get(Job, job_id)
        assert found is not None
        session.expunge(found)
        return found


def test_a_job_runs_once_when_its_transaction_commits(app):
    job_id = new_job(app, "test_write", requested_by="shinsa")
    assert job(app, job_id).state == "queued"
    assert run_jobs(app) == 1
    assert [("test_write", job_id)] == RUNS
    done = job(app, job_id)
    assert (done.state, done.attempts, done.worker is not None, done.finished_at is not None) == ("done", 1, True, True)
    with app.app_context():
        assert runner.claim(database(), job_id, "another", utcnow(), timedelta(seconds=60)) is False
        job_queue().push(job_id)  # a message sent twice does no harm
    assert run_jobs(app) == 1 and [("test_write", job_id)] == RUNS


def test_a_job_made_in_a_transaction_that_fails_does_not_exist_nor_run(app):
    with app.app_context(), pytest.raises(LookupError), database().transaction() as session:
        enqueue(session, "test_write")
        raise LookupError("the request failed after the job was made")
    assert run_jobs(app) == 0 and RUNS == []
    with app.app_context(), database().session_factory() as session:
        assert session.scalars(select(Job)).all() == []


def test_an_unknown_kind_is_refused(app):
    with app.app_context(), database().transaction() as session, pytest.raises(ValueError, match="unknown job kind"):
        enqueue(session, "no_such_kind")


def test_a_failed_attempt_waits_its_backoff_then_the_job_succeeds(app):
    job_id = new_job(app, "test_flaky")
    FAILURES_LEFT[job_id] = 1
    before = utcnow()
    run_jobs(app)
    waiting = job(app, job_id)
    assert waiting.state == "queued" and waiting.attempts == 1
    assert waiting.error == "RuntimeError"  # a library's message may quote personal data: not kept
    assert timedelta(seconds=29) < waiting.not_before - before < timedelta(seconds=40)
    with app.app_context(), database().session_factory() as session:
        assert session.get(JobFile, (job_id, "result")) is None  # the failed attempt kept nothing
    assert run_jobs(app) == 0  # its retry is scheduled 30 s ahead: not due yet
    with app.app_context(), database().transaction() as session:  # 30 s later
        session.execute(update(Job).where(Job.id == job_id).values(not_before=utcnow() - timedelta(seconds=1)))
    with app.app_context():
        job_queue().push(job_id)
    run_jobs(app)
    done = job(app, job_id)
    assert (done.state, done.attempts, done.error) == ("done", 2, None)
    assert [("test_flaky", job_id), ("test_flaky", job_id)] == RUNS


def test_after_its_last_attempt_a_job_is_a_dead_letter_and_its_kind_is_told(app):
    job_id = new_job(app, "test_flaky")
    FAILURES_LEFT[job_id] = 99
    for _attempt in range(3):
        with app.app_context(), database().transaction() as session:
            session.execute(update(Job).where(Job.id == job_id).values(not_before=utcnow()))
        with app.app_context():
            job_queue().push(job_id)
        run_jobs(app)
    failed = job(app, job_id)
    assert (failed.state, failed.attempts, failed.finished_at is not None) == ("failed", 3, True)
    assert RUNS[-1] == ("on_failed", job_id) and RUNS.count(("test_flaky", job_id)) == 3
    # An administrator's retry starts its attempts again.
    with app.app_context(), database().transaction() as session:
        runner.retry(session, session.get(Job, job_id))
    FAILURES_LEFT[job_id] = 0
    run_jobs(app)
    assert job(app, job_id).state == "done"


def test_a_worker_given_up_for_dead_writes_nothing_and_another_takes_the_job_over(app):
    job_id = new_job(app, "test_write")
    with app.app_context():
        db = database()
        assert runner.claim(db, job_id, "host:1:1", utcnow(), timedelta(seconds=60))
        # Its heartbeat stops (the worker was killed, or hangs): after the stale time another may claim it.
        assert not runner.claim(db, job_id, "host:2:2", utcnow(), timedelta(seconds=60))
        assert runner.claim(db, job_id, "host:2:2", utcnow() + timedelta(seconds=61), timedelta(seconds=60))
        # The first worker wakes up and finishes: nothing of it is kept.
        runner._run_claimed(db, job_id, "host:1:1")
        with db.session_factory() as session:
            assert session.get(JobFile, (job_id, "result")) is None
            assert session.get(Job, job_id).state == "running"
        runner._run_claimed(db, job_id, "host:2:2")
        with db.session_factory() as session:
            assert session.get(JobFile, (job_id, "result")).content == f"made by {job_id}".encode()
            found = session.get(Job, job_id)
            assert (found.state, found.worker, found.attempts) == ("done", "host:2:2", 2)


def test_the_sweep_sends_again_lost_messages_and_the_jobs_of_dead_workers(app):
    lost = new_job(app, "test_write")
    dead = new_job(app, "test_write")
    hopeless = new_job(app, "test_write")
    fresh = new_job(app, "test_write")
    with app.app_context():
        huey = job_queue().huey
        huey.flush()  # every message is lost (the queue restarted empty)
        long_ago = utcnow() - timedelta(minutes=10)
        with database().transaction() as session:
            session.execute(update(Job).where(Job.id == lost).values(pushed_at=long_ago))
            session.execute(update(Job).where(Job.id == dead).values(state="running", worker="gone:1:1",
                                                                     heartbeat_at=long_ago, attempts=1))
            session.execute(update(Job).where(Job.id == hopeless).values(state="running", worker="gone:1:1",
                                                                         heartbeat_at=long_ago, attempts=3))
        assert runner.sweep() == {"pushed": 2, "failed": 1}
    run_jobs(app)
    assert sorted(job_id for _, job_id in RUNS) == [lost, dead]
    assert job(app, hopeless).state == "failed" and "every attempt" in job(app, hopeless).error
    assert job(app, fresh).state == "queued"  # handed out a moment ago: still on its way


def test_a_periodic_slot_makes_one_job_however_many_schedulers_start_it(app):
    with app.app_context():
        first = runner.start_periodic("purge_drafts")
        second = runner.start_periodic("purge_drafts")
    assert first is not None and second is None
    assert KINDS["purge_drafts"].every == {"minute": "7"}
    run_jobs(app)
    assert job(app, first.id).state == "done"


def test_the_app_schedules_every_periodic_kind(app):
    def due(hour: int, minute: int) -> set[str]:
        with app.app_context():
            return {task.name for task in job_queue().huey.read_periodic(datetime(2026, 12, 7, hour, minute))}

    assert due(3, 7) == {"formsvc.sweep", "formsvc.every.purge_drafts"}  # hourly at :07
    assert due(3, 10) == due(4, 20) == {"formsvc.sweep", "formsvc.every.refresh_dashboard"}  # every 10 minutes
    assert due(3, 11) == {"formsvc.sweep"}  # every minute


def test_savepoints_neither_hand_out_a_job_early_nor_lose_one_made_before_them(app):
    with app.app_context():
        queue_size = job_queue().huey.pending_count
        with database().session_factory() as session:
            before = enqueue(session, "test_write")
            with session.begin_nested():  # released: its job waits for the outer commit
                inner_kept = enqueue(session, "test_write")
            assert queue_size() == 0
            savepoint = session.begin_nested()
            enqueue(session, "test_write")  # rolled back with its savepoint
            savepoint.rollback()
            session.commit()
        assert queue_size() == 2
    run_jobs(app)
    assert sorted(job_id for _, job_id in RUNS) == [before.id, inner_kept.id]
