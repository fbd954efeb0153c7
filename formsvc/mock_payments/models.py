"""What the mock payment provider keeps: its side of each payment and the notifications it sends.

This stands for the provider's own database; the service sees it only through the provider
interface (formsvc.payments.providers) and the signed notifications.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow


class MockPayment(Base):
    __tablename__ = "mock_payments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "mp_…"
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200))
    return_url: Mapped[str] = mapped_column(Text)
    # created → (card) authorising (3-D Secure) → success/failed, or (konbini/payeasy) pending →
    # success; cancelled by the payer.
    state: Mapped[str] = mapped_column(String(16), default="created")
    method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payment_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pay_by: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MockPaymentNotification(Base):
    """A signed notification the mock provider sends (and resends until it is accepted)."""

    __tablename__ = "mock_payment_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("mock_payments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
