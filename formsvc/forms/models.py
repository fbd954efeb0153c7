"""Stored procedures and their immutable versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow

FORM_STATES = ("draft", "published", "archived")


class Form(Base):
    """A procedure, identified by its definition's stable id (slug)."""

    __tablename__ = "forms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    # The version residents get; None until the first publish.
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="form", order_by="FormVersion.number", cascade="all, delete-orphan"
    )

    def version(self, number: int) -> FormVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    @property
    def latest(self) -> FormVersion | None:
        return self.versions[-1] if self.versions else None


class FormVersion(Base):
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

    form: Mapped[Form] = relationship(back_populates="versions")
