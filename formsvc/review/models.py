"""Tables of the review area: the access log, API tokens and the outbox of messages to residents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned


class AccessLog(TenantOwned, Base):
    """One look at residents' personal data: who, which submissions, what, when — never the data.

    個人情報 (and 番号法 where My Numbers are collected) require a record of every access, kept
    apart from the data itself so that it can be kept longer and checked independently.
    """

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Staff member (kept as plain values: the log outlives accounts) or an API client.
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    staff_username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    api_client: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # detail, attachment, pdf, pdf_batch, pdf_archive, csv, queue, api_list, api_read
    action: Mapped[str] = mapped_column(String(32))
    submission_ids: Mapped[list] = mapped_column(JSONDocument, default=list)
    # What was asked for, without personal data (e.g. the attachment token, the export's procedure).
    detail: Mapped[str | None] = mapped_column(String(255), nullable=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(TenantOwned, Base):
    """A bearer token of another system; only its SHA-256 is stored (it is shown once, on creation)."""

    __tablename__ = "api_tokens"
    # Named by each municipality for its own systems: two may both have 「kikan-system」.
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_api_tokens_tenant_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(TenantOwned, Base):
    """A message to a resident, written in the same transaction as the change it tells about.

    ``formsvc send-outbox`` delivers pending messages (SMTP, a file or the console), so that a
    slow or unreachable mail server never holds up a request and no message is lost.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # received, resubmitted, correction_requested, approved, rejected, completed
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str | None] = mapped_column(String(254), nullable=True)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    # pending → sent; undeliverable (no e-mail answer); failed (gave up after MAX_ATTEMPTS)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The error's kind and the server's reply only: never the message.
    last_error: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
