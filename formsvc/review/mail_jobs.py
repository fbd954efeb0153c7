"""Each message to a resident or a staff mailbox is sent by a worker as soon as the transaction
that wrote it commits (formsvc.jobs), retried after 1 min, 5 min, 30 min, 2 h and 6 h when the
mail server refuses or cannot be reached, and listed for administrators (バックグラウンド処理)
when every attempt failed: the message is then marked failed, with the last error.

Sending is at least once: a worker killed between the server's acceptance and the commit sends
it again when the job is taken over. `formsvc send-outbox` still delivers what is pending (a
message written before the upgrade, or by hand).
"""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr

from flask import current_app
from sqlalchemy.orm import Session

from formsvc.db import utcnow
from formsvc.jobs.queue import enqueue
from formsvc.jobs.registry import kind
from formsvc.jobs.runner import JobContext
from formsvc.review.mail import FileBackend, as_email, make_backend
from formsvc.review.models import OutboxMessage
from formsvc.tenants.directory import TenantInfo
from formsvc.tenants.resolution import current_tenant


def queue_message(session: Session, message: OutboxMessage) -> OutboxMessage:
    """Add ``message`` to the outbox and, when it has somewhere to go, have a worker send it."""
    session.add(message)
    if message.state == "pending":
        session.flush()
        enqueue(session, "send_mail", {"message_id": message.id})
    return message


def sender_for(tenant: TenantInfo, configured: str) -> str:
    """The From of a municipality's mail: FORMSVC_MAIL_FROM as it is for the default municipality;
    for another, its address under that municipality's name (a name in the setting is the default's)."""
    if tenant.is_default:
        return configured
    _name, address = parseaddr(configured)
    if "@" not in address:
        return configured
    local, domain = address.rsplit("@", 1)
    return str(Address(display_name=tenant.name, username=local, domain=domain))


def _failed_for_good(ctx: JobContext) -> None:
    message = ctx.session.get(OutboxMessage, ctx.payload["message_id"])
    if message is not None and message.state == "pending":
        message.state, message.attempts, message.last_error = "failed", ctx.job.attempts, ctx.job.error


@kind("send_mail", label=("メールの送信", "Sending mail"), max_attempts=6, backoff=(60, 300, 1800, 7200, 21600),
      on_failed=_failed_for_good)
def send_mail(ctx: JobContext) -> None:
    message = ctx.session.get(OutboxMessage, ctx.payload["message_id"])
    if message is None or message.state != "pending":
        return  # sent meanwhile (send-outbox, demo mode), or disposed of with its application
    config = current_app.config
    # A demo never mails anyone: its messages go to instance/outbox/ (shown at /demo/outbox).
    backend = FileBackend(config) if config.get("FORMSVC_DEMO") else make_backend(config)
    try:
        sender = sender_for(current_tenant(), config.get("MAIL_FROM") or "no-reply@localhost")
        backend.send(as_email(message, sender), message)
    finally:
        backend.close()
    message.state, message.sent_at, message.last_error = "sent", utcnow(), None
    message.attempts = ctx.job.attempts
