"""Graph queries over link statements, through canonical ids.

Edges come from two kinds of statements: FtM link entities (Ownership owner→asset, Directorship,
Employment, Membership, UnknownLink and every other edge schema: source→target) and entity-valued
properties of ordinary entities (Sanction.entity, addressEntity, parent, ...). Both ends are mapped
through ``canonical_ids`` so a resolved cluster is one node. Neighbourhoods and paths walk a hop
at a time through indexes (:mod:`sanctionwatch.resolve.adjacency`); ownership chains are recursive
SQL that runs on SQLite and PostgreSQL, carrying a depth bound and a visited path so cycles end.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from sanctionwatch.resolve.adjacency import LinkEdge, walk
from sanctionwatch.resolve.resolver import canonical_id

NODE_LINK_PROPS = (
    "entity",
    "addressEntity",
    "parent",
    "owner",
    "operator",
    "holder",
    "issuer",
    "involved",
    "organizer",
    "bank",
    "organization",
)
"""Entity-valued properties of non-link entities that count as edges (Sanction.entity, ...)."""

MAX_DEPTH = 10
OVER_FULL = 100.0001


def _contains(dialect: str, haystack: str, needle: str) -> str:
    if dialect == "postgresql":
        return f"strpos({haystack}, {needle}) > 0"
    return f"instr({haystack}, {needle}) > 0"


def _percentage(dialect: str, column: str) -> str:
    """A percentage string ("50", "50 %", "33,3") as a number, NULL when it is not one."""
    cleaned = f"replace(trim(replace({column}, '%', '')), ',', '.')"
    if dialect == "postgresql":
        return (
            f"CASE WHEN {cleaned} ~ '^[0-9]+(\\.[0-9]+)?$' "
            f"THEN CAST({cleaned} AS DOUBLE PRECISION) END"
        )
    return (
        f"CASE WHEN {cleaned} GLOB '[0-9]*' AND {cleaned} NOT GLOB '*[^0-9.]*' "
        f"THEN CAST({cleaned} AS DOUBLE PRECISION) END"
    )


@dataclass(frozen=True)
class Edge:
    link_id: str
    kind: str
    source: str
    target: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "link_id": self.link_id,
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
        }


@dataclass
class Neighbourhood:
    """Nodes within ``depth`` hops of ``start`` (hop count each) and the edges among them."""

    start: str
    depth: int
    nodes: dict[str, int] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def neighbours(session: Session, entity_id: str, depth: int = 1) -> Neighbourhood:
    """Everything within ``depth`` hops of the entity's cluster, in either direction.

    Walks outwards a hop at a time through indexes (:mod:`sanctionwatch.resolve.adjacency`), so
    the cost follows the size of the neighbourhood, not of the store.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    start = canonical_id(session, entity_id)
    hops, links = walk(session, start, depth, NODE_LINK_PROPS)
    return Neighbourhood(start, depth, hops, _sorted_edges(links))


def _sorted_edges(links: set[LinkEdge]) -> list[Edge]:
    edges = {Edge(link.link_id, link.kind, link.source, link.target) for link in links}
    return sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.link_id))


def path(session: Session, a: str, b: str, max_depth: int = 6) -> list[Edge] | None:
    """A shortest chain of edges between two entities (any direction), ``None`` if none."""
    start, goal = canonical_id(session, a), canonical_id(session, b)
    if start == goal:
        return []
    distance, links = walk(session, start, max_depth, NODE_LINK_PROPS, goal=goal)
    if goal not in distance:
        return None
    adjacency: dict[str, list[tuple[str, Edge]]] = defaultdict(list)
    for edge in _sorted_edges(links):
        adjacency[edge.source].append((edge.target, edge))
        adjacency[edge.target].append((edge.source, edge))
    chain: list[Edge] = []
    node = goal
    while node != start:
        step = next(
            (other, edge)
            for other, edge in sorted(adjacency[node], key=lambda x: (x[0], x[1].link_id))
            if distance.get(other) == distance[node] - 1
        )
        chain.append(step[1])
        node = step[0]
    return chain[::-1]


# --- Ownership --------------------------------------------------------------------------------


@dataclass
class Owner:
    """An owner of the target, directly or through a chain, with its aggregated share."""

    entity_id: str
    share: float | None
    share_complete: bool
    ultimate: bool
    min_depth: int
    paths: list[list[str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class OwnershipReport:
    target: str
    owners: list[Owner] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def ultimate(self) -> list[Owner]:
        return [owner for owner in self.owners if owner.ultimate]


def _ownership_cte(dialect: str) -> str:
    pct = _percentage(dialect, "p.value")
    return f"""
    own_raw AS (
        SELECT o.entity_id AS link_id, o.value AS owner, a.value AS asset, MAX({pct}) AS pct
        FROM statements o
        JOIN statements a ON a.entity_id = o.entity_id AND a.prop = 'asset'
        LEFT JOIN statements p ON p.entity_id = o.entity_id AND p.prop = 'percentage'
        WHERE o.schema = 'Ownership' AND o.prop = 'owner'
        GROUP BY o.entity_id, o.value, a.value
    ),
    own AS (
        SELECT r.link_id, COALESCE(c1.canonical_id, r.owner) AS owner,
               COALESCE(c2.canonical_id, r.asset) AS asset, r.pct
        FROM own_raw r
        LEFT JOIN canonical_ids c1 ON c1.entity_id = r.owner
        LEFT JOIN canonical_ids c2 ON c2.entity_id = r.asset
    )"""


def _chains_sql(dialect: str) -> str:
    on_path = _contains(dialect, "c.path", "'|' || o.owner || '|'")
    return f"""
    WITH RECURSIVE {_ownership_cte(dialect)},
    chain(owner, share, depth, path, cyclic) AS (
        SELECT o.owner, CAST(o.pct / 100.0 AS DOUBLE PRECISION), 1,
               CAST('|' || CAST(:target AS TEXT) || '|' || o.owner || '|' AS TEXT),
               CASE WHEN o.owner = CAST(:target AS TEXT) THEN 1 ELSE 0 END
        FROM own o WHERE o.asset = CAST(:target AS TEXT)
        UNION ALL
        SELECT o.owner, CAST(c.share * o.pct / 100.0 AS DOUBLE PRECISION), c.depth + 1,
               CAST(c.path || o.owner || '|' AS TEXT),
               CASE WHEN {on_path} THEN 1 ELSE 0 END
        FROM chain c JOIN own o ON o.asset = c.owner
        WHERE c.cyclic = 0 AND c.depth < :max_depth
    )
    SELECT owner, share, depth, path, cyclic FROM chain
    """


def ownership_edges(session: Session, assets: Sequence[str]) -> list[tuple[str, str, float | None]]:
    """(owner, asset, percentage) of the direct ownerships of ``assets`` (canonical ids)."""
    if not assets:
        return []
    dialect = session.get_bind().dialect.name
    marks = ", ".join(f":a{i}" for i in range(len(assets)))
    sql = (
        f"WITH {_ownership_cte(dialect)} SELECT owner, asset, pct FROM own WHERE asset IN ({marks})"
    )
    params = {f"a{i}": asset for i, asset in enumerate(assets)}
    return [(r.owner, r.asset, r.pct) for r in session.execute(text(sql), params)]


def ultimate_owners(
    session: Session, entity_id: str, max_depth: int = MAX_DEPTH
) -> OwnershipReport:
    """Every owner up the chains with its aggregated share; ``ultimate`` marks chain tops.

    A share through a chain is the product of the percentages along it; shares through several
    chains add up. Cycles, self-ownership and shares above 100 % are reported in ``issues``.
    """
    target = canonical_id(session, entity_id)
    dialect = session.get_bind().dialect.name
    rows = list(
        session.execute(text(_chains_sql(dialect)), {"target": target, "max_depth": max_depth})
    )
    report = OwnershipReport(target)
    open_paths = [row for row in rows if not row.cyclic]
    prefixes = {row.path.rsplit("|", 2)[0] + "|" for row in open_paths}
    by_owner: dict[str, list[Any]] = defaultdict(list)
    for row in open_paths:
        by_owner[row.owner].append(row)
    for owner, owner_rows in sorted(by_owner.items()):
        shares = [row.share for row in owner_rows]
        known = [share for share in shares if share is not None]
        report.owners.append(
            Owner(
                entity_id=owner,
                share=round(sum(known), 6) if known else None,
                share_complete=len(known) == len(shares),
                ultimate=any(row.path not in prefixes for row in owner_rows),
                min_depth=min(int(row.depth) for row in owner_rows),
                paths=[row.path.strip("|").split("|")[::-1] for row in owner_rows],
            )
        )
    report.owners.sort(key=lambda o: (-(o.share or 0.0), o.entity_id))
    _report_issues(session, report, rows, max_depth)
    return report


def _report_issues(
    session: Session, report: OwnershipReport, rows: list[Any], max_depth: int
) -> None:
    issues: list[str] = []
    for row in rows:
        nodes = row.path.strip("|").split("|")
        if row.cyclic and nodes[-1] == nodes[-2]:
            issues.append(f"self-ownership: {nodes[-1]} is recorded as owning itself")
        elif row.cyclic:
            start = nodes.index(nodes[-1])
            issues.append("ownership cycle: " + " → ".join(reversed(nodes[start:])))
        elif int(row.depth) >= max_depth:
            issues.append(f"chain cut at depth {max_depth}: " + " → ".join(reversed(nodes)))
    involved = sorted({report.target, *(owner.entity_id for owner in report.owners)})
    totals: dict[str, float] = defaultdict(float)
    for owner, asset, pct in ownership_edges(session, involved):
        if pct is None:
            continue
        if pct > OVER_FULL:
            issues.append(f"share over 100%: {owner} owns {pct:g}% of {asset}")
        totals[asset] += pct
    for asset, total in sorted(totals.items()):
        if total > OVER_FULL:
            issues.append(f"shares of {asset} add up to {total:g}%")
    report.issues = list(dict.fromkeys(issues))
