"""Delivering the outbox: SMTP (smtplib), a folder of .eml files, or the console.

``FORMSVC_MAIL_BACKEND`` chooses (smtp, file, console); unset, it is smtp when
``FORMSVC_SMTP_HOST`` is set and file otherwise (``instance/outbox/<id>.eml``, readable only by
the service user). Logs name the message's id, kind and outcome — never its body or address.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import sys
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.review.models import OutboxMessage

log = logging.getLogger(__name__)
BACKENDS = ("smtp", "file", "console")
MAX_ATTEMPTS = 5


def backend_name(config: Mapping) -> str:
    chosen = config.get("MAIL_BACKEND")
    if chosen:
        if chosen not in BACKENDS:
            raise ValueError(f"FORMSVC_MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {chosen!r}")
        return chosen
    return "smtp" if config.get("SMTP_HOST") else "file"


def as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body, charset="utf-8")
    return email


class FileBackend:
    def __init__(self, config: Mapping):
        self.folder = Path(config["INSTANCE_DIR"]) / "outbox"

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.folder / f"{message.id:08d}-{message.kind}.eml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(email.as_bytes())

    def close(self) -> None:
        pass


class ConsoleBackend:
    """For development: the message is printed to standard output (not to the log)."""

    def __init__(self, config: Mapping, stream=None):
        self.stream = stream or sys.stdout

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        self.stream.write(email.as_string(unixfrom=False) + "\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class SmtpBackend:
    def __init__(self, config: Mapping):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            connection = smtplib.SMTP(self.config["SMTP_HOST"], self.config.get("SMTP_PORT", 587), timeout=30)
            if self.config.get("SMTP_STARTTLS", True):
                connection.starttls()
            if self.config.get("SMTP_USER"):
                connection.login(self.config["SMTP_USER"], self.config.get("SMTP_PASSWORD") or "")
            self.connection = connection
        return self.connection

    def send(self, email: EmailMessage, message: OutboxMessage) -> None:
        self._connect().send_message(email)

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException):
                self.connection.quit()
            self.connection = None


def make_backend(config: Mapping):
    return {"smtp": SmtpBackend, "file": FileBackend, "console": ConsoleBackend}[backend_name(config)](config)


def deliver_pending(session: Session, config: Mapping, limit: int = 100, backend=None) -> dict[str, int]:
    """Send up to ``limit`` pending messages; each outcome is committed as it happens.

    On PostgreSQL rows are taken with FOR UPDATE SKIP LOCKED, so two runs at once (cron overlap)
    never send a message twice.
    """
    backend = backend or make_backend(config)
    sender = config.get("MAIL_FROM") or "no-reply@localhost"
    outcome = {"sent": 0, "failed": 0, "retry": 0}
    try:
        for _ in range(limit):
            query = (select(OutboxMessage).where(OutboxMessage.state == "pending")
                     .order_by(OutboxMessage.id).limit(1))
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            message = session.scalar(query)
            if message is None:
                break
            message.attempts += 1
            try:
                backend.send(as_email(message, sender), message)
            except (OSError, smtplib.SMTPException) as error:
                message.last_error = f"{type(error).__name__}: {getattr(error, 'smtp_code', '')}"[:255]
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = "failed"
                    outcome["failed"] += 1
                else:
                    outcome["retry"] += 1
                log.warning("outbox message %s (%s) not sent: %s", message.id, message.kind, message.last_error)
                session.commit()
                if message.state == "pending":
                    break  # the server is unwell: try again on the next run
                continue
            message.state = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            session.commit()
            outcome["sent"] += 1
            log.info("outbox message %s (%s) sent", message.id, message.kind)
    finally:
        backend.close()
    return outcome
