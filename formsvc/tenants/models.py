"""The tenants table: one row per municipality served by this deployment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, LargeBinary, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Lower-case letters, digits and hyphens: the path prefix (/<slug>/forms/…) when no host name
    # is set, and part of the procedure ids the municipality adopts from shared templates.
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    # None for the default tenant: its name and address come from FORMSVC_MUNICIPALITY and
    # FORMSVC_MUNICIPALITY_ADDRESS, as before there were tenants.
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # 全国地方公共団体コード with its check digit (formsvc.tenants.codes); None only for the
    # default tenant of an install made before tenants.
    code: Mapped[str | None] = mapped_column(String(6), unique=True, nullable=True)
    # A host name of its own (shinsei.city.example.lg.jp), else reached by its path prefix.
    host: Mapped[str | None] = mapped_column(String(253), unique=True, nullable=True)
    # One of formsvc.tenants.branding.COLOURS (the design system's colours that keep contrast).
    colour: Mapped[str] = mapped_column(String(16), default="blue", server_default="blue")
    # お問い合わせ先: department, phone, e-mail, hours (shown in every page's footer).
    contact: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    # The header's logo (formsvc.tenants.logo: re-encoded PNG); read only by its own address.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    logo_digest: Mapped[str | None] = mapped_column(String(16), nullable=True)
    logo_width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    logo_height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
