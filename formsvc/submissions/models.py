"""Drafts, uploads, submissions and their audit events.

Everything a resident has typed lives here (never in process memory or the cookie), so that
several gunicorn workers or servers behind a load balancer behave the same.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.sql.expression import func, text

from formsvc.db import Base, JSONDocument, UTCDateTime, utcnow
from formsvc.tenants.scoping import TenantOwned


class Draft(TenantOwned, Base):
    """An application in progress, found through an unguessable token in the session."""

    __tablename__ = "drafts"
    # Room on each page for a row's next version: saving answers is then an update in place
    # (PostgreSQL's HOT; migration 0024).
    __table_args__ = ({"postgresql_with": {"fillfactor": 70}},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    # The version the resident started on; they finish on it even if a new one is published.
    # None only for an administrator's preview of an unpublished working copy.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id"), nullable=True,
                                                   index=True)
    # Who is filling it in: online (the resident), counter (staff for a resident at the
    # counter, 書かない窓口) or preview (an administrator; never becomes a submission).
    channel: Mapped[str] = mapped_column(String(16), default="online", server_default="online")
    # The staff member who owns a counter or preview draft.
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # The counter visit (one resident, several procedures) a counter draft belongs to.
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_visits.id", ondelete="CASCADE"), nullable=True, index=True
    )
    answers: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    completed_pages: Mapped[list] = mapped_column(JSONDocument, default=list)
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Not indexed: every save moves it on, and an indexed column changed makes PostgreSQL write the
    # row into every index again (no HOT update); only the hourly purge looks rows up by it.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when a signed-in resident owns the draft (they can resume it from /my/).
    resident_issuer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    resident_subject: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    # When the draft was turned into a submission (or a resubmission): it is used up.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A draft that answers a correction request (差し戻し) of this submission.
    correction_of: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), nullable=True
    )

    uploads: Mapped[list[Upload]] = relationship(back_populates="draft")


class Upload(TenantOwned, Base):
    """A file a resident attached, checked by content before it was stored."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    draft_id: Mapped[int | None] = mapped_column(
        ForeignKey("drafts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    field_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The bytes are either here (FORMSVC_UPLOAD_STORAGE=database, and every file stored before
    # the setting existed) or in the configured folder or S3 bucket under ``storage_key``: read
    # them with formsvc.submissions.storage.upload_bytes, delete rows with delete_stored.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    storage_key: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[Draft | None] = relationship(back_populates="uploads")

    __table_args__ = (
        CheckConstraint("content IS NOT NULL OR storage_key IS NOT NULL", name="bytes_somewhere"),
    )


class Submission(TenantOwned, Base):
    """A submitted application, tied to the exact definition version it was made against."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("draft_id"),  # one draft can only ever become one submission
        # The staff queue pages with a keyset on (created_at, id) within one status at a time
        # (formsvc.review.queries): each filter it offers has an index that yields rows in that order,
        # within the municipality every query is limited to (formsvc.tenants.scoping).
        Index("ix_submissions_tenant_status_created", "tenant_id", "status", "created_at", "id"),
        Index("ix_submissions_tenant_form_status_created", "tenant_id", "form_id", "status", "created_at", "id"),
        Index("ix_submissions_tenant_assignee_status_created", "tenant_id", "assignee_id", "status", "created_at",
              "id"),
        # The dashboard's rollups recompute one procedure's month at a time (formsvc.dashboard.rollups).
        Index("ix_submissions_form_created", "form_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reception_number: Mapped[str] = mapped_column(String(16), unique=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"))
    # Not a foreign key: the draft may be purged, the submission stays.
    draft_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answers: Mapped[dict] = mapped_column(JSONDocument)
    fee: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # yen; beyond int4 for large fees
    # Whether the fee is to be paid before a decision (formsvc.payments): decided when the
    # application is made (paid online before sending, or 収納 at the counter) and kept, so that
    # today's provider settings never change what an application sent earlier needs.
    payment_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The definition's computed values as they were when the application was sent
    # ({computed id: value as text, e.g. "4.91" or "2027-03-31"}): staff, exports and records
    # show what the resident saw, even if a later version computes differently.
    computed: Mapped[dict] = mapped_column(JSONDocument, default=dict, server_default="{}")
    channel: Mapped[str] = mapped_column(String(16), default="online")
    # Counter applications: the staff member who entered it (the resident stays the applicant),
    # how the resident was identified (card / documents / none) and when they signed the printout.
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    identification: Mapped[str | None] = mapped_column(String(16), nullable=True)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("counter_visits.id", ondelete="SET NULL"), nullable=True, index=True
    )
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resident_issuer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    resident_subject: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(32), default="received")
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The reviewer who claimed it (審査担当); kept through a correction so it comes back to them.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    # Optimistic locking: every change (ORM flush or the review workflow's guarded UPDATEs)
    # increments it, and a change made against an older value is refused.
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The applicant's name and フリガナ, normalised for the staff search (formsvc.review.intake).
    applicant_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    applicant_kana: Mapped[str | None] = mapped_column(String(200), nullable=True)

    events: Mapped[list[SubmissionEvent]] = relationship(
        back_populates="submission", order_by="SubmissionEvent.id"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012


def name_search_key(column):
    """What the staff queue's 氏名・フリガナ search compares (spaces removed, lower case)."""
    return func.lower(func.replace(column, text("' '"), text("''")))


def name_trigram_key(column):
    """``name_search_key`` with every character written three times (山田 → 山山山田田田), the
    expression the PostgreSQL trigram indexes below are built on: a search of one or two
    characters, the commonest (林, 山田), then still has a trigram to look up, which the plain key
    would not. A tripled key holds a tripled search exactly when the plain key holds the search."""
    return func.regexp_replace(name_search_key(column), text("'(.)'"), text(r"'\1\1\1'"), text("'g'"))


# The queue's ``LIKE '%…%'`` on these keys (formsvc.review.queries) is served by pg_trgm's GIN
# indexes on PostgreSQL (migration 0017); SQLite has none and scans.
for _column in (Submission.applicant_name, Submission.applicant_kana):
    _label = f"{_column.key}_key"
    Index(f"ix_submissions_{_column.key}_trgm", name_trigram_key(_column).label(_label),
          postgresql_using="gin", postgresql_ops={_label: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class SubmissionEvent(TenantOwned, Base):
    """The audit trail: what happened to a submission, when and by whom."""

    __tablename__ = "submission_events"
    # The dashboard's rollups look for applications with an event of one kind (差し戻し, decisions).
    __table_args__ = (Index("ix_submission_events_kind_submission", "kind", "submission_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="events")


# How the resident at the counter was identified.
IDENTIFICATIONS = ("card", "documents", "none")


class CounterVisit(TenantOwned, Base):
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


class DraftAbandonment(TenantOwned, Base):
    """How many unfinished online applications stopped at each page (the 集計 dashboard's drop-off).

    Expired drafts are deleted (they are personal data); before that, formsvc.submissions.drafts
    counts where each stopped, so the count outlives the answers. Keyed by the month the draft was
    started (Japan time).
    """

    __tablename__ = "draft_abandonments"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    page_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # or "check" (確認画面)
    count: Mapped[int] = mapped_column(Integer, default=0)
