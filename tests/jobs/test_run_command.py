"""`formsvc run` (what `make run` starts) runs a worker beside the server: a job made by the app
is done without any other command, and stopping the server stops the worker too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formsvc import create_app
from formsvc.db import database
from formsvc.jobs.models import Job
from formsvc.jobs.queue import enqueue
from formsvc.migrate import upgrade
from tests.demo.test_startup import free_port
from tests.jobrunner import answers_health, wait_for

FORMSVC = Path(sys.executable).with_name("formsvc")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc: ppid is the 4th field of stat)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":  # a zombie is gone, only not yet reaped
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_server_runs_a_worker_and_takes_it_along_when_it_stops(tmp_path, stop):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    port = free_port()
    environment = {**os.environ, "FORMSVC_INSTANCE_PATH": str(tmp_path), "FORMSVC_DEMO": "0", "DATABASE_URL": url,
                   "SECRET_KEY": "test-secret-key"}
    environment.pop("FORMSVC_JOB_QUEUE_URL", None)
    server = subprocess.Popen([str(FORMSVC), "run", "--port", str(port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: answers_health(f"http://127.0.0.1:{port}") or server.poll() is not None, 60, "the server")
        assert server.poll() is None
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
        with app.app_context(), database().transaction() as session:
            job_id = enqueue(session, "purge_drafts").id  # the same queue file: instance/jobs.sqlite3

        def state() -> str:
            with app.app_context(), database().session_factory() as session:
                return session.get(Job, job_id).state

        wait_for(lambda: state() == "done", 60, "the worker beside the server to run the job")
        children = descendants(server.pid)
        assert children, "no worker beside the server"
        server.send_signal(stop)
        server.wait(90)
        deadline = time.monotonic() + 30
        while children & descendants(1) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not children & descendants(1), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
