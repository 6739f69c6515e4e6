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

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from sanctionwatch.screen.index import Query
from sanctionwatch.screen.matcher import default_threshold
from sanctionwatch.screen.screening import (
    LIST_ORIGIN_PREFIX,
    SCREEN_ORIGIN,
    FullListIndex,
    ScreenSummary,
    build_list_index,
    entity_from_columns,
    hits_on_changed,
    rescreen_targets,
    store_matches,
)
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

BATCH = 1000


GRAPH_COLUMNS = (StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value)
"""All a candidate is scored and stored from: its entity is built from these, and a stored
match needs only the entity's id and schema (not sentences, spans or provenance)."""


def _graph_statements(
    session: Session, entity_ids: Sequence[str]
) -> dict[str, list[Row[str, str, str, str]]]:
    """Each candidate's graph statements (no list entries, no screening links), read once as
    the four columns scoring uses, in statement order (the order of an entity's values)."""
    rows = session.execute(
        select(*GRAPH_COLUMNS)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    return {entity_id: list(group) for entity_id, group in groupby(rows, key=lambda r: r.entity_id)}


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
    targets = rescreen_targets(database, index, changed, full_scan)
    ids = targets.ids
    matched = matches = 0
    for start in range(0, len(ids), BATCH):
        with database.session() as session:
            for entity_id, rows in _graph_statements(session, ids[start : start + BATCH]).items():
                entity = entity_from_columns(entity_id, rows)
                if entity is None:
                    continue
                hits = hits_on_changed(index, full, Query.from_entity(entity), changed_set, cutoff)
                if not hits and entity_id not in targets.affected:
                    continue
                stored = store_matches(session, entity, hits, changed)
                matched += bool(stored)
                matches += stored
    return ScreenSummary(
        len(ids), matched, matches, len(index), cutoff, graph_entities=targets.graph_entities
    )
