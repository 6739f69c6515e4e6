"""Screening results: which graph entity matched which list entity, how well, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class ScreenMatchRow(Base):
    """One stored match of a graph entity against a list entity (one row per pair).

    ``list_version`` is the ``origin_version`` of the list statements screened against, so a
    list update can re-screen only the pairs whose list entity changed.
    """

    __tablename__ = "screen_matches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    graph_entity_id: Mapped[str] = mapped_column(String(128), index=True)
    list_entity_id: Mapped[str] = mapped_column(String(128), index=True)
    list_source: Mapped[str] = mapped_column(String(64))
    list_version: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    query_name: Mapped[str | None] = mapped_column(Text)
    matched_name: Mapped[str | None] = mapped_column(Text)
    features: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[list[str]] = mapped_column(JSON, default=list)
    matcher_version: Mapped[str] = mapped_column(String(255))
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_screen_matches_source", "list_source", "list_version"),)


class GraphNameRow(Base):
    """A graph entity in the name-key index, with a signature of the name statements it was
    keyed from: when the statements no longer give that signature, its keys are refreshed.

    ``id`` is a small number the key rows point at (entity ids are long strings).
    """

    __tablename__ = "screen_graph_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity_id: Mapped[str] = mapped_column(String(128), unique=True)
    schema: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(40))
    key_count: Mapped[int] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GraphNameKeyRow(Base):
    """One screening-index key of one graph entity's names (the inverted lookup: key → entities).

    Keys are stored as signed 64-bit hashes of their text (``t:kim``, ``k2:jeong|eun``,
    ``g:ong``): a tenth of the size, and a collision only adds a candidate.
    """

    __tablename__ = "screen_graph_keys"

    key_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)

    __table_args__ = (Index("ix_screen_graph_keys_entity", "entity_no"),)


class GraphKeyStateRow(Base):
    """The name statements' fingerprint at the last key refresh (one row): while the store
    still gives it, no entity's names changed and the per-entity check is skipped."""

    __tablename__ = "screen_graph_key_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(255))
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
