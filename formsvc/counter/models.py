"""A resident's visit to the counter: who they are and which procedures were entered for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow

# How the resident at the counter was identified.
IDENTIFICATIONS = ("card", "documents", "none")


class CounterVisit(Base):
    """One resident at the counter; every procedure entered for them shares its answers."""

    __tablename__ = "counter_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The staff member who opened the visit (the drafts are entered by whoever is signed in).
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    identification: Mapped[str] = mapped_column(String(16))
    # What was shown when identification == "documents" (e.g. 運転免許証); never a number.
    identity_documents: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The answers shared between the visit's procedures (基本4情報, フリガナ, contact), keyed
    # by meaning (name, name_kana, address, birthdate, gender, phone, email, postal_code).
    shared: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
