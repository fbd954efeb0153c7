"""Handing jobs to the workers: huey carries a job's id once the transaction that made it commits.

The job's row is the truth (its state, attempts, results); a message on the queue only says
"look at job 12". So a message lost with a worker, or sent twice, does no harm: the sweep
(formsvc.jobs.runner) sends again what waits too long, and a job is claimed by one worker only.

Where the queue lives (FORMSVC_JOB_QUEUE_URL, else beside the database):
* SQLite database → huey's SQLite storage in ``instance/jobs.sqlite3``: nothing to install;
* PostgreSQL → huey's PostgreSQL storage in the same database (its tables start ``formsvc_queue_``),
  LISTEN/NOTIFY wakes an idle worker at once;
* ``redis://…`` → huey's Redis storage, for a deployment that has Redis anyway;
* ``memory`` → in this process only (the tests: they run the jobs themselves, see run_queued).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, SessionTransaction

from formsvc.db import utcnow
from formsvc.jobs.models import Job
from formsvc.jobs.registry import KINDS

EXTENSION = "formsvc.jobs"
_PENDING = "formsvc.jobs.pending"  # session.info: ids to push once the transaction commits


def default_queue_url(database_url: str, instance: str) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{Path(instance) / 'jobs.sqlite3'}"
    return database_url


def make_huey(url: str) -> Huey:
    options: dict[str, Any] = {"results": False, "utc": True}
    if url == "memory":
        return MemoryHuey("formsvc", **options)
    if url.startswith("sqlite"):
        return SqliteHuey("formsvc", filename=make_url(url).database, **options)
    if url.startswith("postgresql"):
        # Its tables come with the database's migrations (0018), not from huey at start-up: two
        # processes creating them at once could collide.
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresHuey("formsvc", dsn=dsn, table_prefix=POSTGRES_TABLE_PREFIX, create_tables=False, **options)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("formsvc", url=url, **options)
    raise ValueError(f"FORMSVC_JOB_QUEUE_URL: unknown kind of queue {url.split(':')[0]!r} "
                     "(sqlite:///…, postgresql://…, redis://… or memory)")


POSTGRES_TABLE_PREFIX = "formsvc_queue"


class JobQueue:
    """The app's huey instance, with formsvc's two tasks and the periodic kinds registered.

    Made on first use, not with the app: most requests never hand out a job."""

    def __init__(self, app: Flask):
        self.app = app

    @property
    def huey(self) -> Huey:
        return self._built[0]

    @cached_property
    def _built(self) -> tuple[Huey, Any]:
        """The huey instance and its task that runs a job by id (huey's TaskWrapper)."""
        from formsvc.jobs import runner

        app = self.app
        huey = make_huey(app.config["JOB_QUEUE_URL"])

        @huey.task(name="formsvc.run_job")
        def run_job(job_id: int) -> None:
            with app.app_context():
                runner.run_job(job_id)

        @huey.periodic_task(crontab(minute="*"), name="formsvc.sweep")
        def sweep() -> None:
            with app.app_context():
                runner.sweep()

        for name, kind in KINDS.items():
            if kind.every:
                huey.periodic_task(crontab(**kind.every), name=f"formsvc.every.{name}")(_periodic_starter(app, name))
        return huey, run_job

    @property
    def description(self) -> str:
        """Where the queue is, without a password."""
        url = self.app.config["JOB_QUEUE_URL"]
        return url if url == "memory" else make_url(url).render_as_string(hide_password=True)

    def push(self, job_id: int, delay: float = 0) -> None:
        run_job = self._built[1]
        if delay > 0:
            run_job.schedule((job_id,), delay=delay)
        else:
            run_job(job_id)

    def run_queued(self, limit: int = 1000) -> int:
        """Run what is on the queue here and now, scheduled retries that are due included
        (the tests, and `formsvc worker --once`); returns how many messages were run."""
        huey = self.huey
        count = 0
        while count < limit:
            for task in huey.read_schedule():  # retries whose pause is over
                huey.enqueue(task)
            task = huey.dequeue()
            if task is None:
                return count
            huey.execute(task)
            count += 1
        return count


def _periodic_starter(app: Flask, name: str):
    def start() -> None:
        from formsvc.jobs import runner

        with app.app_context():
            runner.start_periodic(name)

    start.__name__ = f"start_{name}"
    return start


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = JobQueue(app)


def job_queue() -> JobQueue:
    return current_app.extensions[EXTENSION]


def enqueue(session: Session, kind: str, payload: dict | None = None, *, requested_by: str | None = None,
            parent_id: int | None = None, waiting: bool = False, progress_total: int = 0,
            unique_key: str | None = None) -> Job:
    """A new job in ``session``'s transaction: it exists, and is handed to a worker, only if that
    transaction commits (a request that fails leaves no job behind, and no job runs early)."""
    definition = KINDS.get(kind)
    if definition is None:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, payload=payload or {}, requested_by=requested_by, parent_id=parent_id,
              state="waiting" if waiting else "queued", max_attempts=definition.max_attempts,
              progress_total=progress_total, unique_key=unique_key, not_before=utcnow(), pushed_at=utcnow())
    session.add(job)
    session.flush()
    if not waiting:
        push_after_commit(session, job.id)
    return job


def push_after_commit(session: Session, job_id: int, delay: float = 0) -> None:
    """Hand ``job_id`` to a worker once the transaction now open commits (nothing if it rolls
    back; a savepoint rolled back forgets only what was added inside it)."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((job_id, delay, transaction))


@event.listens_for(Session, "after_commit")
def _push_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released (SQLAlchemy calls this then too): the outer one decides
    pending = session.info.pop(_PENDING, None)
    if not pending or not has_app_context() or EXTENSION not in current_app.extensions:
        return  # without the app (a script): the sweep pushes it within a few minutes
    queue = job_queue()
    for job_id, delay, _transaction in pending:
        try:
            queue.push(job_id, delay)
        except Exception:  # the queue is unreachable: the job is committed, the sweep sends it later
            current_app.logger.exception("job %s: could not reach the queue; the sweep will send it", job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if not previous.nested and previous.parent is None:
        session.info.pop(_PENDING, None)  # the whole transaction: nothing was made
        return

    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous:
                return True
            transaction = transaction.parent
        return False

    session.info[_PENDING] = [entry for entry in pending if not inside(entry[2])]
