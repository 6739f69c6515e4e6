"""Ingest tables: every place (path, URL, upload name) a document's bytes were read from.

``documents.source`` keeps the first place; this table keeps them all, so one document can have
several sources and a source's versions can be followed through time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class DocumentSourceRow(Base):
    """One (document, source) pair, with when that source last delivered these bytes."""

    __tablename__ = "document_sources"

    document_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.id"), primary_key=True
    )
    source: Mapped[str] = mapped_column(Text, primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_document_sources_source_seen", "source", "last_seen"),)
