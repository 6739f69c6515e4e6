"""Graph walks that read only the statements next to the walk, through indexes.

An edge is what ``graph._edges_cte`` defines: an FtM link entity (Ownership owner→asset, every
edge schema source→target) or an entity-valued property of an ordinary entity (Sanction.entity,
addressEntity, ...), with both ends mapped to their cluster's canonical id. Instead of deriving
every edge of the store and walking them in a recursive query (seconds on a store with the
sanctions lists loaded), each hop asks three indexed questions about the frontier's members:

* which link properties do they have (``statements.entity_id`` index);
* which statements point at them (the ``substr(value, 1, 64)`` expression index);
* what are the ends of the link entities found that way (``statements.entity_id`` again).

So a walk costs a few queries per hop whatever the size of the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.resolve.tables import CanonicalIdRow
from sanctionwatch.store.tables import VALUE_PREFIX_CHARS, StatementRow, value_prefix

CHUNK = 500
"""Ids per ``IN (...)`` list (well under every backend's bound-parameter limit)."""


@dataclass(frozen=True)
class LinkEdge:
    """One edge between two clusters: the entity that links them and its kind."""

    link_id: str
    kind: str
    source: str
    target: str


@lru_cache(maxsize=1)
def edge_ends() -> dict[str, tuple[str, str]]:
    """Every FtM link schema with its (source property, target property)."""
    return {
        schema.name: (schema.edge_source, schema.edge_target)
        for schema in model.schemata.values()
        if schema.edge and schema.edge_source and schema.edge_target
    }


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


@dataclass
class Walker:
    """Finds the edges touching a set of clusters; remembers canonical ids it has looked up."""

    session: Session
    node_props: tuple[str, ...]
    canonical: dict[str, str] = field(default_factory=dict)

    def canonical_of(self, ids: Iterable[str]) -> dict[str, str]:
        """Canonical id of each of ``ids`` (itself when it stands alone)."""
        missing = {i for i in ids if i not in self.canonical}
        for chunk in _chunks(missing):
            rows = self.session.execute(
                select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id).where(
                    CanonicalIdRow.entity_id.in_(chunk)
                )
            )
            self.canonical.update({entity_id: canonical for entity_id, canonical in rows})
            self.canonical.update({i: i for i in chunk if i not in self.canonical})
        return {i: self.canonical[i] for i in ids}

    def members(self, clusters: set[str]) -> set[str]:
        """Every entity id in ``clusters`` (canonical ids), the canonical ids included."""
        found = set(clusters)
        for chunk in _chunks(clusters):
            rows = self.session.scalars(
                select(CanonicalIdRow.entity_id).where(CanonicalIdRow.canonical_id.in_(chunk))
            )
            found.update(rows)
        self.canonical.update({member: member for member in clusters})
        return found

    def edges_touching(self, clusters: set[str]) -> set[LinkEdge]:
        """Every edge with at least one end in ``clusters``, both ends canonical."""
        members = self.members(clusters)
        raw = self._outgoing(members) | self._incoming(members)
        ends = self.canonical_of({end for edge in raw for end in (edge.source, edge.target)})
        mapped = {
            LinkEdge(edge.link_id, edge.kind, ends[edge.source], ends[edge.target]) for edge in raw
        }
        # A link entity with several owners yields every pair; keep those touching ``clusters``.
        return {edge for edge in mapped if edge.source in clusters or edge.target in clusters}

    def _rows(self, *conditions: Any) -> list[tuple[str, str, str, str]]:
        """(entity_id, schema, prop, value) of the statements meeting ``conditions``."""
        query = select(
            StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value
        ).where(*conditions)
        return [(row[0], row[1], row[2], row[3]) for row in self.session.execute(query)]

    def _outgoing(self, members: set[str]) -> set[LinkEdge]:
        """Link properties of ordinary entities among ``members`` (edge entities have none)."""
        found: set[LinkEdge] = set()
        links = edge_ends()
        for chunk in _chunks(members):
            rows = self._rows(
                StatementRow.entity_id.in_(chunk), StatementRow.prop.in_(self.node_props)
            )
            found.update(
                LinkEdge(entity_id, f"{schema}.{prop}", entity_id, value)
                for entity_id, schema, prop, value in rows
                if schema not in links
            )
        return found

    def _incoming(self, members: set[str]) -> set[LinkEdge]:
        """Statements pointing at ``members``: ordinary entities' link properties, and link
        entities (whose every source × target pair is an edge)."""
        found: set[LinkEdge] = set()
        link_entities: set[str] = set()
        links = edge_ends()
        for chunk in _chunks(members):
            prefixes = sorted({member[:VALUE_PREFIX_CHARS] for member in chunk})
            rows = self._rows(value_prefix().in_(prefixes))
            for entity_id, schema, prop, value in rows:
                if value not in members:
                    continue
                if schema in links:
                    if prop in links[schema]:
                        link_entities.add(entity_id)
                elif prop in self.node_props:
                    found.add(LinkEdge(entity_id, f"{schema}.{prop}", entity_id, value))
        return found | self._link_entity_edges(link_entities)

    def _link_entity_edges(self, link_ids: set[str]) -> set[LinkEdge]:
        links = edge_ends()
        ends: dict[str, dict[str, list[str]]] = {}
        schemata: dict[str, str] = {}
        for chunk in _chunks(link_ids):
            rows = self._rows(StatementRow.entity_id.in_(chunk))
            for entity_id, schema, prop, value in rows:
                ends.setdefault(entity_id, {}).setdefault(prop, []).append(value)
                if schema in links:
                    schemata.setdefault(entity_id, schema)
        found: set[LinkEdge] = set()
        for link_id, schema in schemata.items():
            source_prop, target_prop = links[schema]
            by_prop = ends[link_id]
            found.update(
                LinkEdge(link_id, schema, source, target)
                for source in by_prop.get(source_prop, [])
                for target in by_prop.get(target_prop, [])
            )
        return found


def walk(
    session: Session,
    start: str,
    depth: int,
    node_props: tuple[str, ...],
    goal: str | None = None,
) -> tuple[dict[str, int], set[LinkEdge]]:
    """Clusters within ``depth`` hops of the canonical id ``start`` (hop count each) and every
    edge among them; stops early once ``goal`` is reached."""
    walker = Walker(session, node_props)
    hops = {start: 0}
    edges: set[LinkEdge] = set()
    frontier = {start}
    for hop in range(1, depth + 1):
        touching = walker.edges_touching(frontier)
        edges |= touching
        reached = {end for edge in touching for end in (edge.source, edge.target)}
        frontier = reached - set(hops)
        hops.update({node: hop for node in frontier})
        if not frontier or (goal is not None and goal in hops):
            break
    if goal is None and frontier:  # edges among the outermost clusters
        edges |= walker.edges_touching(frontier)
    kept = {edge for edge in edges if edge.source in hops and edge.target in hops}
    return hops, kept
