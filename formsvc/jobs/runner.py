"""What a worker does with a job's id, and the sweep that recovers what a dead worker left.

A job is claimed with one UPDATE (queued and due, or running with a heartbeat gone stale), so
two workers given the same id never both run it. While it runs, a thread renews the heartbeat.
Its results are committed in the same transaction that marks it done, and only if this worker
still holds it: a worker that was given up for dead and wakes up again writes nothing. Hence a
job killed half way is run again from the start by another worker, and finishes once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from formsvc import clock
from formsvc.db import Database, database, utcnow
from formsvc.jobs.models import Job, JobFile
from formsvc.jobs.queue import enqueue, push_after_commit
from formsvc.jobs.registry import KINDS, Kind
from formsvc.tenants.context import DEFAULT_TENANT_ID, all_municipalities, working_for

log = logging.getLogger(__name__)

# The sweep sends a queued job again when it was handed to the queue this long ago and is
# still waiting (its message was lost: a queue restarted, a worker killed while holding it).
REPUSH_AFTER = timedelta(minutes=5)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100_000}"


def stale_after() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


@dataclass
class JobContext:
    """What a job kind's function gets: the job (its ``progress_done``/``progress_total`` are
    shown on its page) and a session whose work is committed with the job's "done", or not at all."""

    job: Job
    session: Session
    kind: Kind
    worker: str

    @property
    def payload(self) -> dict:
        return self.job.payload

    def save_file(self, name: str, media_type: str, content: bytes, job_id: int | None = None) -> None:
        """Keep a file this job made (in the job's transaction: kept only if the job finishes)."""
        target = job_id or self.job.id
        found = self.session.get(JobFile, (target, name))
        if found is None:
            self.session.add(JobFile(job_id=target, name=name, media_type=media_type, content=content))
        else:
            found.media_type, found.content = media_type, content


class _Heartbeat(threading.Thread):
    def __init__(self, db: Database, job_id: int, worker: str, interval: float):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.db, self.job_id, self.worker, self.interval = db, job_id, worker, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with all_municipalities(), self.db.transaction() as session:
                    session.execute(update(Job).where(Job.id == self.job_id, Job.worker == self.worker,
                                                      Job.state == "running").values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat is not fatal; a long outage lets another worker take over
                log.warning("job %s: heartbeat not recorded", self.job_id, exc_info=True)


def claim(db: Database, job_id: int, worker: str, now: datetime, stale: timedelta) -> bool:
    """Take the job, whichever municipality it works for (the worker serves them all)."""
    with all_municipalities(), db.transaction() as session:
        result = cast(CursorResult, session.execute(
            update(Job).where(Job.id == job_id, or_(
                and_(Job.state == "queued", Job.not_before <= now),
                and_(Job.state == "running", Job.heartbeat_at < now - stale),
            )).values(state="running", attempts=Job.attempts + 1, worker=worker, heartbeat_at=now,
                      started_at=now, error=None)))
        return result.rowcount == 1


def run_job(job_id: int) -> None:
    """Run the job ``job_id`` if it is due and nobody else runs it."""
    db = database()
    worker = worker_name()
    stale = stale_after()
    if not claim(db, job_id, worker, utcnow(), stale):
        return
    heartbeat = _Heartbeat(db, job_id, worker, max(0.2, stale.total_seconds() / 4))
    heartbeat.start()
    try:
        _run_claimed(db, job_id, worker)
    finally:
        heartbeat.stopped.set()
        heartbeat.join()


def _tenant_of(db: Database, job_id: int) -> int:
    with all_municipalities(), db.session_factory() as session:
        found = session.scalar(select(Job.tenant_id).where(Job.id == job_id))
        assert found is not None
        return found


def _run_claimed(db: Database, job_id: int, worker: str) -> None:
    """Run the job as its municipality: everything it reads or writes is that municipality's."""
    tenant_id = _tenant_of(db, job_id)
    with working_for(tenant_id):
        _run_for_tenant(db, job_id, worker)


def _run_for_tenant(db: Database, job_id: int, worker: str) -> None:
    with db.session_factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        kind = KINDS.get(job.kind)
        try:
            if kind is None:
                raise JobFailed(f"unknown job kind {job.kind!r}")
            kind.run(JobContext(job, session, kind, worker))
            finished = cast(CursorResult, session.execute(
                update(Job).where(Job.id == job_id, Job.worker == worker, Job.state == "running")
                .values(state="done", finished_at=utcnow(), progress_done=Job.progress_total)))
            if finished.rowcount != 1:
                session.rollback()  # given up for dead meanwhile: another worker runs it
                log.warning("job %s (%s): taken over by another worker; nothing kept", job_id, job.kind)
                return
            session.commit()
            log.info("job %s (%s) done", job_id, job.kind)
        except Exception as error:
            session.rollback()
            summary = describe(error)
            log.warning("job %s (%s) attempt failed: %s", job_id, job.kind, summary)
            _after_failure(db, job_id, worker, kind, summary)


class JobFailed(Exception):
    """A job's own reason to fail, worded without personal data (shown to administrators)."""


def describe(error: BaseException) -> str:
    """What an administrator sees of a failure: the exception's class, an SMTP reply code, and
    the message only when formsvc wrote it. A library's message may quote the data it choked on
    (SMTPRecipientsRefused names the address), and personal data stays out of the job list and
    the logs."""
    parts = [type(error).__name__]
    code = getattr(error, "smtp_code", None)
    if code:
        parts.append(str(code))
    text = " ".join(parts)
    if type(error).__module__.startswith("formsvc."):
        text += f": {error}"
    return text[:255]


def _after_failure(db: Database, job_id: int, worker: str, kind: Kind | None, summary: str) -> None:
    with db.session_factory() as session:
        job = session.get(Job, job_id)
        if job is None or job.worker != worker or job.state != "running":
            return
        job.error = summary
        if kind is not None and job.attempts < job.max_attempts:
            delay = kind.delay_before(job.attempts + 1)
            job.state, job.worker, job.not_before = "queued", None, utcnow() + timedelta(seconds=delay)
            job.pushed_at = utcnow()
            push_after_commit(session, job_id, delay)
        else:
            fail(session, job, kind, worker)
        session.commit()


def fail(session: Session, job: Job, kind: Kind | None, worker: str) -> None:
    """Give ``job`` up for good (a dead letter), and tell its kind."""
    job.state, job.finished_at = "failed", utcnow()
    log.error("job %s (%s) failed for good after %s attempts", job.id, job.kind, job.attempts)
    if kind is not None and kind.on_failed is not None:
        kind.on_failed(JobContext(job, session, kind, worker))


def retry(session: Session, job: Job) -> None:
    """An administrator's 「もう一度実行」 on a failed job: its attempts start again."""
    job.state, job.attempts, job.not_before, job.finished_at, job.worker = "queued", 0, utcnow(), None, None
    job.pushed_at = utcnow()
    push_after_commit(session, job.id)


def sweep() -> dict[str, int]:
    """Send again the jobs whose message was lost, and those of a worker that stopped beating."""
    db = database()
    now = utcnow()
    stale = stale_after()
    outcome = {"pushed": 0, "failed": 0}
    with all_municipalities(), db.session_factory() as session:
        lost = session.scalars(select(Job).where(or_(
            and_(Job.state == "queued", Job.not_before <= now, Job.pushed_at < now - REPUSH_AFTER),
            and_(Job.state == "running", Job.heartbeat_at < now - stale),
        )).order_by(Job.id).limit(1000)).all()
        for job in lost:
            if job.state == "running" and job.attempts >= job.max_attempts:
                # Its worker died on every attempt (out of memory, say): not one more. Its kind
                # hears of it as its municipality (on_failed may read and write that one's rows).
                job.error = "the worker stopped while running it, on every attempt"
                with working_for(job.tenant_id):
                    fail(session, job, KINDS.get(job.kind), job.worker or "")
                outcome["failed"] += 1
                continue
            job.pushed_at = now
            push_after_commit(session, job.id)
            outcome["pushed"] += 1
        session.commit()
    return outcome


def start_periodic(name: str) -> Job | None:
    """A periodic kind's job for this slot (minute), once however many schedulers ask."""
    slot = f"{name}:{clock.now():%Y-%m-%dT%H:%M}"
    try:
        # The deployment's own job, kept with the default municipality's; it works for every one.
        with working_for(DEFAULT_TENANT_ID), database().transaction() as session:
            return enqueue(session, name, unique_key=slot)
    except IntegrityError:
        return None  # another worker's scheduler made it
