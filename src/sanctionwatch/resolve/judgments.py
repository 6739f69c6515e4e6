"""Judgments and the clusters they imply.

Judgments are appended, never edited: the history says who decided what and when. The effective
judgment of a pair is its newest human row, or its newest machine row when no analyst has spoken.
Clusters are the connected components of effective ``same`` edges, built so that ``not_same``
judgments hold: human ``same`` edges go first (oldest first), then machine ones (highest score
first); an edge that would join two entities judged different is skipped. When the skipped edge
and the blocking ``not_same`` are both human, the analysts contradict each other (A=B, B=C, A≠C)
and the conflict is reported rather than settled quietly.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sanctionwatch.resolve.features import NOT_SAME, SAME, UNSURE
from sanctionwatch.resolve.tables import CanonicalIdRow, ClusterIdRow, JudgmentRow
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.tables import StatementRow

LIST_ORIGIN_PREFIX = "list:"

WITHDRAWN = "withdrawn"
"""Machine-only: an earlier machine judgment no longer holds (the evidence changed)."""

HUMAN_JUDGMENTS = (SAME, NOT_SAME, UNSURE)
MACHINE_USER = "machine"


@dataclass(frozen=True)
class Judgment:
    """One row of the history, as the rest of the code sees it."""

    id: int
    left_id: str
    right_id: str
    judgment: str
    user: str
    machine: bool
    score: float | None
    features: dict[str, Any]
    note: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: JudgmentRow) -> Judgment:
        return cls(
            id=row.id,
            left_id=row.left_id,
            right_id=row.right_id,
            judgment=row.judgment,
            user=row.user,
            machine=row.machine,
            score=row.score,
            features=dict(row.features or {}),
            note=row.note,
            created_at=row.created_at,
        )

    @property
    def pair(self) -> tuple[str, str]:
        return (self.left_id, self.right_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "left_id": self.left_id,
            "right_id": self.right_id,
            "judgment": self.judgment,
            "user": self.user,
            "machine": self.machine,
            "score": self.score,
            "features": self.features,
            "note": self.note,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Contradiction:
    """A human ``same`` that cannot hold because of a human ``not_same`` elsewhere in the chain."""

    same: Judgment
    not_same: Judgment
    chain: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{self.same.left_id} = {self.same.right_id} (judgment {self.same.id} by "
            f"{self.same.user}) would join {self.not_same.left_id} ≠ {self.not_same.right_id} "
            f"(judgment {self.not_same.id} by {self.not_same.user}) via " + " = ".join(self.chain)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "same_judgment": self.same.id,
            "not_same_judgment": self.not_same.id,
            "chain": list(self.chain),
            "message": self.describe(),
        }


@dataclass
class Clustering:
    """The clusters implied by the effective judgments, and what did not fit."""

    canonical: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)
    """Canonical ids retired by a merge -> the canonical id that absorbed them."""
    list_conflicts: int = 0
    """Machine merges not made because both clusters hold an entry of one sanctions list."""
    contradictions: list[Contradiction] = field(default_factory=list)
    overridden: list[Judgment] = field(default_factory=list)

    def clusters(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for entity_id, canonical in self.canonical.items():
            grouped[canonical].append(entity_id)
        return {key: sorted(value) for key, value in grouped.items()}


def ordered_pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise ValueError(f"cannot judge {a} against itself")
    return (a, b) if a < b else (b, a)


def _judgment_row(
    a: str,
    b: str,
    judgment: str,
    *,
    user: str,
    machine: bool,
    score: float | None,
    features: dict[str, Any] | None,
    note: str | None,
) -> JudgmentRow:
    allowed = (*HUMAN_JUDGMENTS, WITHDRAWN) if machine else HUMAN_JUDGMENTS
    if judgment not in allowed:
        raise ValueError(f"unknown judgment {judgment!r}: use one of {', '.join(allowed)}")
    left, right = ordered_pair(a, b)
    return JudgmentRow(
        left_id=left,
        right_id=right,
        judgment=judgment,
        user=user,
        machine=machine,
        score=score,
        features=features or {},
        note=note,
        created_at=utcnow(),
    )


def add_judgment(
    session: Session,
    a: str,
    b: str,
    judgment: str,
    *,
    user: str,
    machine: bool = False,
    score: float | None = None,
    features: dict[str, Any] | None = None,
    note: str | None = None,
) -> Judgment:
    """Append one judgment to the history (the pair is stored ordered)."""
    row = _judgment_row(
        a, b, judgment, user=user, machine=machine, score=score, features=features, note=note
    )
    session.add(row)
    session.flush()
    return Judgment.from_row(row)


def add_machine_judgment(
    session: Session,
    a: str,
    b: str,
    judgment: str,
    *,
    score: float | None = None,
    features: dict[str, Any] | None = None,
    note: str | None = None,
) -> None:
    """Append a machine judgment without flushing (the machine pass writes thousands)."""
    session.add(
        _judgment_row(
            a,
            b,
            judgment,
            user=MACHINE_USER,
            machine=True,
            score=score,
            features=features,
            note=note,
        )
    )


def all_judgments(session: Session) -> list[Judgment]:
    rows = session.scalars(select(JudgmentRow).order_by(JudgmentRow.id))
    return [Judgment.from_row(row) for row in rows]


def judgments_for(session: Session, entity_ids: Sequence[str]) -> list[Judgment]:
    ids = list(entity_ids)
    rows = session.scalars(
        select(JudgmentRow)
        .where(JudgmentRow.left_id.in_(ids) | JudgmentRow.right_id.in_(ids))
        .order_by(JudgmentRow.id)
    )
    return [Judgment.from_row(row) for row in rows]


def effective_judgments(history: Iterable[Judgment]) -> dict[tuple[str, str], Judgment]:
    """Newest human judgment per pair, else newest machine one (withdrawals drop the pair)."""
    human: dict[tuple[str, str], Judgment] = {}
    machine: dict[tuple[str, str], Judgment] = {}
    for judgment in sorted(history, key=lambda j: j.id):
        (machine if judgment.machine else human)[judgment.pair] = judgment
    effective = {pair: j for pair, j in machine.items() if j.judgment != WITHDRAWN}
    effective.update(human)
    return effective


class _UnionFind:
    """Clusters with the sanctions lists their members come from (``lists``)."""

    def __init__(self, lists: Mapping[str, frozenset[str]]) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.lists: dict[str, set[str]] = {}
        self._entity_lists = lists

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if item not in self.members:
            self.members[item] = {item}
            self.lists[item] = set(self._entity_lists.get(item, ()))
        if parent == item:
            return item
        root = self.find(parent)
        self.parent[item] = root
        return root

    def shared_list(self, a: str, b: str) -> str | None:
        """A list both clusters hold an entry of (two entries are two designations)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        common = self.lists[ra] & self.lists[rb]
        return min(common) if common else None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.lists[ra] |= self.lists.pop(rb)


def _blocking_constraint(
    uf: _UnionFind, a: str, b: str, cannot: dict[str, dict[str, Judgment]]
) -> Judgment | None:
    """A ``not_same`` judgment that forbids joining the clusters of ``a`` and ``b``, if any."""
    ra, rb = uf.find(a), uf.find(b)
    small, other = (ra, rb) if len(uf.members[ra]) <= len(uf.members[rb]) else (rb, ra)
    for member in uf.members[small]:
        for opponent, judgment in cannot.get(member, {}).items():
            if uf.find(opponent) == other:
                return judgment
    return None


def _chain(edges: dict[str, set[str]], start: str, goal: str) -> list[str]:
    """Shortest path over accepted ``same`` edges (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in sorted(edges.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    if goal not in previous:
        return [start, goal]
    path: list[str] = []
    cursor: str | None = goal
    while cursor is not None:
        path.append(cursor)
        cursor = previous[cursor]
    return path[::-1]


def cluster(
    effective: dict[tuple[str, str], Judgment],
    lists: Mapping[str, frozenset[str]] | None = None,
    previous: Mapping[str, str] | None = None,
    born: Mapping[str, datetime] | None = None,
) -> Clustering:
    """Connected components of ``same`` edges that respect every ``not_same``.

    ``lists`` maps list entries to their sanctions lists: a machine edge never joins two entries
    of one list (a short form matching two designations must not chain them). ``previous`` (the
    last canonical id of each member) and ``born`` (when each canonical id was first used) keep
    canonical ids stable: see :func:`choose_canonical`.
    """
    human_cannot: dict[str, dict[str, Judgment]] = defaultdict(dict)
    any_cannot: dict[str, dict[str, Judgment]] = defaultdict(dict)
    for (a, b), judgment in effective.items():
        if judgment.judgment == NOT_SAME:
            for x, y in ((a, b), (b, a)):
                any_cannot[x][y] = judgment
                if not judgment.machine:
                    human_cannot[x][y] = judgment
    sames = [j for j in effective.values() if j.judgment == SAME]
    human = sorted((j for j in sames if not j.machine), key=lambda j: j.id)
    machine = sorted((j for j in sames if j.machine), key=lambda j: (-(j.score or 0.0), j.pair))
    uf = _UnionFind(lists or {})
    accepted: dict[str, set[str]] = defaultdict(set)
    result = Clustering()
    for judgment in human + machine:
        a, b = judgment.pair
        constraints = human_cannot if not judgment.machine else any_cannot
        blocker = _blocking_constraint(uf, a, b, constraints)
        if blocker is None and judgment.machine and uf.shared_list(a, b) is not None:
            result.overridden.append(judgment)
            result.list_conflicts += 1
            continue
        if blocker is None:
            uf.union(a, b)
            accepted[a].add(b)
            accepted[b].add(a)
            continue
        result.overridden.append(judgment)
        if not judgment.machine:
            result.contradictions.append(_contradiction(uf, accepted, judgment, blocker))
    for members in uf.members.values():
        if len(members) > 1:
            canonical, retired = choose_canonical(members, previous or {}, born or {})
            result.canonical.update({member: canonical for member in members})
            result.merged.update({old: canonical for old in retired})
    return result


_LONG_AGO = datetime.min


def _age_key(moment: datetime | None) -> datetime:
    """Naive UTC for comparison (SQLite returns naive datetimes, PostgreSQL aware ones)."""
    if moment is None:
        return _LONG_AGO
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def choose_canonical(
    members: set[str], previous: Mapping[str, str], born: Mapping[str, datetime]
) -> tuple[str, list[str]]:
    """The canonical id of a cluster, and the canonical ids it retires.

    A cluster keeps the canonical id it had when it grows or shrinks; when clusters merge, the
    oldest id survives (then the one of the larger cluster) and the others become members that
    still resolve to it. A cluster with no previous id takes its smallest member id.
    """
    held = {previous[m] for m in members if previous.get(m) in members}
    if not held:
        return min(members), []
    sizes = Counter(previous[m] for m in members if previous.get(m) in held)
    survivor = min(held, key=lambda c: (_age_key(born.get(c)), -sizes[c], c))
    return survivor, sorted(held - {survivor})


def _contradiction(
    uf: _UnionFind, accepted: dict[str, set[str]], same: Judgment, blocker: Judgment
) -> Contradiction:
    a, b = same.pair
    x, y = blocker.pair
    if uf.find(x) != uf.find(a):
        x, y = y, x
    chain = [*_chain(accepted, x, a), *_chain(accepted, b, y)]
    return Contradiction(same=same, not_same=blocker, chain=tuple(dict.fromkeys(chain)))


def recompute_canonical_ids(session: Session) -> Clustering:
    """Rebuild the ``canonical_ids`` table from the judgment history, keeping canonical ids."""
    effective = effective_judgments(all_judgments(session))
    previous = {
        entity_id: canonical
        for entity_id, canonical in session.execute(
            select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id)
        )
    }
    registry = {row.canonical_id: row for row in session.scalars(select(ClusterIdRow))}
    joined = {x for (a, b), j in effective.items() if j.judgment == SAME for x in (a, b)}
    clustering = cluster(
        effective,
        list_memberships(session, joined),
        previous,
        {c: row.created_at for c, row in registry.items()},
    )
    session.execute(delete(CanonicalIdRow))
    session.add_all(
        CanonicalIdRow(entity_id=entity_id, canonical_id=canonical)
        for entity_id, canonical in sorted(clustering.canonical.items())
    )
    _update_registry(session, registry, clustering)
    session.flush()
    return clustering


def list_memberships(session: Session, entity_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """The sanctions lists (statement origin ``list:<source>``) each entity is an entry of."""
    ids = sorted(set(entity_ids))
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(StatementRow.entity_id, StatementRow.dataset)
            .where(StatementRow.entity_id.in_(ids[start : start + 500]))
            .where(StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
            .distinct()
        )
        for entity_id, dataset in rows:
            found[entity_id].add(dataset)
    return {entity_id: frozenset(lists) for entity_id, lists in found.items()}


def _update_registry(
    session: Session, registry: dict[str, ClusterIdRow], clustering: Clustering
) -> None:
    """Record when each canonical id was first used and which merge retired it."""
    now = utcnow()
    current = set(clustering.canonical.values())
    for canonical in sorted(current):
        row = registry.get(canonical)
        if row is None:
            session.add(ClusterIdRow(canonical_id=canonical, created_at=now))
        elif row.retired_at is not None:
            row.retired_at, row.merged_into = None, None
    for canonical, row in registry.items():
        if canonical not in current and row.retired_at is None:
            row.retired_at = now
            row.merged_into = clustering.merged.get(canonical)


def contradictions(session: Session) -> list[Contradiction]:
    """Human judgments that contradict each other, as of now."""
    effective = effective_judgments(all_judgments(session))
    joined = {x for (a, b), j in effective.items() if j.judgment == SAME for x in (a, b)}
    return cluster(effective, list_memberships(session, joined)).contradictions
