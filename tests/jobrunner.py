"""Running the jobs a test made: in tests the queue is in memory (JOB_QUEUE_URL "memory"), and
nothing runs until the test says so, as a worker would."""

from __future__ import annotations

import time

import httpx

from formsvc.jobs.queue import job_queue


def run_jobs(app) -> int:
    """Run everything on the app's queue (and what those jobs queue in turn); how many ran."""
    with app.app_context():
        return job_queue().run_queued()


def wait_for(condition, seconds: float, what: str):
    """``condition()``'s first true value, asked every 0.2 s (real processes work at their pace)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def answers_health(server: str) -> bool:
    """Whether the app server at ``server`` (http://host:port) is up: /healthz answers 200."""
    try:
        return httpx.get(f"{server}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False
