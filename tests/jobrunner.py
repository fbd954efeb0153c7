"""Running the jobs a test made: in tests the queue is in memory (JOB_QUEUE_URL "memory"), and
nothing runs until the test says so, as a worker would."""

from __future__ import annotations

from formsvc.jobs.queue import job_queue


def run_jobs(app) -> int:
    """Run everything on the app's queue (and what those jobs queue in turn); how many ran."""
    with app.app_context():
        return job_queue().run_queued()
