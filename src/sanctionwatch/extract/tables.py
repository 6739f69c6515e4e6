"""Tables of the extract stage: which document was extracted by which extractor version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class ExtractionRunRow(Base):
    """The last successful run of one extractor on one document.

    ``extract`` skips documents whose row carries the current pipeline version; a new version
    (code or rules) or ``--reprocess`` runs them again and replaces the extractor's statements.
    """

    __tablename__ = "extraction_runs"

    document_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    extractor: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    statements: Mapped[int] = mapped_column(Integer, default=0)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
