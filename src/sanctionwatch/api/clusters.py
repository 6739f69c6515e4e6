"""Resolved entities as an analyst reads them: one row per cluster the reports mention.

The extract stage stores one entity per mention group of a document; resolution joins them with
each other and with list entries into clusters (``canonical_ids``). This read model turns a
cluster into one row: its canonical id, the best name the reports use, its other names, how
often and where it is mentioned, whether a resolved list entry designates it, how many list
entries screening matched it to, and how many open red flags name it. ``sanctionwatch entities``
and ``sanctionwatch entity`` print it; it reads each later stage's tables through their own
modules and answers neutrally when a stage has not run (no matches, no flags yet).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.api import stages
from sanctionwatch.extract.entities import DATASET, ORIGIN, STORED_AS
from sanctionwatch.flags.tables import FlagRow
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store.schemata import common_schema_name
from sanctionwatch.store.statements import Statement, statements_for_entities
from sanctionwatch.store.tables import DocumentRow, StatementRow

MENTION_ORIGIN = ORIGIN
DOCUMENTS_DATASET = DATASET
LIST_ORIGIN_PREFIX = "list:"
MENTION_NAME_PROPS = ("name", "full")
OTHER_NAME_PROPS = ("name", "alias", "previousName", "full")
SHOWN_AS = {stored: shown for shown, stored in STORED_AS.items()}
"""Extraction stores places and instruments as Address and Document; shown as it names them."""
CHUNK = 500


@dataclass
class ClusterMember:
    """One entity of a cluster and where it comes from (reports or a sanctions list)."""

    id: str
    schema: str
    name: str
    source: str
    """``report`` for an extracted mention group, ``list:<source id>`` for a list entry,
    ``human:...`` or the dataset for anything else."""
    mentions: int = 0
    document_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ClusterRow:
    """One resolved entity (a cluster of mentions and list entries) with its counts."""

    id: str
    schema: str
    name: str
    other_names: list[str]
    members: list[ClusterMember]
    mentions: int
    document_ids: list[str]
    listed: list[str]
    """Sources of the list entries resolved into the cluster (designated on them)."""
    matches: list[str]
    """List entity ids screening matched a member to, outside the cluster itself."""
    flags: list[str]
    """Ids of the active red flags that name the cluster."""

    @property
    def documents(self) -> int:
        return len(self.document_ids)

    def as_dict(self) -> dict[str, Any]:
        """The JSON line of ``sanctionwatch entities`` (``caption`` kept for older readers)."""
        return {
            "id": self.id,
            "schema": self.schema,
            "name": self.name,
            "caption": self.name,
            "other_names": self.other_names,
            "member_ids": [member.id for member in self.members],
            "members": len(self.members),
            "mentions": self.mentions,
            "documents": self.documents,
            "document_ids": self.document_ids,
            "listed": self.listed,
            "matches": len(self.matches),
            "match_ids": self.matches,
            "flags": len(self.flags),
            "flag_ids": self.flags,
        }


def shown_schema(schema: str) -> str:
    return SHOWN_AS.get(schema, schema)


def stored_schemata(schema: str) -> tuple[str, ...]:
    """The stored schemata a ``--schema`` filter means ("Place" is stored as Address; an
    Organization filter finds Companies too)."""
    aliases = {shown.casefold(): stored for shown, stored in STORED_AS.items()}
    aliases["instrument"] = STORED_AS["LegalInstrument"]
    name = aliases.get(schema.casefold(), schema)
    found = model.get(name)
    if found is None:
        return (name,)
    return tuple(sorted(s.name for s in model.schemata.values() if s.is_a(found)))


def _common_schema(names: Iterable[str]) -> str:
    """The most specific schema every member fits, whatever order the members come in."""
    return common_schema_name(sorted(set(names)))


def _mention_ids(
    session: Session, schemata: Sequence[str] | None, document: str | None
) -> dict[str, int]:
    """Extracted entity id -> name mentions, for the entities the filters keep."""
    query = select(StatementRow.entity_id).where(
        StatementRow.origin == MENTION_ORIGIN, StatementRow.prop.in_(MENTION_NAME_PROPS)
    )
    if document:
        query = query.where(StatementRow.document_id.startswith(document))
    counts: Counter[str] = Counter(session.scalars(query))
    if schemata is None:
        return dict(counts)
    kept: set[str] = set()
    ids = sorted(counts)
    for start in range(0, len(ids), CHUNK):
        kept.update(
            session.scalars(
                select(StatementRow.entity_id)
                .where(StatementRow.entity_id.in_(ids[start : start + CHUNK]))
                .where(StatementRow.schema.in_(schemata))
                .distinct()
            )
        )
    return {entity_id: count for entity_id, count in counts.items() if entity_id in kept}


def _clusters_of(session: Session, entity_ids: Iterable[str]) -> dict[str, list[str]]:
    """Canonical id -> every member (canonical first) for the clusters of ``entity_ids``."""
    canonical = stages.canonical_ids(session, entity_ids)
    return stages.members_of(session, set(canonical.values()))


def _member_source(statements: Sequence[Statement]) -> str:
    origins = {s.origin for s in statements}
    if MENTION_ORIGIN in origins or any(s.dataset == DOCUMENTS_DATASET for s in statements):
        return "report"
    listed = sorted(o for o in origins if o.startswith(LIST_ORIGIN_PREFIX))
    if listed:
        return listed[0]
    return sorted(origins)[0] if origins else "unknown"


def _best_name(members: Sequence[ClusterMember], statements: Sequence[Statement]) -> str:
    """The fullest name the reports use (most words, then most mentions); a list entry's name
    when no report names the cluster. "Rungrado" mentioned five times still shows as "Korea
    Rungrado General Trading Corporation" when one report spells it out."""
    reported = Counter(
        s.value
        for s in statements
        if s.origin == MENTION_ORIGIN and s.prop in MENTION_NAME_PROPS and s.value.strip()
    )
    if reported:
        return min(reported, key=lambda n: (-len(n.split()), -reported[n], n))
    names = [m.name for m in members if m.name]
    return names[0] if names else members[0].id


def _other_names(best: str, statements: Sequence[Statement]) -> list[str]:
    seen = {" ".join(best.casefold().split())}
    names: list[str] = []
    for statement in sorted(statements, key=lambda s: (s.dataset != DOCUMENTS_DATASET, s.value)):
        if statement.prop not in OTHER_NAME_PROPS:
            continue
        key = " ".join(statement.value.casefold().split())
        if key and key not in seen:
            seen.add(key)
            names.append(statement.value)
    return names


def _member(entity_id: str, statements: Sequence[Statement]) -> ClusterMember:
    names = [s.value for s in statements if s.prop in MENTION_NAME_PROPS]
    mentions = sum(
        1 for s in statements if s.origin == MENTION_ORIGIN and s.prop in MENTION_NAME_PROPS
    )
    return ClusterMember(
        id=entity_id,
        schema=shown_schema(_common_schema(s.schema for s in statements)),
        name=min(names, key=lambda n: (-len(n.split()), n)) if names else entity_id,
        source=_member_source(statements),
        mentions=mentions,
        document_ids=sorted({s.document_id for s in statements if s.document_id}),
    )


def _screening_matches(session: Session, member_ids: Sequence[str]) -> dict[str, set[str]]:
    """Member id -> list entity ids screening stored a match with."""
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(member_ids), CHUNK):
        rows = session.execute(
            select(ScreenMatchRow.graph_entity_id, ScreenMatchRow.list_entity_id).where(
                ScreenMatchRow.graph_entity_id.in_(member_ids[start : start + CHUNK])
            )
        )
        for graph_id, list_id in rows:
            found[graph_id].add(list_id)
    return found


def _active_flags(session: Session) -> dict[str, list[str]]:
    """Entity id (canonical when the flags ran) -> ids of the active flags naming it."""
    by_entity: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(select(FlagRow.id, FlagRow.entity_ids).where(FlagRow.active))
    for flag, entity_ids in rows:
        for entity_id in entity_ids or []:
            by_entity[entity_id].append(flag)
    return by_entity


def _report_documents(members: Sequence[ClusterMember]) -> list[str]:
    return sorted({d for m in members if m.source == "report" for d in m.document_ids})


def build_rows(session: Session, clusters: dict[str, list[str]]) -> list[ClusterRow]:
    """One :class:`ClusterRow` per cluster (canonical id -> members)."""
    all_members = sorted({m for members in clusters.values() for m in members})
    statements: dict[str, list[Statement]] = defaultdict(list)
    for start in range(0, len(all_members), CHUNK):
        for statement in statements_for_entities(session, all_members[start : start + CHUNK]):
            statements[statement.entity_id].append(statement)
    matches = _screening_matches(session, all_members)
    flags = _active_flags(session)
    rows = []
    for root, member_ids in clusters.items():
        present = [m for m in member_ids if statements.get(m)]
        if not present:
            continue
        members = [_member(m, statements[m]) for m in present]
        cluster_statements = [s for m in present for s in statements[m]]
        best = _best_name(members, cluster_statements)
        matched = {list_id for m in present for list_id in matches.get(m, set())}
        rows.append(
            ClusterRow(
                id=root,
                schema=shown_schema(_common_schema(s.schema for s in cluster_statements)),
                name=best,
                other_names=_other_names(best, cluster_statements),
                members=members,
                mentions=sum(m.mentions for m in members),
                document_ids=_report_documents(members),
                listed=sorted(
                    {
                        m.source.removeprefix(LIST_ORIGIN_PREFIX)
                        for m in members
                        if m.source.startswith(LIST_ORIGIN_PREFIX)
                    }
                ),
                matches=sorted(matched - set(member_ids)),
                flags=sorted({f for m in {root, *member_ids} for f in flags.get(m, [])}),
            )
        )
    return rows


def list_clusters(
    session: Session,
    *,
    schema: str | None = None,
    document: str | None = None,
    limit: int | None = 50,
) -> list[ClusterRow]:
    """Resolved entities the reports mention, most mentioned first (then by name).

    ``schema`` keeps clusters with a member of that schema (or a schema extending it);
    ``document`` (an id or id prefix) keeps clusters mentioned in that document.
    """
    schemata = stored_schemata(schema) if schema else None
    mention_counts = _mention_ids(session, schemata, document)
    clusters = _clusters_of(session, mention_counts)
    rows = build_rows(session, clusters)
    rows.sort(key=lambda r: (-r.mentions, r.name.casefold(), r.id))
    return rows[:limit] if limit is not None else rows


def cluster(session: Session, entity_id: str) -> ClusterRow | None:
    """The cluster ``entity_id`` belongs to (a canonical id or any member id)."""
    members = stages.cluster_members(session, entity_id)
    rows = build_rows(session, {members[0]: members})
    return rows[0] if rows else None


def cluster_statements(session: Session, row: ClusterRow) -> list[Statement]:
    """Every statement of every member, names first, then by property and position."""
    found = statements_for_entities(session, [member.id for member in row.members])
    return sorted(
        found,
        key=lambda s: (
            s.prop not in OTHER_NAME_PROPS,
            s.prop,
            s.dataset != DOCUMENTS_DATASET,
            s.document_id or "",
            s.start or 0,
            s.entity_id,
        ),
    )


def document_titles(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    titles: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(DocumentRow.id, DocumentRow.title, DocumentRow.source).where(
                DocumentRow.id.in_(wanted[start : start + CHUNK])
            )
        )
        titles.update({doc_id: title or source for doc_id, title, source in rows})
    return titles
