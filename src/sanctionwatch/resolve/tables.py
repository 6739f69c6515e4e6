"""Resolution tables: the append-only judgment history and the canonical-id mapping it yields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class JudgmentRow(Base):
    """One decision on whether two entities are the same thing; rows are never updated.

    The pair is stored ordered (``left_id < right_id``). The effective judgment of a pair is its
    newest human row, or, when no analyst has spoken, its newest machine row.
    """

    __tablename__ = "judgments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    left_id: Mapped[str] = mapped_column(String(128))
    right_id: Mapped[str] = mapped_column(String(128))
    judgment: Mapped[str] = mapped_column(String(16))
    user: Mapped[str] = mapped_column(String(128))
    machine: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_judgments_pair", "left_id", "right_id"),
        Index("ix_judgments_right", "right_id"),
    )


class CanonicalIdRow(Base):
    """Member entity → canonical id, materialised from judgments so SQL can join through it.

    Only members of clusters with two or more entities have a row; every other entity is its own
    canonical id.
    """

    __tablename__ = "canonical_ids"

    entity_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    canonical_id: Mapped[str] = mapped_column(String(128), index=True)


class ClusterIdRow(Base):
    """Every id that has been a cluster's canonical id: since when, and which merge retired it.

    Canonical ids are kept when clusters grow; when two clusters merge the older id survives and
    the other one is retired here (``merged_into``) while still resolving, as a member, through
    ``canonical_ids``. A retired id that heads a cluster again is revived.
    """

    __tablename__ = "cluster_ids"

    canonical_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    merged_into: Mapped[str | None] = mapped_column(String(128), index=True)
