"""Two app servers and a worker against one PostgreSQL database behave as one service (issue 18).

Real processes, as behind a load balancer: two gunicorn servers on their own ports and one
`formsvc worker`, sharing only the database and the configuration (SECRET_KEY, the encryption
key). Each request of a person goes to the other server than the one before: a resident fills
in and sends an application, the confirmation mail is sent once, a reviewer claims it on one
server and approves it on the other, prints it as a batch the worker lays out, and sign-in
failures are counted across both.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from formsvc import create_app
from formsvc.db import database
from formsvc.jobs.models import Job
from formsvc.review.models import OutboxMessage
from formsvc.submissions.models import Submission, SubmissionEvent
from tests.applicant import Applicant, csrf_token
from tests.backends import require_postgres
from tests.conftest import database_of, empty_all_tables
from tests.demo.test_startup import free_port
from tests.jobrunner import answers_health, wait_for
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, publish
from tests.staff.support import PASSWORD, make_staff

BIN = Path(sys.executable).parent


class Reply:
    """An httpx response as the tests' helpers read a Flask test response."""

    def __init__(self, response: httpx.Response, server: str):
        self.status_code, self.text, self.data = response.status_code, response.text, response.content
        self.location = response.headers.get("location", "")
        self.headers, self.server = response.headers, server


class AlternatingClient:
    """One browser (one cookie jar) whose every request goes to the next server in turn."""

    def __init__(self, servers: list[str]):
        self.servers = cycle(servers)
        self.cookies = httpx.Cookies()
        self.seen: list[str] = []

    def _send(self, method: str, path: str, **options) -> Reply:
        server = next(self.servers)
        self.seen.append(server)
        with httpx.Client(base_url=server, cookies=self.cookies, follow_redirects=False, timeout=60) as client:
            response = client.request(method, path, **options)
            self.cookies.update(client.cookies)
        return Reply(response, server)

    def get(self, path: str) -> Reply:
        return self._send("GET", path)

    def post(self, path: str, data: dict[str, Any] | None = None, content_type: str | None = None) -> Reply:
        fields: dict[str, Any] = {}
        files: list[tuple[str, tuple[str, bytes]]] = []
        for name, value in (data or {}).items():
            if isinstance(value, list) and value and isinstance(value[0], tuple):  # uploads
                files += [(name, (filename, handle.read())) for handle, filename in value]
            else:
                fields[name] = value
        return self._send("POST", path, data=fields, files=files or None)

    def get_cookie(self, name: str):
        return self.cookies.get(name)


@pytest.fixture
def shared_app(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several servers share a PostgreSQL database (SQLite is one machine's)")
    require_postgres()
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                      "INSTANCE_DIR": str(tmp_path / "test"), "JOB_QUEUE_URL": database_url})
    yield app
    with database_of(app).engine.begin() as connection:
        connection.execute(text("DELETE FROM formsvc_queue_task; DELETE FROM formsvc_queue_schedule"))
    empty_all_tables(app)
    database_of(app).dispose()


@pytest.fixture
def service(shared_app, tmp_path):
    """Servers A and B and a worker, each with an instance folder of its own (nothing shared on disk)."""
    key = Fernet.generate_key().decode()
    processes, servers = [], []

    def environment(name: str) -> dict[str, str]:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        return {**os.environ, "DATABASE_URL": shared_app.config["DATABASE_URL"], "SECRET_KEY": "one-secret-for-all",
                "FORMSVC_ENCRYPTION_KEY": key, "FORMSVC_INSTANCE_PATH": str(folder), "FORMSVC_DEMO": "0",
                "FORMSVC_JOB_STALE_SECONDS": "5"}

    log = (tmp_path / "service.log").open("ab")
    for name in ("a", "b"):
        port = free_port()
        processes.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--preload", "--bind", f"127.0.0.1:{port}",
             "formsvc:create_app()"], env=environment(name), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True))
        servers.append(f"http://127.0.0.1:{port}")
    processes.append(subprocess.Popen([str(BIN / "formsvc"), "worker", "--workers", "2"], env=environment("worker"),
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    for server in servers:
        wait_for(lambda server=server: answers_health(server), 120,
                 f"{server} to answer: " + (tmp_path / "service.log").read_text(errors="replace")[-3000:])
    yield servers, tmp_path
    for process in processes:
        os.killpg(process.pid, signal.SIGINT)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def sign_in_staff(client: AlternatingClient, username: str, password: str = PASSWORD) -> Reply:
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"csrf_token": csrf_token(page.text), "username": username,
                                             "password": password})


def move(client: AlternatingClient, number: str, name: str) -> Reply:
    page = client.get(f"/staff/submissions/{number}")
    lock = re.search(r'name="lock_version" value="(\d+)"', page.text).group(1)
    return client.post(f"/staff/submissions/{number}/moves/{name}", data={
        "csrf_token": csrf_token(page.text), "lock_version": lock, "comment": ""})


def test_two_servers_and_a_worker_behave_as_one_service(shared_app, service):
    from pypdf import PdfReader

    (server_a, server_b), tmp_path = service
    app = shared_app
    publish(app, REVIEW_SAMPLE, "review.yaml")
    make_staff(app, "shinsa", "reviewer")

    # A resident's pages, one request on A, the next on B…
    resident = AlternatingClient([server_a, server_b])
    number = Applicant(resident, app, REVIEW_FORM, answers={"email": "hanako@example.jp"}).submit()
    assert {server_a, server_b} <= set(resident.seen) and len(resident.seen) > 6

    def mail_sent():
        with app.app_context(), database().session_factory() as session:
            return session.scalars(select(OutboxMessage.state)).all() == ["sent"]

    wait_for(mail_sent, 60, "the worker to send the 受付 mail")
    mails = list((tmp_path / "worker" / "outbox").glob("*.eml"))
    assert len(mails) == 1 and b"hanako@example.jp" in mails[0].read_bytes()

    # A reviewer: signed in on one server, claims on the next, approves on the other.
    reviewer = AlternatingClient([server_a, server_b])
    assert sign_in_staff(reviewer, "shinsa").status_code == 302
    claimed = move(reviewer, number, "claim")
    reviewer.get("/staff/")  # one request more: the next POST goes to the other server
    approved = move(reviewer, number, "approve")
    assert claimed.status_code == approved.status_code == 302
    assert claimed.server != approved.server
    with app.app_context(), database().session_factory() as session:
        submission = session.scalar(select(Submission).where(Submission.reception_number == number))
        assert submission.status == "approved"
        kinds = session.scalars(select(SubmissionEvent.kind).where(SubmissionEvent.submission_id == submission.id)
                                .order_by(SubmissionEvent.id)).all()
        assert kinds.count("claimed") == 1 and kinds.count("approved") == 1

    # A batch: started on one server, laid out by the worker, followed and opened on the others.
    queue = reviewer.get("/staff/queue?status=all")
    started = reviewer.post("/staff/queue/print", data={"csrf_token": csrf_token(queue.text), "number": [number]})
    assert started.status_code == 302
    job_page = started.location.split("?")[0].replace(server_a, "").replace(server_b, "")
    wait_for(lambda: "ができあがりました" in reviewer.get(job_page).text, 120, "the worker to print the batch")
    pdf = reviewer.get(job_page + "/file")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    bookmarks = [entry["/Title"] for entry in PdfReader(io.BytesIO(pdf.data)).outline if isinstance(entry, dict)]
    assert [title.split()[0].replace("-", "") for title in bookmarks] == [number]
    with app.app_context(), database().session_factory() as session:
        assert session.scalar(select(Submission.id).where(Submission.reception_number == number)) is not None
        assert len(session.scalars(select(Submission)).all()) == 1
        states = session.scalars(select(Job.state).where(Job.kind.in_(("print_chunk", "print_batch")))).all()
        assert states == ["done", "done"]
        assert session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all() == ["received", "approved"]
    wait_for(lambda: len(list((tmp_path / "worker" / "outbox").glob("*.eml"))) == 2, 60, "the 承認 mail")

    # Sign-in failures are counted across the servers: five wrong passwords, then locked on both.
    intruder = AlternatingClient([server_b, server_a])
    for _ in range(5):
        failed = sign_in_staff(intruder, "shinsa", "wrong-password")
        assert "ユーザー名またはパスワードが正しくありません" in failed.text
    servers = set()
    for _ in range(2):  # the right password, on each server: both refuse it for now
        refused = sign_in_staff(intruder, "shinsa")
        assert refused.status_code != 302 and "しばらくログインできません" in refused.text
        servers.add(refused.server)
        intruder.get("/healthz")  # the next attempt's POST on the other server
    assert servers == {server_a, server_b}
