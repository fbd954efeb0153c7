"""Resident sign-ins, kept on the server so that no personal data travels in the cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow


class ResidentLogin(Base):
    """One sign-in of a resident with the My Number card (or another OIDC provider)."""

    __tablename__ = "resident_logins"
    __table_args__ = (Index("ix_resident_logins_subject", "issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Random; the session cookie holds only this.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    # The 基本4情報 the provider asserted (never a My Number).
    claims: Mapped[dict] = mapped_column(JSONDocument)
    acr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    auth_time: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
