"""Screening the graph against the lists, and storing what matched.

List entities are read from the store by origin prefix ``list:`` (never from the loaders);
graph entities are every other matchable entity (extracted, resolved, analysts'). A match
above the threshold is stored twice: as a ``screen_matches`` row (scores, features, list
version, matcher version) and as statements of origin ``screen:matcher`` in dataset
``screening``: ``topics = sanction`` on the graph entity and an ``UnknownLink`` from the graph
entity to the list entity whose ``role`` names the match and whose ``summary`` gives the score.
Both are rebuilt for a graph entity each time it is screened, so they never disagree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from followthemoney import EntityProxy, StatementEntity, model
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sanctionwatch.screen import matcher
from sanctionwatch.screen.index import Query, ScreeningHit, ScreeningIndex
from sanctionwatch.screen.matcher import CODE_VERSION, MATCHER_VERSION, load_weights
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.schemata import common_schema
from sanctionwatch.store.statements import Statement, add_statements, assemble_entity
from sanctionwatch.store.tables import StatementRow

LIST_ORIGIN_PREFIX = "list:"
SCREEN_ORIGIN = "screen:matcher"
SCREEN_DATASET = "screening"
LINK_ROLE = "sanctions list match"
BATCH = 200

Progress = Callable[[int, int], None]
"""Called with (done, total) while screening many entities."""


def screen_origin_version() -> str:
    """Short matcher version for statements (the full one is in ``screen_matches``)."""
    return f"m{CODE_VERSION}-{load_weights().version}"[:32]


# --- reading the store ----------------------------------------------------------------------


def _grouped(rows: Iterable[StatementRow]) -> Iterator[list[Statement]]:
    """Consecutive rows of one entity as statements (rows come ordered by entity id)."""
    batch: list[Statement] = []
    for row in rows:
        if batch and batch[0].entity_id != row.entity_id:
            yield batch
            batch = []
        batch.append(Statement.from_row(row))
    if batch:
        yield batch


def _sanction_summary(entity: EntityProxy) -> dict[str, Any]:
    summary: dict[str, Any] = {"id": entity.id}
    for key, prop in (
        ("authority", "authority"),
        ("program", "program"),
        ("listing_date", "listingDate"),
        ("reference", "unscId"),
    ):
        values = entity.get(prop, quiet=True)
        if values:
            summary[key] = values
    return summary


@dataclass
class ListSnapshot:
    """List entities as they stand in the store, with list version, source and designations."""

    entities: list[EntityProxy]
    versions: dict[str, str]
    datasets: dict[str, list[str]]
    sanctions: dict[str, list[dict[str, Any]]]


def _proxy(entity_id: str, rows: list[Any]) -> EntityProxy | None:
    return _entity_from_rows(entity_id, rows, cleaned=True)


def entity_from_columns(entity_id: str, rows: Sequence[Any]) -> EntityProxy | None:
    """An entity from (schema, prop, value) rows, values cleaned as ``assemble_entity`` cleans
    them but without building statement objects (the fast path of a delta re-screen)."""
    return _entity_from_rows(entity_id, rows, cleaned=False)


def _entity_from_rows(entity_id: str, rows: Sequence[Any], cleaned: bool) -> EntityProxy | None:
    """One entity from (schema, prop, value) rows under the schema common to all of them;
    properties that schema lacks are dropped. ``cleaned`` tells FtM the values need no cleaning."""
    schema = common_schema(row.schema for row in rows)
    if schema is None:
        return None
    properties: dict[str, list[str]] = {}
    for row in rows:
        if row.prop in schema.properties:
            properties.setdefault(row.prop, []).append(row.value)
    data = {"id": entity_id, "schema": schema.name, "properties": properties}
    return model.get_proxy(data, cleaned=cleaned)


def read_list_entities(session: Session, entity_ids: Sequence[str] | None = None) -> ListSnapshot:
    """Every list entity (origin ``list:``), or only ``entity_ids`` and their designations.

    Reads plain columns (no ORM objects, values already cleaned by the loaders): the lists
    hold hundreds of thousands of statements.
    """
    query = (
        select(
            StatementRow.entity_id,
            StatementRow.schema,
            StatementRow.prop,
            StatementRow.value,
            StatementRow.dataset,
            StatementRow.origin_version,
        )
        .where(StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .order_by(StatementRow.entity_id)
    )
    snapshot = ListSnapshot([], {}, {}, {})
    wanted = set(entity_ids) if entity_ids is not None else None
    for entity_id, group in groupby(session.execute(query), key=lambda row: row.entity_id):
        rows = list(group)
        is_sanction = rows[0].schema == "Sanction"
        if not is_sanction and wanted is not None and entity_id not in wanted:
            continue
        entity = _proxy(entity_id, rows)
        if entity is None:
            continue
        if is_sanction:
            for target in entity.get("entity", quiet=True):
                if wanted is None or target in wanted:
                    snapshot.sanctions.setdefault(target, []).append(_sanction_summary(entity))
            continue
        snapshot.entities.append(entity)
        snapshot.versions[entity_id] = rows[0].origin_version
        snapshot.datasets[entity_id] = sorted({row.dataset for row in rows})
    return snapshot


def build_list_index(database: Database, entity_ids: Sequence[str] | None = None) -> ScreeningIndex:
    """The screening index over the lists in the store (or over some list entities)."""
    with database.session() as session:
        snapshot = read_list_entities(session, entity_ids)
    return ScreeningIndex.build(
        snapshot.entities, snapshot.versions, snapshot.sanctions, snapshot.datasets
    )


def graph_entity_ids(session: Session) -> list[str]:
    """Ids of matchable entities that are not list entities and not screening links."""
    query = (
        select(StatementRow.entity_id, StatementRow.schema)
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .distinct()
    )
    ids = set()
    for entity_id, schema_name in session.execute(query):
        schema = model.get(schema_name)
        if schema is not None and schema.matchable:
            ids.add(entity_id)
    return sorted(ids)


def _graph_entities(session: Session, entity_ids: Sequence[str]) -> list[StatementEntity]:
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    return [assemble_entity(group) for group in _grouped(rows)]


# --- screening ------------------------------------------------------------------------------


def screen_entity(
    index: ScreeningIndex,
    entity: StatementEntity | Query,
    threshold: float | None = None,
    limit: int = 10,
) -> list[ScreeningHit]:
    """Matches of one entity at or above ``threshold`` (default: the screening cut-off)."""
    cutoff = matcher.default_threshold() if threshold is None else threshold
    return index.search(entity, limit=limit, threshold=cutoff)


def match_id(graph_entity_id: str, list_entity_id: str) -> str:
    return hashlib.sha1(f"{graph_entity_id}|{list_entity_id}".encode()).hexdigest()


def link_entity_id(graph_entity_id: str, list_entity_id: str) -> str:
    return f"screen-{match_id(graph_entity_id, list_entity_id)[:24]}"


def _match_statements(
    graph_entity: EntityProxy, row: ScreenMatchRow, version: str
) -> list[Statement]:
    assert graph_entity.id is not None
    link_id = link_entity_id(graph_entity.id, row.list_entity_id)
    summary = f"score {row.score:.2f} against {row.list_source} ({row.matched_name})"
    facts = [
        (graph_entity.id, graph_entity.schema.name, "topics", "sanction"),
        (link_id, "UnknownLink", "subject", graph_entity.id),
        (link_id, "UnknownLink", "object", row.list_entity_id),
        (link_id, "UnknownLink", "role", LINK_ROLE),
        (link_id, "UnknownLink", "summary", summary),
    ]
    return [
        Statement(
            entity_id=entity_id,
            schema=schema,
            prop=prop,
            value=value,
            dataset=SCREEN_DATASET,
            origin=SCREEN_ORIGIN,
            origin_version=version,
            confidence=row.score,
        )
        for entity_id, schema, prop, value in facts
    ]


def _delete_pairs(session: Session, rows: Iterable[ScreenMatchRow]) -> None:
    for row in rows:
        link_id = link_entity_id(row.graph_entity_id, row.list_entity_id)
        session.execute(
            delete(StatementRow).where(
                StatementRow.entity_id == link_id, StatementRow.origin == SCREEN_ORIGIN
            )
        )
        session.delete(row)


def _sync_topics(session: Session, graph_entity: EntityProxy) -> None:
    """Keep ``topics=sanction`` only while the entity has a stored match."""
    assert graph_entity.id is not None
    remaining = session.scalars(
        select(ScreenMatchRow.id).where(ScreenMatchRow.graph_entity_id == graph_entity.id).limit(1)
    ).first()
    if remaining is None:
        session.execute(
            delete(StatementRow).where(
                StatementRow.entity_id == graph_entity.id,
                StatementRow.origin == SCREEN_ORIGIN,
                StatementRow.prop == "topics",
            )
        )


def store_matches(
    session: Session,
    graph_entity: EntityProxy,
    hits: Sequence[ScreeningHit],
    replace_list_ids: Iterable[str] | None = None,
) -> int:
    """Store ``hits`` for one graph entity, replacing its earlier matches (only the entity's
    id and schema are used: a statement entity, or one built from columns).

    With ``replace_list_ids`` only earlier matches against those list entities are replaced
    (a partial re-screen after a list update); otherwise all of them are.
    """
    assert graph_entity.id is not None
    query = select(ScreenMatchRow).where(ScreenMatchRow.graph_entity_id == graph_entity.id)
    if replace_list_ids is not None:
        query = query.where(ScreenMatchRow.list_entity_id.in_(list(replace_list_ids)))
    _delete_pairs(session, list(session.scalars(query)))
    session.flush()
    version = screen_origin_version()
    statements: list[Statement] = []
    now = utcnow()
    for hit in hits:
        row = ScreenMatchRow(
            id=match_id(graph_entity.id, hit.entity.id),
            graph_entity_id=graph_entity.id,
            list_entity_id=hit.entity.id,
            list_source=",".join(hit.entity.datasets) or "unknown",
            list_version=hit.entity.version,
            score=hit.score,
            query_name=hit.result.query_name,
            matched_name=hit.result.candidate_name,
            features=hit.result.features,
            explanation=hit.result.explanation,
            matcher_version=MATCHER_VERSION[:255],
            screened_at=now,
        )
        session.merge(row)
        statements += _match_statements(graph_entity, row, version)
    session.flush()
    add_statements(session, statements)
    session.flush()
    _sync_topics(session, graph_entity)
    return len(hits)


@dataclass
class ScreenSummary:
    """What a screening run did."""

    screened: int
    matched_entities: int
    matches: int
    list_entities: int
    threshold: float
    matcher_version: str = MATCHER_VERSION
    graph_entities: int | None = None
    """Graph entities in the name-key index when candidates came from it (a delta re-screen)."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _screen_ids(
    database: Database,
    index: ScreeningIndex,
    entity_ids: Sequence[str],
    threshold: float,
    replace_list_ids: Sequence[str] | None,
    progress: Progress | None,
) -> ScreenSummary:
    matched = matches = 0
    full = FullListIndex(database)
    changed = set(replace_list_ids or ())
    for start in range(0, len(entity_ids), BATCH):
        chunk = entity_ids[start : start + BATCH]
        with database.session() as session:
            for entity in _graph_entities(session, chunk):
                if replace_list_ids is not None:
                    hits = hits_on_changed(index, full, entity, changed, threshold)
                else:
                    hits = screen_entity(index, entity, threshold) if len(index) else []
                stored = store_matches(session, entity, hits, replace_list_ids)
                matched += bool(stored)
                matches += stored
        if progress is not None:
            progress(min(start + BATCH, len(entity_ids)), len(entity_ids))
    return ScreenSummary(len(entity_ids), matched, matches, len(index), threshold)


def screen_all(
    database: Database,
    index: ScreeningIndex | None = None,
    threshold: float | None = None,
    progress: Progress | None = None,
    entity_ids: Sequence[str] | None = None,
) -> ScreenSummary:
    """Screen every graph entity (or ``entity_ids``) against all lists; store the matches.

    One transaction per batch of entities: an interrupted run leaves earlier batches stored.
    """
    cutoff = matcher.default_threshold() if threshold is None else threshold
    index = index if index is not None else build_list_index(database)
    if entity_ids is None:
        with database.session() as session:
            entity_ids = graph_entity_ids(session)
    return _screen_ids(database, index, list(entity_ids), cutoff, None, progress)


class FullListIndex:
    """The index of every list for a re-screen, read (or built and cached for ``screen``) on
    first use: most re-screens of a small update never need it."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.index: ScreeningIndex | None = None

    def get(self) -> ScreeningIndex:
        if self.index is None:
            from sanctionwatch.screen.index_store import cached_list_index

            self.index = cached_list_index(self.database).index
        return self.index


def hits_on_changed(
    changed_index: ScreeningIndex,
    full: FullListIndex,
    query: StatementEntity | Query,
    changed: set[str],
    threshold: float,
) -> list[ScreeningHit]:
    """A query's hits on changed list entries exactly as a screen against every list finds
    them. The small index of the changed entries is tried first: it is cheap, and there the
    changed entries compete only with each other, so a query with no hit there has, but for
    differences in key rarity between the two indexes, none among them in the full index. Only
    then is the query searched in the full index, keeping the changed entries' hits. So a
    re-screen never stores a pair ``screen --all`` would not (a changed entry that better-named
    unchanged entries crowd out of a query's top hits stays out)."""
    if not len(changed_index) or not screen_entity(changed_index, query, threshold):
        return []
    return [hit for hit in screen_entity(full.get(), query, threshold) if hit.entity.id in changed]


@dataclass
class RescreenTargets:
    """The graph entities a re-screen after a list update looks at."""

    ids: list[str]
    """Every entity to re-screen, sorted."""
    affected: set[str]
    """Those with a stored match against a changed entry (written to even without a hit)."""
    graph_entities: int | None
    """How many entities the name-key index holds (``None`` when it was not used)."""


def rescreen_targets(
    database: Database, index: ScreeningIndex, changed: Sequence[str], full_scan: bool = False
) -> RescreenTargets:
    """Graph entities to re-screen against ``index`` (the changed list entities still listed).

    Those with a stored match against a changed entry (it may be gone or have changed) plus
    those the graph-side name-key index (:mod:`sanctionwatch.screen.graphkeys`, refreshed
    first) files under enough of the changed names' keys. ``full_scan`` takes every graph entity
    instead (the reference the benchmark checks the index against).
    """
    from sanctionwatch.screen import graphkeys

    with database.session() as session:
        affected = set(
            session.scalars(
                select(ScreenMatchRow.graph_entity_id).where(
                    ScreenMatchRow.list_entity_id.in_(list(changed))
                )
            )
        )
        if not len(index):
            return RescreenTargets(sorted(affected), affected, None)
        if full_scan:
            return RescreenTargets(graph_entity_ids(session), affected, None)
    graphkeys.refresh_graph_keys(database)
    with database.session() as session:
        found = graphkeys.graph_candidates(session, index)
    ids = sorted(affected | set(found.entity_ids))
    return RescreenTargets(ids, affected, found.graph_entities)


def rescreen_changed(
    database: Database,
    changed_list_entity_ids: Sequence[str],
    threshold: float | None = None,
    progress: Progress | None = None,
    full_scan: bool = False,
) -> ScreenSummary:
    """After a list update: re-screen the graph against the changed list entities only.

    Stored matches against those entities are dropped (an entity removed from the list loses
    its matches) and the graph entities that could match a changed entity still listed
    (:func:`rescreen_targets`) are screened for them (:func:`hits_on_changed`: what
    ``screen --all`` would store against them); matches against unchanged list entities are
    left as they are.
    """
    cutoff = matcher.default_threshold() if threshold is None else threshold
    changed = sorted(set(changed_list_entity_ids))
    index = build_list_index(database, changed)
    targets = rescreen_targets(database, index, changed, full_scan)
    summary = _screen_ids(database, index, targets.ids, cutoff, changed, progress)
    summary.graph_entities = targets.graph_entities
    return summary


def stored_matches(session: Session, graph_entity_id: str | None = None) -> list[ScreenMatchRow]:
    """Stored matches, best first (all, or of one graph entity)."""
    query = select(ScreenMatchRow).order_by(ScreenMatchRow.score.desc(), ScreenMatchRow.id)
    if graph_entity_id is not None:
        query = query.where(ScreenMatchRow.graph_entity_id == graph_entity_id)
    return list(session.scalars(query))
