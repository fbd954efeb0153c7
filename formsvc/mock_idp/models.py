"""What the mock provider keeps in the database, so that several workers behave as one.

Codes and access tokens are stored as SHA-256 hashes only: a copy of the database cannot be
replayed against the token or userinfo endpoints.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow


class MockIdpCardState(Base):
    """Wrong-PIN count of one test card (a card is locked at 3, until the cards are reset)."""

    __tablename__ = "mock_idp_card_states"

    card_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    failed_pin_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The 券面事項入力補助 PIN read at the counter is a separate PIN with its own count.
    failed_assist_pin_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MockIdpAuthorizationCode(Base):
    """A single-use, short-lived authorization code and the request it answers."""

    __tablename__ = "mock_idp_authorization_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(100))
    redirect_uri: Mapped[str] = mapped_column(Text)
    card_id: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(200))
    nonce: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str] = mapped_column(String(128))
    auth_time: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MockIdpAccessToken(Base):
    """An access token for the userinfo endpoint."""

    __tablename__ = "mock_idp_access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The code it was issued for: a replayed code revokes the tokens issued for it.
    code_id: Mapped[int] = mapped_column(
        ForeignKey("mock_idp_authorization_codes.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(64))
    card_id: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
