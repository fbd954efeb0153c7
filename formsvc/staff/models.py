"""Staff accounts and failed sign-in attempts (for throttling)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned

MAX_USERNAME_LENGTH = 64


class StaffUser(TenantOwned, Base):
    __tablename__ = "staff_users"
    # A user name is unique within its municipality: two towns may both have "tanaka".
    __table_args__ = (UniqueConstraint("tenant_id", "username", name="uq_staff_users_tenant_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(MAX_USERNAME_LENGTH))
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list] = mapped_column(JSONDocument, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Changing it (sign-out, new password) ends every session of this account.
    session_nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class StaffLoginFailure(Base):
    """One failed (or not yet decided) sign-in, counted per account name and per client address.

    ``key`` is a SHA-256 hex digest of "user:<name>" or "ip:<address>" (formsvc.staff.throttling):
    a fixed length whatever was typed as the name.
    """

    __tablename__ = "staff_login_failures"
    __table_args__ = (Index("ix_staff_login_failures_key_at", "key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
