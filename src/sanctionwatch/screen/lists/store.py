"""Storing list versions: snapshot, statements, and the guards that keep the last good version.

Loading a file parses it completely first, then in ONE transaction records a ``list_versions``
row, its ``list_entries`` snapshot, and swaps the statements of origin ``list:<source>``. A file
that fails to parse, or that drops 90% of the entries of the current version (unless forced),
never reaches the store; re-loading the current bytes changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from followthemoney import EntityProxy, StatementEntity
from followthemoney.dataset import Dataset
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from sanctionwatch.screen.lists.formats import (
    SOURCE_IDS,
    companion_files,
    detect_format,
    get_loader,
    source_for,
)
from sanctionwatch.screen.lists.ofac_csv import COMPANION_FILES
from sanctionwatch.screen.lists.tables import ListEntryRow, ListVersionRow
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.schemata import common_schema
from sanctionwatch.store.statements import (
    Statement,
    assemble_entity,
    make_statement_id,
)
from sanctionwatch.store.tables import StatementRow

LIST_ORIGIN_PREFIX = "list:"
DROP_REFUSAL_RATIO = 0.9
"""A new version with at most 10% of the current entries is refused unless forced."""

_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


class ListDropError(ListFormatError):
    """The new version lost so many entries that it is more likely broken than real."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one load did."""

    source: str
    format: str
    version_id: int
    sha256: str
    entity_count: int
    designation_count: int
    unchanged: bool = False
    previous_version_id: int | None = None
    seconds: float = 0.0
    statement_count: int = 0
    counts_by_schema: dict[str, int] = field(default_factory=dict)


def list_origin(source: str) -> str:
    return f"{LIST_ORIGIN_PREFIX}{source}"


def check_source_id(source: str) -> str:
    if not _SOURCE_ID.match(source):
        raise ListFormatError(
            f"invalid list source id {source!r}: use lower-case letters, digits and _ "
            f"(official ids: {', '.join(SOURCE_IDS)})"
        )
    return source


def file_fingerprint(path: Path, fmt: str) -> str:
    """SHA-256 of the list file (and its companion files, which change the entities too)."""
    digest = hashlib.sha256()
    for part in (path, *companion_files(path, fmt)):
        try:
            digest.update(part.read_bytes())
        except OSError as exc:
            raise ListFormatError(f"{part}: cannot read: {exc.strerror}") from None
    return digest.hexdigest()


def read_entities(path: Path, fmt: str) -> list[EntityProxy]:
    """Parse a whole list file (merging repeated ids) before anything touches the store."""
    loader = get_loader(fmt)
    merged: dict[str, EntityProxy] = {}
    for entity in loader.load(path):
        if entity.id is None:
            raise ListFormatError(f"{path}: loader {fmt} produced an entity without id")
        known = merged.get(entity.id)
        if known is None:
            merged[entity.id] = entity
        else:
            known.merge(entity)
    if not merged:
        raise ListFormatError(f"{path}: the list holds no entries")
    return list(merged.values())


def entity_hash(entity: EntityProxy) -> str:
    """Content hash of an entity's schema and sorted property values."""
    payload = {prop: sorted(values) for prop, values in sorted(entity.properties.items())}
    blob = json.dumps([entity.schema.name, payload], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def current_version(session: Session, source: str) -> ListVersionRow | None:
    """The version of ``source`` whose statements are in the graph now (or None)."""
    return session.scalars(
        select(ListVersionRow)
        .where(ListVersionRow.source == source, ListVersionRow.status == "current")
        .order_by(ListVersionRow.id.desc())
        .limit(1)
    ).first()


def list_versions(session: Session, source: str | None = None) -> list[ListVersionRow]:
    query = select(ListVersionRow).order_by(ListVersionRow.id)
    if source is not None:
        query = query.where(ListVersionRow.source == source)
    return list(session.scalars(query))


def load_list_file(
    database: Database,
    path: Path | str,
    fmt: str,
    *,
    source: str | None = None,
    force: bool = False,
    location: str | None = None,
    fetched_at: datetime | None = None,
) -> LoadResult:
    """Load one list file as a new version of ``source`` (default: the format's usual source).

    Raises :class:`ListFormatError` for unreadable/hostile files and :class:`ListDropError`
    when the file would drop ≥ 90% of the current entries and ``force`` is false.
    """
    started = time.perf_counter()
    path = Path(path)
    loader = get_loader(fmt)
    source = check_source_id(source or source_for(loader, path))
    sha256 = file_fingerprint(path, fmt)
    with database.session() as session:
        current = current_version(session, source)
        if current is not None and current.sha256 == sha256:
            return _unchanged(current, started)
    entities = read_entities(path, fmt)
    with database.session() as session:
        current = current_version(session, source)
        new_count = sum(1 for entity in entities if entity.schema.name != "Sanction")
        if current is not None and not force:
            _check_drop(path, current, new_count)
        version = ListVersionRow(
            source=source,
            format=fmt,
            sha256=sha256,
            location=location or str(path.resolve()),
            fetched_at=fetched_at or utcnow(),
            loaded_at=utcnow(),
            byte_size=path.stat().st_size,
            entity_count=new_count,
            designation_count=len(entities) - new_count,
            status="current",
        )
        if current is not None:
            current.status = "superseded"
        session.add(version)
        session.flush()
        _store_snapshot(session, version.id, entities)
        statement_count = _replace_statements(session, source, version.id, entities)
        return LoadResult(
            source=source,
            format=fmt,
            version_id=version.id,
            sha256=sha256,
            entity_count=version.entity_count,
            designation_count=version.designation_count,
            previous_version_id=current.id if current is not None else None,
            seconds=time.perf_counter() - started,
            statement_count=statement_count,
            counts_by_schema=_counts_by_schema(entities),
        )


def load_list_folder(
    database: Database, folder: Path | str, *, force: bool = False
) -> list[LoadResult]:
    """Load every list file in ``folder`` whose format can be recognised (e.g. examples/lists).

    Companion files (OFAC ``add.csv``/``alt.csv``) are read with their ``sdn.csv``, not alone.
    """
    results = []
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.name in COMPANION_FILES:
            continue
        fmt = detect_format(path)
        if fmt is not None:
            results.append(load_list_file(database, path, fmt, force=force))
    return results


def _unchanged(current: ListVersionRow, started: float) -> LoadResult:
    return LoadResult(
        source=current.source,
        format=current.format,
        version_id=current.id,
        sha256=current.sha256,
        entity_count=current.entity_count,
        designation_count=current.designation_count,
        unchanged=True,
        previous_version_id=current.id,
        seconds=time.perf_counter() - started,
    )


def _check_drop(path: Path, current: ListVersionRow, new_count: int) -> None:
    if current.entity_count and new_count <= current.entity_count * (1 - DROP_REFUSAL_RATIO):
        raise ListDropError(
            f"{path}: refused: {new_count} entries vs {current.entity_count} in current version "
            f"{current.id} of {current.source} (a drop of ≥ 90%); check the file, or pass --force"
        )


def _counts_by_schema(entities: Iterable[EntityProxy]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity.schema.name] = counts.get(entity.schema.name, 0) + 1
    return dict(sorted(counts.items()))


def _store_snapshot(session: Session, version_id: int, entities: Sequence[EntityProxy]) -> None:
    rows = [
        {
            "version_id": version_id,
            "entity_id": entity.id,
            "schema": entity.schema.name,
            "caption": entity.caption[:1000],
            "content_hash": entity_hash(entity),
            "entity": entity.to_dict(),
        }
        for entity in entities
    ]
    connection = session.connection()
    table = cast(Table, ListEntryRow.__table__)
    for start in range(0, len(rows), 2000):
        connection.execute(table.insert(), rows[start : start + 2000])


def entity_statements(entity: EntityProxy, source: str, version_id: int) -> Iterator[Statement]:
    """The statements that represent one list entity in the graph."""
    assert entity.id is not None
    origin = list_origin(source)
    for prop, value in entity.itervalues():
        yield Statement(
            entity_id=entity.id,
            schema=entity.schema.name,
            prop=prop.name,
            value=value,
            dataset=source,
            origin=origin,
            origin_version=f"v{version_id}",
        )


def _replace_statements(
    session: Session, source: str, version_id: int, entities: Sequence[EntityProxy]
) -> int:
    """Make the statements of origin ``list:<source>`` those of this version (same transaction).

    The effect is that of :func:`~sanctionwatch.store.statements.replace_origin_statements`
    for statements without a document, done as a delta so that a list update touches only what
    changed: statements gone from the list are deleted, new ones inserted, and the others keep
    their ``first_seen`` (when a designation fact first appeared) with ``last_seen`` and
    ``origin_version`` moved to this version.
    """
    origin = list_origin(source)
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for entity in entities:
        assert entity.id is not None
        for prop, value in entity.itervalues():
            # Same id as Statement.id would give (no document, no span).
            row_id = make_statement_id(source, entity.id, prop.name, value, origin=origin)
            rows[row_id] = {
                "id": row_id,
                "entity_id": entity.id,
                "schema": entity.schema.name,
                "prop": prop.name,
                "value": value,
                "dataset": source,
                "origin": origin,
                "origin_version": f"v{version_id}",
                "confidence": 1.0,
                "first_seen": now,
                "last_seen": now,
            }
    table = cast(Table, StatementRow.__table__)
    mine = (StatementRow.document_id.is_(None), StatementRow.origin == origin)
    existing = set(session.scalars(select(StatementRow.id).where(*mine)))
    stale = sorted(existing - rows.keys())
    connection = session.connection()
    for start in range(0, len(stale), 500):
        connection.execute(delete(table).where(table.c.id.in_(stale[start : start + 500])))
    connection.execute(
        update(table)
        .where(table.c.document_id.is_(None), table.c.origin == origin)
        .values(last_seen=now, origin_version=f"v{version_id}")
    )
    fresh = [row for row_id, row in rows.items() if row_id not in existing]
    for start in range(0, len(fresh), 5000):
        connection.execute(table.insert(), fresh[start : start + 5000])
    return len(rows)


def iter_list_entities(
    session: Session, source: str | None = None, *, targets_only: bool = False
) -> Iterator[StatementEntity]:
    """Every entity of the current version of ``source`` (or of all lists), from statements.

    ``targets_only`` skips the Sanction entities and yields only the designated parties.
    Entities are assembled as :func:`~sanctionwatch.store.statements.assemble_entity` does;
    list values are stored cleaned, so they are not cleaned again.
    """
    columns = (
        StatementRow.entity_id,
        StatementRow.schema,
        StatementRow.prop,
        StatementRow.value,
        StatementRow.dataset,
    )
    query = (
        select(*columns)
        .where(StatementRow.document_id.is_(None))
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    if source is not None:
        query = query.where(StatementRow.origin == list_origin(source))
    else:
        query = query.where(StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
    if targets_only:
        query = query.where(StatementRow.schema != "Sanction")
    batch: list[tuple[str, str, str, str, str]] = []
    for row in session.execute(query.execution_options(yield_per=5000)):
        if batch and batch[0][0] != row[0]:
            yield _assemble(batch)
            batch = []
        batch.append((row[0], row[1], row[2], row[3], row[4]))
    if batch:
        yield _assemble(batch)


def _assemble(rows: list[tuple[str, str, str, str, str]]) -> StatementEntity:
    """One entity from (entity_id, schema, prop, value, dataset) rows of list statements."""
    schema = common_schema(row[1] for row in rows)
    assert schema is not None
    dataset = _dataset(rows[0][4])
    entity = StatementEntity(dataset, {"id": rows[0][0], "schema": schema.name})
    for _, _, prop, value, _ in rows:
        if prop in schema.properties:
            entity.add(prop, value, cleaned=True, quiet=True)
    return entity


@lru_cache(maxsize=64)
def _dataset(name: str) -> Dataset:
    return Dataset.make({"name": name, "title": name})


def get_list_entity(session: Session, entity_id: str) -> StatementEntity | None:
    """One list entity as it stands in the graph now (from its ``list:`` statements)."""
    rows = session.scalars(
        select(StatementRow)
        .where(
            StatementRow.entity_id == entity_id,
            StatementRow.origin.startswith(LIST_ORIGIN_PREFIX),
        )
        .order_by(StatementRow.id)
    )
    statements = [Statement.from_row(row) for row in rows]
    return assemble_entity(statements) if statements else None


def sanctions_of(session: Session, entity_id: str) -> list[StatementEntity]:
    """The Sanction entities (designations) that point at ``entity_id``."""
    ids = session.scalars(
        select(StatementRow.entity_id)
        .where(
            StatementRow.schema == "Sanction",
            StatementRow.prop == "entity",
            StatementRow.value == entity_id,
            StatementRow.document_id.is_(None),
            StatementRow.origin.startswith(LIST_ORIGIN_PREFIX),
        )
        .distinct()
    )
    found = [get_list_entity(session, sanction_id) for sanction_id in sorted(ids)]
    return [entity for entity in found if entity is not None]


def version_entries(session: Session, version_id: int) -> dict[str, ListEntryRow]:
    rows = session.scalars(select(ListEntryRow).where(ListEntryRow.version_id == version_id))
    return {row.entity_id: row for row in rows}
