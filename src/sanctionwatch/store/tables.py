"""Core tables: documents and statements (the atoms of the graph)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow


class DocumentRow(Base):
    """One ingested document version; its id is the SHA-256 of its original bytes."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(Text, index=True)
    media_type: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[str | None] = mapped_column(String(32))
    date_kind: Mapped[str | None] = mapped_column(String(16))
    date_evidence: Mapped[str | None] = mapped_column(Text)
    original_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text)
    offset_map: Mapped[list[Any]] = mapped_column(JSON, default=list)
    previous_version_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("documents.id"), index=True
    )
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatementRow(Base):
    """One sourced fact: ``entity.prop = value``, with where it was read and by what."""

    __tablename__ = "statements"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(128), index=True)
    schema: Mapped[str] = mapped_column(String(64))
    prop: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    dataset: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("documents.id"), index=True
    )
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)
    original_value: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(128))
    origin_version: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    lang: Mapped[str | None] = mapped_column(String(8))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_statements_document_origin", "document_id", "origin"),
        Index("ix_statements_schema_prop", "schema", "prop"),
    )


VALUE_PREFIX_CHARS = 64
"""Length of the statement-value prefix that ``ix_statements_value_prefix`` indexes."""


def value_prefix() -> ColumnElement[str]:
    """``substr(value, 1, 64)`` with literal numbers, so queries match the index expression.

    Finding "which statements point at this entity?" (edges, Sanction.entity) goes through this
    expression index on both backends: ids are short, long values stay within index limits.
    """
    return func.substr(StatementRow.value, literal_column("1"), literal_column("64"))
