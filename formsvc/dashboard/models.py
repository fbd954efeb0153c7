"""Counts the database cannot see by itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from formsvc.db import Base, UTCDateTime, utcnow


class PaperCount(Base):
    """Applications received on paper for one procedure in one month, as counted by the office.

    Paper forms never pass through formsvc, yet the online share (オンライン化率) is
    online ÷ (online + counter + paper): the office types the monthly count in.
    """

    __tablename__ = "paper_counts"

    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM (Japan)
    count: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
