"""The ``claims`` table: one row per quantitative claim read from a document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class ClaimRow(Base):
    """A figure with what it measures, as of when, who says so, and where it was read."""

    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    measure: Mapped[str] = mapped_column(String(200), index=True)
    measure_label: Mapped[str] = mapped_column(Text)
    subject_entity_id: Mapped[str | None] = mapped_column(String(128), index=True)
    subject_name: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    value_low: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    qualifier: Mapped[str] = mapped_column(String(16))
    period: Mapped[str | None] = mapped_column(String(16))
    as_of: Mapped[str | None] = mapped_column(String(10))
    as_of_kind: Mapped[str] = mapped_column(String(24))
    as_of_phrase: Mapped[str | None] = mapped_column(Text)
    as_of_rule: Mapped[str | None] = mapped_column(String(32))
    as_of_note: Mapped[str | None] = mapped_column(Text)
    asserted_by: Mapped[str | None] = mapped_column(Text)
    asserter_entity_id: Mapped[str | None] = mapped_column(String(128))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(128), default="extract:claims")
    extractor_version: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_claims_measure_as_of", "measure", "as_of"),)
