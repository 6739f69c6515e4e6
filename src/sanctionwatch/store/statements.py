"""The statement: one sourced fact, the currency between stages.

A statement says ``entity_id.prop = value`` (FollowTheMoney property names and schemata), read from
``document_id`` at ``[start, end)`` of the document's *original* text by extractor ``origin`` at
``origin_version``. Entities are assembled from statements, so every value on screen leads back to
its sentence. Facts FtM has no property for (quantitative claims, spans) live in side tables keyed
by statement id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session

from sanctionwatch.store.base import utcnow
from sanctionwatch.store.schemata import common_schema
from sanctionwatch.store.tables import StatementRow

if TYPE_CHECKING:  # imported where entities are assembled: `screen NAME` never needs it
    from followthemoney import StatementEntity

HUMAN_ORIGIN_PREFIX = "human:"
"""Origin prefix of analysts' statements: a re-run of an extractor never replaces them."""


def make_statement_id(
    dataset: str,
    entity_id: str,
    prop: str,
    value: str,
    document_id: str | None = None,
    start: int | None = None,
    end: int | None = None,
    origin: str = "",
) -> str:
    """Deterministic id, so re-running the same extractor on the same text is idempotent."""
    key = f"{dataset}.{entity_id}.{prop}.{value}.{document_id}.{start}.{end}.{origin}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Statement:
    """An in-memory statement; :func:`add_statements` persists it."""

    entity_id: str
    schema: str
    prop: str
    value: str
    dataset: str
    origin: str
    origin_version: str
    document_id: str | None = None
    start: int | None = None
    end: int | None = None
    sentence: str | None = None
    original_value: str | None = None
    confidence: float = 1.0
    lang: str | None = None
    first_seen: datetime = field(default_factory=utcnow)

    @property
    def id(self) -> str:
        return make_statement_id(
            self.dataset,
            self.entity_id,
            self.prop,
            self.value,
            self.document_id,
            self.start,
            self.end,
            self.origin,
        )

    @property
    def is_human(self) -> bool:
        return self.origin.startswith(HUMAN_ORIGIN_PREFIX)

    def to_row(self) -> StatementRow:
        return StatementRow(
            id=self.id,
            entity_id=self.entity_id,
            schema=self.schema,
            prop=self.prop,
            value=self.value,
            dataset=self.dataset,
            document_id=self.document_id,
            span_start=self.start,
            span_end=self.end,
            sentence=self.sentence,
            original_value=self.original_value,
            origin=self.origin,
            origin_version=self.origin_version,
            confidence=self.confidence,
            lang=self.lang,
            first_seen=self.first_seen,
            last_seen=self.first_seen,
        )

    @classmethod
    def from_row(cls, row: StatementRow | Row[Any]) -> Statement:
        """A statement from its ORM row or a row of its plain columns."""
        return cls(
            entity_id=row.entity_id,
            schema=row.schema,
            prop=row.prop,
            value=row.value,
            dataset=row.dataset,
            origin=row.origin,
            origin_version=row.origin_version,
            document_id=row.document_id,
            start=row.span_start,
            end=row.span_end,
            sentence=row.sentence,
            original_value=row.original_value,
            confidence=row.confidence,
            lang=row.lang,
            first_seen=row.first_seen,
        )


def add_statements(session: Session, statements: Iterable[Statement]) -> int:
    """Insert statements, refreshing ``last_seen`` of stored ones; returns how many are new."""
    now = utcnow()
    batch = {stmt.id: stmt for stmt in statements}
    if not batch:
        return 0
    existing: set[str] = set()
    ids = list(batch)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for row in session.scalars(select(StatementRow).where(StatementRow.id.in_(chunk))):
            row.last_seen = now
            existing.add(row.id)
    session.add_all(stmt.to_row() for sid, stmt in batch.items() if sid not in existing)
    return len(batch) - len(existing)


def replace_origin_statements(
    session: Session, document_id: str, origin: str, statements: Iterable[Statement]
) -> int:
    """Swap one extractor's statements for a document; analysts' statements are never touched."""
    if origin.startswith(HUMAN_ORIGIN_PREFIX):
        raise ValueError("human statements are edited one by one, never replaced in bulk")
    session.execute(
        delete(StatementRow).where(
            StatementRow.document_id == document_id, StatementRow.origin == origin
        )
    )
    return add_statements(session, statements)


def statements_for_entities(session: Session, entity_ids: Sequence[str]) -> list[Statement]:
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .order_by(StatementRow.entity_id, StatementRow.prop, StatementRow.id)
    )
    return [Statement.from_row(row) for row in rows]


def iter_statements(session: Session, dataset: str | None = None) -> Iterator[Statement]:
    query = select(StatementRow).order_by(StatementRow.entity_id, StatementRow.id)
    if dataset is not None:
        query = query.where(StatementRow.dataset == dataset)
    for row in session.scalars(query.execution_options(yield_per=2000)):
        yield Statement.from_row(row)


def assemble_entity(
    statements: Sequence[Statement], entity_id: str | None = None
) -> StatementEntity:
    """Build one FtM entity from its statements (values of properties the schema lacks drop).

    When statements disagree on the schema (an extractor said Organization, a list says Company),
    the most specific common schema wins, as in FollowTheMoney's own aggregation.
    """
    from followthemoney import StatementEntity
    from followthemoney.dataset import Dataset

    if not statements:
        raise ValueError("cannot assemble an entity from no statements")
    schema = common_schema(stmt.schema for stmt in statements)
    assert schema is not None
    dataset = Dataset.make({"name": statements[0].dataset, "title": statements[0].dataset})
    entity = StatementEntity(
        dataset, {"id": entity_id or statements[0].entity_id, "schema": schema.name}
    )
    for stmt in statements:
        if stmt.prop in schema.properties:
            entity.add(stmt.prop, stmt.value, cleaned=False, quiet=True)
    return entity
