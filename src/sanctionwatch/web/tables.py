"""Tables of the web stage: analysts' review decisions on red flags, and one lookup index.

Flags are computed by the flags stage; whether an analyst confirmed or dismissed one is a human
decision that must survive a re-run of the rules, so it is stored here by flag id.

Entity pages and the graph ask "which statements point at this entity?" (Sanction.entity,
Ownership.asset, ...). :data:`VALUE_PREFIX_INDEX` indexes the first characters of statement
values (ids are short; long values such as notes stay within index limits) to answer that
without scanning the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow
from sanctionwatch.store.tables import VALUE_PREFIX_CHARS, value_prefix

__all__ = ["VALUE_PREFIX_CHARS", "VALUE_PREFIX_INDEX", "MatchAuditRow", "value_prefix"]

VALUE_PREFIX_INDEX = Index("ix_statements_value_prefix", value_prefix())


class MatchAuditRow(Base):
    """One screened query of ``/match``: what was asked, against which list versions, with
    which matcher, and what came back (an audit trail for regulators; opt-in)."""

    __tablename__ = "match_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    dataset: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(64))
    matcher: Mapped[str] = mapped_column(Text)
    list_versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    query_key: Mapped[str] = mapped_column(String(200))
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    threshold: Mapped[float] = mapped_column(Float)
    cutoff: Mapped[float] = mapped_column(Float)
    results: Mapped[list[Any]] = mapped_column(JSON, default=list)
