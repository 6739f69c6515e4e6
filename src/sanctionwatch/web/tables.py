"""Tables of the web stage: analysts' review decisions on red flags.

Flags are computed by the flags stage; whether an analyst confirmed or dismissed one is a human
decision that must survive a re-run of the rules, so it is stored here by flag id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class FlagReviewRow(Base):
    """The latest review of one flag (``open``, ``confirmed`` or ``dismissed``)."""

    __tablename__ = "flag_reviews"

    flag_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
