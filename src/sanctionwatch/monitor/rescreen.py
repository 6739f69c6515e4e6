"""Delta re-screening after a list update: the matches a full ``screen --all`` would store
against the changed entries, found by scoring only the graph entities that could match them.

Candidates come from the graph-side name-key index (:mod:`sanctionwatch.screen.graphkeys`), so
the time follows the size of the update, not of the graph. Each candidate is scored as
:func:`~sanctionwatch.screen.screening.hits_on_changed` scores it (the small index of the
changed entries first, the full list index only for those with a hit there), so a delta never
stores a pair the full screen would not. Unlike
:func:`~sanctionwatch.screen.screening.rescreen_changed`, an entity with no hit and no earlier
match against a changed entry is not written to at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from followthemoney import StatementEntity
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.screen.index import Query
from sanctionwatch.screen.screening import (
    LIST_ORIGIN_PREFIX,
    SCREEN_ORIGIN,
    FullListIndex,
    ScreenSummary,
    build_list_index,
    default_threshold,
    entity_from_columns,
    hits_on_changed,
    rescreen_targets,
    store_matches,
)
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, assemble_entity
from sanctionwatch.store.tables import StatementRow

BATCH = 1000


def _graph_entities(session: Session, entity_ids: Sequence[str]) -> list[StatementEntity]:
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    return [
        assemble_entity([Statement.from_row(row) for row in group])
        for _entity_id, group in groupby(rows, key=lambda row: row.entity_id)
    ]


def _graph_queries(session: Session, entity_ids: Sequence[str]) -> list[tuple[str, Query]]:
    """Candidates as screening queries, from plain columns (most have no hit, so the full
    statement entity is only assembled for those that do)."""
    rows = session.execute(
        select(StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    queries = []
    for entity_id, group in groupby(rows, key=lambda row: row.entity_id):
        entity = entity_from_columns(entity_id, list(group))
        if entity is not None:
            queries.append((entity_id, Query.from_entity(entity)))
    return queries


def delta_rescreen(
    database: Database,
    changed_list_entity_ids: Sequence[str],
    threshold: float | None = None,
    full_scan: bool = False,
) -> ScreenSummary:
    """Re-screen the graph entities that could match the changed list entities (found through
    the graph-side name-key index); store only changes. ``full_scan`` screens every entity."""
    cutoff = default_threshold() if threshold is None else threshold
    changed = sorted(set(changed_list_entity_ids))
    changed_set = set(changed)
    index = build_list_index(database, changed)
    full = FullListIndex(database)
    with database.session() as session:
        affected = set(
            session.scalars(
                select(ScreenMatchRow.graph_entity_id).where(
                    ScreenMatchRow.list_entity_id.in_(changed)
                )
            )
        )
    ids, graph_size = rescreen_targets(database, index, changed, full_scan)
    matched = matches = 0
    for start in range(0, len(ids), BATCH):
        with database.session() as session:
            found = {}
            for entity_id, query in _graph_queries(session, ids[start : start + BATCH]):
                hits = hits_on_changed(index, full, query, changed_set, cutoff)
                if hits or entity_id in affected:
                    found[entity_id] = hits
            for entity in _graph_entities(session, sorted(found)):
                assert entity.id is not None
                stored = store_matches(session, entity, found[entity.id], changed)
                matched += bool(stored)
                matches += stored
    return ScreenSummary(len(ids), matched, matches, len(index), cutoff, graph_entities=graph_size)
