"""Read-only views over the store: documents, entities with provenance, search, neighbourhoods.

Everything the API and the web pages show comes from here, so the JSON and the HTML agree. All
queries use bound parameters (search strings are data, never SQL) and every listing is paged.

The dataclasses below are also the API's response schemas (``/openapi.json`` publishes them
under these names): one definition for the pages, the JSON and the docs. Field descriptions
ride on ``Annotated[..., Field(description=...)]``; timestamps are made UTC when a view is
built (SQLite forgets the zone), so the pages and the JSON show the same instant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Annotated

from followthemoney import StatementEntity, model, registry
from followthemoney.schema import Schema
from pydantic import AfterValidator, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sanctionwatch.api import stages
from sanctionwatch.store.base import as_utc as stored_utc
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.search import (
    NAME_PROPS,
    document_condition,
    entities_named,
    like_pattern,
)
from sanctionwatch.store.statements import Statement, assemble_entity, statements_for_entities
from sanctionwatch.store.tables import VALUE_PREFIX_CHARS, DocumentRow, StatementRow, value_prefix

LIST_ORIGIN_PREFIX = "list:"
MAX_GRAPH_DEPTH = 3
MAX_GRAPH_NODES = 300


def as_utc(value: datetime | None) -> datetime | None:
    """A stored timestamp in UTC (:func:`sanctionwatch.store.base.as_utc`), or None."""
    return None if value is None else stored_utc(value)


UtcDatetime = Annotated[datetime, AfterValidator(stored_utc)]
"""A timestamp the API publishes in UTC (validated input is converted too)."""


class UnknownSchemaError(ValueError):
    """A schema name FollowTheMoney does not define."""


def schema_or_error(name: str) -> Schema:
    schema = model.get(name)
    if schema is None:
        raise UnknownSchemaError(f"unknown schema {name!r}; use a FollowTheMoney schema name")
    return schema


@lru_cache(maxsize=256)
def descendant_schemata(name: str) -> tuple[str, ...]:
    """``name`` and every schema extending it (an Organization query finds Companies)."""
    parent = schema_or_error(name)
    return tuple(sorted(s.name for s in model.schemata.values() if s.is_a(parent)))


REVERSE_NODE_PROPS = frozenset(
    {"entity", "addressEntity", "parent", "owner", "operator", "holder", "issuer", "involved"}
    | {"organizer", "bank", "organization", "subject", "object", "person", "relative"}
)
"""Entity-valued properties through which a page lists who points at an entity."""


@lru_cache(maxsize=1)
def reverse_links() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(schema, entity-valued props) pairs that can point at an entity: edge ends, Sanction
    targets and a few node links; each pair can use the (schema, prop) index."""
    pairs = []
    for schema in sorted(model.schemata.values(), key=lambda s: s.name):
        props = {
            prop.name
            for prop in schema.properties.values()
            if (
                prop.type == registry.entity
                and (
                    prop.name in (schema.edge_source, schema.edge_target) if schema.edge else False
                )
            )
            or (prop.type == registry.entity and prop.name in REVERSE_NODE_PROPS)
        }
        if props:
            pairs.append((schema.name, tuple(sorted(props))))
    return tuple(pairs)


def linking_to(session: Session, ids: Sequence[str]) -> set[str]:
    """Ids of entities with a statement whose value links to one of ``ids`` (edges, sanctions).

    Found through the web stage's value-prefix index alone (planners skip it when other value
    conditions are added), then kept when the value is the id and the (schema, property) is an
    entity link: values equal to an id are rare, so the check runs in Python.
    """
    if not ids:
        return set()
    links = {(schema, prop) for schema, props in reverse_links() for prop in props}
    found: set[str] = set()
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        targets = set(chunk)
        rows = session.execute(
            select(
                StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value
            ).where(value_prefix().in_(sorted({i[:VALUE_PREFIX_CHARS] for i in chunk})))
        )
        found.update(
            entity_id
            for entity_id, schema, prop, value in rows
            if value in targets and (schema, prop) in links
        )
    return found


def is_link_prop(schema_name: str, prop: str) -> bool:
    schema = model.get(schema_name)
    if schema is None or prop not in schema.properties:
        return False
    return schema.properties[prop].type == registry.entity


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str | None
    source: str
    url: str | None
    publisher: str | None
    published_at: str | None
    media_type: str
    byte_size: int
    ingested_at: UtcDatetime | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ingested_at", as_utc(self.ingested_at))


@dataclass(frozen=True)
class Mention:
    """A span of the cleaned text that names an entity (offsets in the cleaned text)."""

    start: Annotated[int, Field(description="Offset in the cleaned text.")]
    end: int
    original_start: Annotated[int, Field(description="Offset in the original text.")]
    original_end: int
    text: str
    entity_id: str
    caption: str
    schema: str
    prop: str


@dataclass(frozen=True)
class DocumentDetail:
    summary: DocumentSummary
    clean_text: str
    authors: list[str]
    date_kind: str | None
    previous_version_id: str | None
    mentions: list[Mention]
    statement_count: int


def _summary(row: DocumentRow) -> DocumentSummary:
    return DocumentSummary(
        id=row.id,
        title=row.title,
        source=row.source,
        url=row.url,
        publisher=row.publisher,
        published_at=row.published_at,
        media_type=row.media_type,
        byte_size=row.byte_size,
        ingested_at=row.ingested_at,
    )


def list_documents(
    session: Session, q: str | None, limit: int, offset: int
) -> tuple[list[DocumentSummary], int]:
    query = select(DocumentRow)
    if q:
        pattern = like_pattern(q.lower())
        query = query.where(
            or_(
                func.lower(DocumentRow.title).like(pattern, escape="\\"),
                func.lower(DocumentRow.source).like(pattern, escape="\\"),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(DocumentRow.published_at.desc(), DocumentRow.id).limit(limit).offset(offset)
    )
    return [_summary(row) for row in rows], total


def document_titles(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(DocumentRow.id, DocumentRow.title, DocumentRow.source).where(
            DocumentRow.id.in_(wanted)
        )
    )
    return {doc_id: title or source for doc_id, title, source in rows}


def get_document(session: Session, document_id: str) -> DocumentDetail | None:
    row = session.get(DocumentRow, document_id)
    if row is None:
        return None
    statements = [
        Statement.from_row(r)
        for r in session.scalars(select(StatementRow).where(StatementRow.document_id == row.id))
    ]
    offsets = (
        OffsetMap(row.offset_map) if row.offset_map else OffsetMap.identity(len(row.clean_text))
    )
    return DocumentDetail(
        summary=_summary(row),
        clean_text=row.clean_text,
        authors=list(row.authors or []),
        date_kind=row.date_kind,
        previous_version_id=row.previous_version_id,
        mentions=_mentions(session, statements, offsets, row.clean_text),
        statement_count=len(statements),
    )


def _mentions(
    session: Session, statements: Sequence[Statement], offsets: OffsetMap, clean_text: str
) -> list[Mention]:
    """Name statements with spans, mapped into the cleaned text, longest first without overlaps."""
    candidates: list[tuple[int, int, Statement]] = []
    for stmt in statements:
        if stmt.start is None or stmt.end is None or stmt.prop not in NAME_PROPS:
            continue
        start = offsets.to_clean(stmt.start)
        last = offsets.to_clean(stmt.end - 1) if stmt.end > stmt.start else None
        if start is None or last is None or last < start:
            continue
        candidates.append((start, last + 1, stmt))
    captions = entity_captions(session, {c[2].entity_id for c in candidates})
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    for start, end, stmt in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        mentions.append(
            Mention(
                start=start,
                end=end,
                original_start=stmt.start or 0,
                original_end=stmt.end or 0,
                text=clean_text[start:end],
                entity_id=stmt.entity_id,
                caption=captions.get(stmt.entity_id, stmt.value),
                schema=stmt.schema,
                prop=stmt.prop,
            )
        )
    return sorted(mentions, key=lambda m: m.start)


# ---------------------------------------------------------------- entities


@dataclass(frozen=True)
class Fact:
    """One statement as an analyst reads it: value, and where and by what it was read."""

    prop: str
    label: str
    value: str
    display: str
    linked_entity_id: str | None
    dataset: str
    origin: str
    origin_version: str
    document_id: str | None
    document_title: str | None
    start: int | None
    end: int | None
    sentence: str | None
    confidence: float
    first_seen: UtcDatetime | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "first_seen", as_utc(self.first_seen))


@dataclass(frozen=True)
class EntitySummary:
    id: str
    schema: str
    caption: str
    datasets: list[str]
    designated: bool
    countries: list[str]


@dataclass(frozen=True)
class Relation:
    """An edge entity (Ownership, Directorship, ...) seen from one of its ends."""

    id: str
    schema: str
    label: str
    direction: str
    """``out`` when the viewed entity is the edge's source, else ``in``."""
    other_id: str
    other_caption: str
    other_designated: bool
    facts: list[Fact]


@dataclass(frozen=True)
class Sanction:
    id: str
    dataset: str
    authority: list[str]
    program: list[str]
    reason: list[str]
    start_date: list[str]
    source_url: list[str]
    facts: list[Fact]


@dataclass(frozen=True)
class DocumentRef:
    id: str
    title: str


@dataclass(frozen=True)
class EntityDetail:
    summary: EntitySummary
    members: list[str]
    properties: dict[str, list[str]]
    facts: list[Fact]
    relations: list[Relation]
    sanctions: list[Sanction]
    documents: list[DocumentRef]


@dataclass(frozen=True)
class EntityView:
    """What the entity page works from: the facts plus the assembled FtM entity."""

    summary: EntitySummary
    members: list[str]
    facts: list[Fact]
    relations: list[Relation]
    sanctions: list[Sanction]
    documents: list[tuple[str, str]]
    entity: StatementEntity

    def detail(self) -> EntityDetail:
        """The API's form: FtM properties instead of the entity, documents as objects."""
        return EntityDetail(
            summary=self.summary,
            members=self.members,
            properties=self.entity.to_dict()["properties"],
            facts=self.facts,
            relations=self.relations,
            sanctions=self.sanctions,
            documents=[DocumentRef(id=d, title=t) for d, t in self.documents],
        )


def _assemble(entity_id: str, statements: Sequence[Statement]) -> StatementEntity:
    return assemble_entity(list(statements), entity_id)


def _is_designated(statements: Sequence[Statement]) -> bool:
    return any(
        s.origin.startswith(LIST_ORIGIN_PREFIX) or (s.prop == "topics" and s.value == "sanction")
        for s in statements
    )


def _group(statements: Iterable[Statement]) -> dict[str, list[Statement]]:
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for stmt in statements:
        grouped[stmt.entity_id].append(stmt)
    return grouped


def summarise(entity_id: str, statements: Sequence[Statement]) -> EntitySummary:
    entity = _assemble(entity_id, statements)
    return EntitySummary(
        id=entity_id,
        schema=entity.schema.name,
        caption=entity.caption,
        datasets=sorted({s.dataset for s in statements}),
        designated=_is_designated(statements),
        countries=sorted(entity.get_type_values(registry.country)),
    )


def entity_captions(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    grouped = _group(statements_for_entities(session, wanted))
    return {eid: _assemble(eid, stmts).caption for eid, stmts in grouped.items()}


def entity_summaries(session: Session, ids: Iterable[str]) -> dict[str, EntitySummary]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    grouped = _group(statements_for_entities(session, wanted))
    return {eid: summarise(eid, stmts) for eid, stmts in grouped.items()}


def cluster_summaries(session: Session, ids: Iterable[str]) -> dict[str, EntitySummary]:
    """Summaries of the clusters of ``ids``, keyed by each given id (caption over all members)."""
    canonical = stages.canonical_ids(session, ids)
    clusters = stages.members_of(session, set(canonical.values()))
    all_members = {member for members in clusters.values() for member in members}
    grouped = _group(statements_for_entities(session, sorted(all_members)))
    by_cluster: dict[str, EntitySummary] = {}
    for root, members in clusters.items():
        statements = [s for member in members for s in grouped.get(member, [])]
        if statements:
            by_cluster[root] = summarise(root, statements)
    return {eid: by_cluster[root] for eid, root in canonical.items() if root in by_cluster}


def list_entities(
    session: Session,
    schema: str | None,
    q: str | None,
    limit: int,
    offset: int,
    dataset: str | None = None,
) -> tuple[list[EntitySummary], int]:
    """Entities of ``schema`` (default: every Thing) whose names contain ``q``, paged."""
    schemata = descendant_schemata(schema or "Thing")
    if q:  # through the trigram name index (store/search.py); paged in Python
        matching = entities_named(session, q, schemata, dataset)
        total, ids = len(matching), matching[offset : offset + limit]
    else:
        query = select(StatementRow.entity_id).where(StatementRow.schema.in_(schemata))
        if dataset:
            query = query.where(StatementRow.dataset == dataset)
        ids_query = query.distinct()
        total = session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
        page = ids_query.order_by(StatementRow.entity_id).limit(limit).offset(offset)
        ids = list(session.scalars(page))
    summaries = cluster_summaries(session, ids)
    unique: dict[str, EntitySummary] = {}
    for entity_id in ids:
        if entity_id in summaries:
            unique.setdefault(summaries[entity_id].id, summaries[entity_id])
    return list(unique.values()), total


def _facts(
    statements: Sequence[Statement], titles: dict[str, str], captions: dict[str, str]
) -> list[Fact]:
    facts: list[Fact] = []
    seen: set[tuple[object, ...]] = set()
    for stmt in statements:
        key = (stmt.prop, stmt.value, stmt.dataset, stmt.origin, stmt.document_id, stmt.start)
        if key in seen:  # the same fact read twice from one source shows once
            continue
        seen.add(key)
        schema = model.get(stmt.schema)
        prop = schema.properties.get(stmt.prop) if schema is not None else None
        if prop is None or (prop.hidden and stmt.prop != "indexText"):
            continue
        linked = stmt.value if prop.type == registry.entity else None
        facts.append(
            Fact(
                prop=stmt.prop,
                label=prop.label,
                value=stmt.value,
                display=captions.get(stmt.value, stmt.value) if linked else stmt.value,
                linked_entity_id=linked,
                dataset=stmt.dataset,
                origin=stmt.origin,
                origin_version=stmt.origin_version,
                document_id=stmt.document_id,
                document_title=titles.get(stmt.document_id) if stmt.document_id else None,
                start=stmt.start,
                end=stmt.end,
                sentence=stmt.sentence,
                confidence=stmt.confidence,
                first_seen=stmt.first_seen,
            )
        )
    order = {name: i for i, name in enumerate(("name", "alias", "weakAlias", "previousName"))}
    return sorted(facts, key=lambda f: (order.get(f.prop, 99), f.label, f.value))


def _referencing(session: Session, ids: Sequence[str]) -> dict[str, list[Statement]]:
    """Statements of other entities that point at ``ids`` (edges, sanctions), by their entity."""
    if not ids:
        return {}
    referrers = sorted(linking_to(session, ids) - set(ids))
    return dict(_group(statements_for_entities(session, referrers))) if referrers else {}


def get_entity(session: Session, entity_id: str) -> EntityView | None:
    """An entity with every fact's provenance, its relations and the designations against it."""
    members = stages.cluster_members(session, entity_id)
    entity_id = members[0]
    statements = statements_for_entities(session, members)
    if not statements:
        return None
    entity = _assemble(entity_id, statements)
    member_set = set(members)
    referrers = _referencing(session, members)
    linked = {s.value for s in statements if is_link_prop(s.schema, s.prop)}
    for stmts in referrers.values():
        linked.update(s.value for s in stmts if is_link_prop(s.schema, s.prop))
    summaries = cluster_summaries(session, (linked | set(referrers)) - member_set)
    member_set |= {eid for eid, summary in summaries.items() if summary.id == entity_id}
    captions = {eid: s.caption for eid, s in summaries.items()}
    doc_ids = {s.document_id for s in statements if s.document_id}
    for stmts in referrers.values():
        doc_ids.update(s.document_id for s in stmts if s.document_id)
    titles = document_titles(session, doc_ids)
    relations, sanctions = _edges(entity_id, member_set, referrers, summaries, titles, captions)
    return EntityView(
        summary=summarise(entity_id, statements),
        members=members,
        facts=_facts(statements, titles, captions),
        relations=relations,
        sanctions=sanctions,
        documents=sorted(
            ((d, titles.get(d, d)) for d in {s.document_id for s in statements if s.document_id}),
            key=lambda pair: pair[1],
        ),
        entity=entity,
    )


def _edges(
    entity_id: str,
    members: set[str],
    referrers: dict[str, list[Statement]],
    summaries: dict[str, EntitySummary],
    titles: dict[str, str],
    captions: dict[str, str],
) -> tuple[list[Relation], list[Sanction]]:
    relations: list[Relation] = []
    sanctions: list[Sanction] = []
    for ref_id, stmts in sorted(referrers.items()):
        ref = _assemble(ref_id, stmts)
        facts = _facts(stmts, titles, captions)
        if ref.schema.is_a("Sanction"):
            sanctions.append(_sanction(ref, stmts, facts))
            continue
        for direction, other_id, label in _edge_ends(ref, members):
            other = summaries.get(other_id)
            relations.append(
                Relation(
                    id=ref_id,
                    schema=ref.schema.name,
                    label=label,
                    direction=direction,
                    other_id=other.id if other else other_id,
                    other_caption=other.caption if other else other_id,
                    other_designated=other.designated if other else False,
                    facts=[f for f in facts if f.linked_entity_id is None],
                )
            )
    return relations, sanctions


def _edge_ends(edge: StatementEntity, members: set[str]) -> list[tuple[str, str, str]]:
    """(direction, other end, label) for each way ``edge`` touches the viewed cluster."""
    schema = edge.schema
    if schema.edge and schema.edge_source and schema.edge_target:
        sources = edge.get(schema.edge_source)
        targets = edge.get(schema.edge_target)
        label = schema.edge_label or schema.label
        ends = [("out", t, label) for s in sources if s in members for t in targets]
        ends += [("in", s, label) for t in targets if t in members for s in sources]
        return [e for e in ends if e[1] not in members]
    ends = []
    for prop in schema.properties.values():
        if prop.type == registry.entity and not set(edge.get(prop)).isdisjoint(members):
            ends.append(("in", edge.id or "", f"{schema.label}: {prop.label}"))
    return ends


def _sanction(ref: StatementEntity, stmts: Sequence[Statement], facts: list[Fact]) -> Sanction:
    return Sanction(
        id=ref.id or "",
        dataset=stmts[0].dataset,
        authority=ref.get("authority"),
        program=ref.get("program") + ref.get("programId"),
        reason=ref.get("reason"),
        start_date=ref.get("startDate") + ref.get("listingDate"),
        source_url=ref.get("sourceUrl"),
        facts=[f for f in facts if f.linked_entity_id is None],
    )


# ---------------------------------------------------------------- relations and graph


@dataclass(frozen=True)
class GraphNode:
    id: str
    caption: str
    schema: str
    designated: bool
    flagged: bool


@dataclass(frozen=True)
class GraphEdge:
    id: str
    source: str
    target: str
    label: str
    schema: str
    flagged: bool


@dataclass(frozen=True)
class Graph:
    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


def _edge_pairs(edge: StatementEntity) -> list[tuple[str, str, str]]:
    schema = edge.schema
    if schema.edge and schema.edge_source and schema.edge_target:
        label = schema.edge_label or schema.label
        targets = edge.get(schema.edge_target)
        return [(s, t, label) for s in edge.get(schema.edge_source) for t in targets]
    return []


def list_relations(
    session: Session, schema: str | None, entity_id: str | None, limit: int, offset: int
) -> tuple[list[tuple[StatementEntity, list[Statement]]], int]:
    """Edge entities (Ownership, Directorship, UnknownLink, ...), optionally touching one entity."""
    edge_schemata = [
        s.name for s in model.schemata.values() if s.edge and (schema is None or s.is_a(schema))
    ]
    if schema is not None:
        schema_or_error(schema)
    query = select(StatementRow.entity_id).where(StatementRow.schema.in_(edge_schemata))
    if entity_id:
        members = stages.cluster_members(session, entity_id)
        query = query.where(StatementRow.entity_id.in_(sorted(linking_to(session, members))))
    ids_query = query.distinct()
    total = session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
    ids = list(
        session.scalars(ids_query.order_by(StatementRow.entity_id).limit(limit).offset(offset))
    )
    grouped = _group(statements_for_entities(session, ids))
    return [(_assemble(i, grouped[i]), grouped[i]) for i in ids if i in grouped], total


def neighbourhood(
    session: Session,
    entity_id: str,
    depth: int,
    flagged_links: set[tuple[str, str]] | None = None,
    flagged_nodes: set[str] | None = None,
) -> Graph | None:
    """Clusters within ``depth`` links of ``entity_id`` (the resolve stage's graph query).

    Sanction entities are not drawn as nodes: they mark their targets as designated.
    """
    depth = max(1, min(depth, MAX_GRAPH_DEPTH))
    flagged_links = flagged_links or set()
    flagged_nodes = flagged_nodes or set()
    if not statements_for_entities(session, stages.cluster_members(session, entity_id)):
        return None
    root, hops, links = stages.neighbourhood_links(session, entity_id, depth)
    truncated = len(hops) > MAX_GRAPH_NODES
    kept_ids = set(sorted(hops, key=lambda n: (hops[n], n))[:MAX_GRAPH_NODES]) | {root}
    summaries = cluster_summaries(session, kept_ids)
    sanction_schemata = set(descendant_schemata("Sanction"))
    sanctions = {n for n in kept_ids if n in summaries and summaries[n].schema in sanction_schemata}
    designated = {link.target for link in links if link.source in sanctions}
    edges: list[GraphEdge] = []
    for link in links:
        if link.source not in kept_ids or link.target not in kept_ids or link.source in sanctions:
            continue
        flagged = (link.source, link.target) in flagged_links or (
            link.target,
            link.source,
        ) in flagged_links
        label, schema = _link_label(link.kind)
        edges.append(GraphEdge(link.link_id, link.source, link.target, label, schema, flagged))
    nodes = [
        GraphNode(
            id=node_id,
            caption=summaries[node_id].caption if node_id in summaries else node_id,
            schema=summaries[node_id].schema if node_id in summaries else "Thing",
            designated=node_id in designated
            or (node_id in summaries and summaries[node_id].designated),
            flagged=node_id in flagged_nodes,
        )
        for node_id in sorted(kept_ids - sanctions)
    ]
    return Graph(root=root, nodes=nodes, edges=edges, truncated=truncated)


def _link_label(kind: str) -> tuple[str, str]:
    """Human label and schema of a link kind (``Ownership`` or ``Sanction.entity``)."""
    schema_name, _, prop_name = kind.partition(".")
    schema = model.get(schema_name)
    if schema is None:
        return kind, "Thing"
    if prop_name and prop_name in schema.properties:
        return schema.properties[prop_name].label, schema.name
    return schema.edge_label or schema.label, schema.name


def _designated_ids(session: Session, ids: set[str]) -> set[str]:
    """Entities that come from a sanctions list or that a Sanction entity points at."""
    if not ids:
        return set()
    wanted = sorted(ids)
    listed = set(
        session.scalars(
            select(StatementRow.entity_id)
            .where(
                StatementRow.entity_id.in_(wanted),
                StatementRow.origin.like(f"{LIST_ORIGIN_PREFIX}%"),
            )
            .distinct()
        )
    )
    sanctioned = set(
        session.scalars(
            select(StatementRow.value)
            .where(
                StatementRow.schema.in_(descendant_schemata("Sanction")),
                StatementRow.prop == "entity",
                StatementRow.value.in_(wanted),
            )
            .distinct()
        )
    )
    return listed | sanctioned


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class SearchHit:
    document: DocumentSummary
    snippet: str


def search(
    session: Session, q: str, limit: int, offset: int
) -> tuple[list[EntitySummary], int, list[SearchHit], int]:
    """Entities whose names contain ``q`` and documents whose text contains it."""
    entities, entity_total = list_entities(session, None, q, limit, offset)
    doc_query = select(DocumentRow).where(document_condition(session, q))
    doc_total = session.scalar(select(func.count()).select_from(doc_query.subquery())) or 0
    hits = [
        SearchHit(_summary(row), _snippet(row.clean_text, q))
        for row in session.scalars(doc_query.order_by(DocumentRow.id).limit(limit).offset(offset))
    ]
    return entities, entity_total, hits, doc_total


def _snippet(text: str, q: str, width: int = 90) -> str:
    at = text.lower().find(q.lower())
    if at < 0:
        return text[: 2 * width]
    start = max(0, at - width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if at + len(q) + width < len(text) else ""
    return prefix + text[start : at + len(q) + width] + suffix
