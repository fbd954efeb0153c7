"""Demo mode: `formsvc run` prints how to sign in right after the development server's own
lines (" * Running on http://…", "Press CTRL+C to quit"), so that they never scroll away above.

Werkzeug logs those lines to its "werkzeug" logger; a handler added after the one that prints
them writes ours when it sees the last one. The server's reloader child (--reload) logs no such
line, so they appear once.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from formsvc.staff.demo_accounts import login_lines, stored_logins

_LAST_SERVER_LINE = "CTRL+C"


def base_url(host: str, port: int, https: bool = False) -> str:
    """Where a browser on this machine reaches the server."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if https else 'http'}://{host}:{port}"


def startup_lines(instance: Path | str, url: str, mock_idp: bool = True) -> list[str]:
    logins = stored_logins(instance)
    lines = [" * Demo mode (FORMSVC_DEMO=1): a demonstration, never for real applications",
             f"   Residents: {url}/" + ("  (My Number card sign-in: pick a test card, PIN 1234)" if mock_idp else "")]
    if logins:
        lines.append(f"   Staff sign-in at {url}/staff/login (the accounts are shown on that page too):")
        lines += [f"   {line}" for line in login_lines(logins)]
    else:
        lines.append("   No demo staff accounts yet: FORMSVC_DEMO=1 formsvc demo-accounts makes them")
    lines.append(f"   Mail sent to residents and staff: {url}/demo/outbox  (files in {Path(instance) / 'outbox'})")
    return lines


class _AfterServerLines(logging.Handler):
    def __init__(self, lines: list[str], stream: TextIO):
        super().__init__(logging.INFO)
        self.lines = lines
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        if _LAST_SERVER_LINE in record.getMessage():
            self.stream.write("\n".join(self.lines) + "\n")
            self.stream.flush()
            logging.getLogger("werkzeug").removeHandler(self)


def announce_after_server_lines(lines: list[str], stream: TextIO | None = None) -> None:
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.hasHandlers():
        # What werkzeug would add itself on its first line (a stream handler on stderr): added
        # here so that ours comes after it.
        logger.addHandler(logging.StreamHandler())
    logger.addHandler(_AfterServerLines(lines, stream or sys.stderr))
