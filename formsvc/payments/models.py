"""Payments of fees (公金収納): online through a payment service provider, or taken at the counter.

A payment belongs to an application: online it is made from the draft before the application
is sent (``draft_id``) and tied to the submission once there is one (``submission_id``); at the
counter (収納) it is recorded against a received submission of the visit. The amount is always
computed on the server. A provider's notifications are kept by their event id, so a replayed
notification is recognised and applied once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned

# Payment.status
CREATED = "created"      # stored, the provider not yet asked (or it could not be reached)
STARTED = "started"      # the provider made the payment; the resident is on its pages
PENDING = "pending"      # コンビニ/Pay-easy: a payment number was given, the money comes later
SUCCESS = "success"      # paid (confirmed by the provider, never by the return redirect alone)
FAILED = "failed"        # declined, 3-D Secure failed, timed out at the provider
CANCELLED = "cancelled"  # the resident cancelled, or a newer attempt replaced it
ERROR = "error"          # the provider reported an error
FINISHED = frozenset({SUCCESS, FAILED, CANCELLED, ERROR})

# Payment.refund_status
NO_REFUND = "none"
REFUND_DUE = "due"            # paid, then rejected or withdrawn: the money goes back
REFUND_SUBMITTED = "submitted"  # asked of the provider, not yet confirmed
REFUNDED = "refunded"
REFUND_FAILED = "failed"

# Payment.channel / method
ONLINE, COUNTER = "online", "counter"
CARD, KONBINI, PAYEASY, CASH, CASHLESS = "card", "konbini", "payeasy", "cash", "cashless"


class Payment(TenantOwned, Base):
    """One attempt to pay one application's fee."""

    __tablename__ = "payments"
    __table_args__ = (
        # 収納日計: a counter's payments of one day, in order.
        Index("ix_payments_channel_paid", "channel", "paid_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Our own reference, sent to the provider and printed for the resident (e.g. "FP7K3M9Q2A").
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # Sent to the provider with the create call: a retried call makes no second payment.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    provider: Mapped[str] = mapped_column(String(32))  # "mock", a real provider's name, or "counter"
    provider_payment_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # Where the resident pays while the payment is started (the provider's page).
    next_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(16), nullable=True)
    form_id: Mapped[str] = mapped_column(String(64), index=True)
    # Not a foreign key: drafts are purged, the payment stays.
    draft_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_visits.id", ondelete="SET NULL"), nullable=True, index=True)
    # Counter: the staff member who took the money.
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True, index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # yen
    # SHA-256 of the answers the resident confirmed when they pressed 支払いへ進む (online): answers
    # changed since (another tab) are not sent on this payment, even when the fee is the same.
    answers_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=CREATED)
    failure_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # コンビニ 払込番号 / Pay-easy 収納機関番号・お客様番号, and the day it must be paid by.
    payment_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pay_by: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refund_status: Mapped[str] = mapped_column(String(16), default=NO_REFUND, server_default=NO_REFUND)
    refund_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refunded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True)
    # Optimistic locking: the return redirect and a notification may arrive together.
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012


class PaymentNotification(Base):
    """A provider's notification (webhook) that was accepted: its event id is applied once."""

    __tablename__ = "payment_notifications"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(100))
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # What it did: "applied", "ignored" (nothing to change), "refund_due" (wrong amount …).
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
