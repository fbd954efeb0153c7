"""Demo mode: the mail the service sends is delivered at once, as files, and shown at /demo/outbox.

Outside demo mode the workers send each message (formsvc.review.mail_jobs). In demo mode a
worker may not be running (`formsvc run --no-worker`, the tests), so after every request that
may have written one (any method but GET, HEAD and OPTIONS: a submission, a staff decision, a
payment's notification) the pending messages are
written to ``instance/outbox/<id>-<kind>.eml`` (mode 0600, formsvc.review.mail's file backend),
whatever FORMSVC_MAIL_BACKEND says: a demo never mails anyone. /demo/outbox lists the newest of
those files, so a newcomer sees the mail a resident would get. create_app registers this
blueprint in demo mode only: elsewhere /demo/outbox does not exist (404).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response

from formsvc.db import database
from formsvc.review.mail import FileBackend, deliver_pending

log = logging.getLogger(__name__)
blueprint = Blueprint("demo", __name__, url_prefix="/demo")

SHOWN = 20  # the newest messages, in full
MAX_MESSAGE_BYTES = 1024 * 1024  # a larger file is listed, not read (ours are a few kB)
_QUIET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def outbox_folder() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "outbox"


def deliver_now() -> dict[str, int]:
    """Write every pending message to instance/outbox/ (a demo never sends real mail)."""
    config = current_app.config
    with database().session_factory() as session:
        return deliver_pending(session, config, backend=FileBackend(config))


@blueprint.after_app_request
def _deliver_at_once(response: Response) -> Response:
    from flask import request

    if request.method not in _QUIET_METHODS:
        try:
            deliver_now()
        except Exception:  # the page the person asked for must not fail: the mail stays pending
            log.exception("demo mode: pending mail not written to instance/outbox; it stays pending")
    return response


@dataclass(frozen=True)
class ShownMessage:
    filename: str
    subject: str
    recipient: str
    sent: datetime | None
    body: str | None  # None: too large or unreadable (the file is still listed)


def _read(path: Path) -> ShownMessage:
    try:
        if path.stat().st_size > MAX_MESSAGE_BYTES:
            return ShownMessage(path.name, "", "", None, None)
        with path.open("rb") as handle:
            email = BytesParser(policy=policy.default).parse(handle)
    except OSError:
        return ShownMessage(path.name, "", "", None, None)
    assert isinstance(email, EmailMessage)  # policy.default parses into EmailMessage
    try:
        sent = parsedate_to_datetime(str(email["Date"])) if email["Date"] else None
    except (TypeError, ValueError):
        sent = None
    body: str | None
    try:
        part = email.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        body = None
    return ShownMessage(path.name, str(email["Subject"] or ""), str(email["To"] or ""), sent, body)


def newest_messages() -> tuple[list[ShownMessage], int]:
    """The newest SHOWN messages, newest first (files are named by the outbox id), and how many
    files there are in all."""
    folder = outbox_folder()
    try:
        names = sorted((path for path in folder.glob("*.eml") if path.is_file()),
                       key=lambda path: path.name, reverse=True)
    except OSError:
        names = []
    return [_read(path) for path in names[:SHOWN]], len(names)


@blueprint.get("/outbox")
def outbox():
    messages, total = newest_messages()
    return render_template("demo/outbox.html", messages=messages, total=total, shown=SHOWN,
                           folder=outbox_folder())
