"""Stored procedures and their immutable versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned

FORM_STATES = ("draft", "published", "archived")


class Form(TenantOwned, Base):
    """A procedure, identified by its definition's stable id (slug)."""

    __tablename__ = "forms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    # The version residents get; None until the first publish.
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 受付期間 as moments (formsvc.forms.periods), set on the admin's 受付期間 page and in force at
    # once, on top of the versions' day-based valid_from / valid_until. None: no limit.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # 決裁: publishing needs an approver's approval of the working copy (formsvc.admin.approvals).
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="form", order_by="FormVersion.number", cascade="all, delete-orphan"
    )

    def version(self, number: int) -> FormVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    @property
    def latest(self) -> FormVersion | None:
        return self.versions[-1] if self.versions else None


class FormVersion(TenantOwned, Base):
    """One immutable version of a definition. Submissions point at the version they used."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The validated definition as JSON (Japanese kept readable, see formsvc.db.dumps_readable).
    # Deferred: pages only need the compiled (cached) definition, not the document itself.
    document: Mapped[dict] = mapped_column(JSONDocument, deferred=True)
    # The YAML as written, for export and readable diffs.
    source: Mapped[str] = mapped_column(Text, deferred=True)
    source_file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Where it came from: "file" (formsvc load-definitions) or "admin" (published in the browser).
    origin: Mapped[str] = mapped_column(String(16), default="file", server_default="file")
    # A rollback republishes an old version's document as a new version: which one.
    rolled_back_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The administrator's note on what changed (変更内容).
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The definition's 受付期間 (valid_from / valid_until), copied here so that the version in
    # force on a day can be found without reading documents. None: open-ended.
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Scheduled publishing (公開日時の指定): residents get this version only from this moment;
    # None: from its publishing. Until then it is 予約 on the admin page and can be cancelled.
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A scheduled version whose publishing was cancelled (予約取消) before its moment: kept (its number
    # is never reused), but no resident ever gets it. None: not cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    form: Mapped[Form] = relationship(back_populates="versions")


class FormWorkingCopy(TenantOwned, Base):
    """The administrator's unpublished edit of a procedure (at most one per procedure)."""

    __tablename__ = "form_working_copies"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    # The YAML as the administrator last saved it (always valid: invalid saves are refused).
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    # The published version number it started from (None for a new procedure).
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class FormEvent(TenantOwned, Base):
    """The audit trail of a procedure: created, edited, published, rolled back, archived…"""

    __tablename__ = "form_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    version_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ApprovalRequest(TenantOwned, Base):
    """A request to approve one working copy before it is published (決裁, formsvc.admin.approvals).

    It approves exactly the text it was made for (``source_digest``): a later save of the working
    copy makes it stale. ``status``: pending → approved / sent_back; closed when the working copy
    is published or discarded, or a newer request replaces it."""

    __tablename__ = "approval_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    source_digest: Mapped[str] = mapped_column(String(64))
    checksum: Mapped[str] = mapped_column(String(64))
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    request_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decision_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Why it was closed: "published", "discarded", "replaced" or "not_required".
    closed_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
