"""`formsvc run` in demo mode prints how to sign in after the server's own lines (so that they
do not scroll away above them); outside demo mode it prints nothing of the kind."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from formsvc.demo.startup import base_url, startup_lines
from formsvc.staff.demo_accounts import FILENAME

FORMSVC = Path(sys.executable).with_name("formsvc")
PASSWORDS = {"demo-reviewer": "reviewerPassw0rd_x", "demo-counter": "counterPassw0rd-y",
             "demo-admin": "adminPassw0rd_zzzz", "demo-manager": "managerPassw0rd_w"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_output(instance: Path, demo: bool, until: str, seconds: float = 60) -> list[str]:
    """Start `formsvc run`, read its output until a line holding ``until`` (and 1 s more)."""
    port = free_port()
    environment = {**os.environ, "FORMSVC_INSTANCE_PATH": str(instance), "FORMSVC_DEMO": "1" if demo else "0",
                   "DATABASE_URL": f"sqlite:///{instance / 'db.sqlite3'}", "SECRET_KEY": "test-secret-key"}
    server = subprocess.Popen([str(FORMSVC), "run", "--port", str(port)], env=environment, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if any(until in line for line in seen):
                    break
                continue
            if line is None:
                break
            seen.append(line)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return seen


@pytest.fixture
def instance(tmp_path) -> Path:
    (tmp_path / FILENAME).write_text(json.dumps(PASSWORDS))
    return tmp_path


def test_in_demo_mode_the_accounts_follow_the_server_lines(instance):
    output = server_output(instance, demo=True, until="/demo/outbox")
    running = next(index for index, line in enumerate(output) if "Running on http://127.0.0.1:" in line)
    quit_line = next(index for index, line in enumerate(output) if "CTRL+C" in line)
    reviewer = next(index for index, line in enumerate(output) if "demo-reviewer" in line)
    assert running < quit_line < reviewer, output
    assert PASSWORDS["demo-reviewer"] in output[reviewer]
    assert all(any(password in line for line in output) for password in PASSWORDS.values())
    assert any("/staff/login" in line for line in output[quit_line:])
    assert sum("demo-reviewer" in line for line in output) == 1  # once, not on every request


def test_outside_demo_mode_nothing_is_added(instance):
    output = server_output(instance, demo=False, until="CTRL+C")
    assert any("CTRL+C" in line for line in output), output
    assert not any("demo-" in line or "Demo" in line for line in output)
    assert not any(password in line for line in output for password in PASSWORDS.values())


def test_before_demo_accounts_ran_the_lines_say_how_to_make_them(tmp_path):
    lines = startup_lines(tmp_path, "http://127.0.0.1:5000")
    assert any("FORMSVC_DEMO=1 formsvc demo-accounts" in line for line in lines)
    assert lines[-1].startswith("   Mail sent to residents and staff: http://127.0.0.1:5000/demo/outbox")


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:5000"), ("0.0.0.0", "http://127.0.0.1:5000"),
    ("::", "http://[::1]:5000"), ("::1", "http://[::1]:5000"), ("example.lg.jp", "http://example.lg.jp:5000"),
])
def test_the_printed_address_is_one_a_browser_on_this_machine_can_open(host, url):
    assert base_url(host, 5000) == url
