"""The one place where the API and web app call other stages' Python APIs.

Views never re-implement a stage: they ask it here. Each function states the contract the views
rely on; where a stage does not exist yet (flags), the function gives the neutral answer so
pages still render.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch import resolve
from sanctionwatch.extract.claimkit import series as claimkit_series
from sanctionwatch.extract.claimkit.model import Claim
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import IngestOutcome, ingest_bytes
from sanctionwatch.ingest.formats import media_type_for
from sanctionwatch.resolve import resolver as resolve_resolver
from sanctionwatch.resolve.tables import CanonicalIdRow
from sanctionwatch.screen.lists.tables import ListVersionRow
from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

log = logging.getLogger("sanctionwatch.api")


def cluster_members(session: Session, entity_id: str) -> list[str]:
    """Every entity id merged with ``entity_id`` (the resolve stage's clusters), canonical first."""
    root = resolve.canonical_id(session, entity_id)
    others = [member for member in resolve.members(session, root) if member != root]
    return [root, *others]


def canonical_id(session: Session, entity_id: str) -> str:
    """The id that names ``entity_id``'s cluster (stable across re-runs)."""
    return resolve.canonical_id(session, entity_id)


def canonical_ids(session: Session, entity_ids: Iterable[str]) -> dict[str, str]:
    """Cluster ids of many entities at once (entities standing alone map to themselves)."""
    wanted = sorted(set(entity_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id).where(
                CanonicalIdRow.entity_id.in_(chunk)
            )
        )
        found.update({entity_id: canonical for entity_id, canonical in rows})
    return {entity_id: found.get(entity_id, entity_id) for entity_id in wanted}


def members_of(session: Session, canonicals: Iterable[str]) -> dict[str, list[str]]:
    """The member ids of many clusters at once (canonical id first)."""
    wanted = sorted(set(canonicals))
    found: dict[str, set[str]] = {canonical: {canonical} for canonical in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(CanonicalIdRow.canonical_id, CanonicalIdRow.entity_id).where(
                CanonicalIdRow.canonical_id.in_(chunk)
            )
        )
        for canonical, member in rows:
            found[canonical].add(member)
    return {c: [c, *sorted(m - {c})] for c, m in found.items()}


@dataclass(frozen=True)
class GraphLink:
    """One edge of a neighbourhood between two clusters: the link entity and its kind."""

    link_id: str
    kind: str
    source: str
    target: str


def neighbourhood_links(
    session: Session, entity_id: str, depth: int
) -> tuple[str, dict[str, int], list[GraphLink]]:
    """The resolve stage's neighbourhood: start cluster, nodes with hop counts, links."""
    hood = resolve.neighbours(session, entity_id, depth)
    links = [GraphLink(e.link_id, e.kind, e.source, e.target) for e in hood.edges]
    return hood.start, dict(hood.nodes), links


JUDGMENTS = ("same", "not_same", "unsure")


def record_judgment(
    session: Session, left: str, right: str, judgment: str, user: str, note: str | None
) -> resolve_resolver.Decision:
    """An analyst's judgment on a pair (the resolve stage re-clusters)."""
    return resolve_resolver.judge(session, left, right, judgment, user=user, note=note)


@dataclass(frozen=True)
class ClaimPoint:
    """One estimate of a measure, with who said it, when it was true, and where it was read."""

    claim_id: str
    measure: str
    measure_label: str
    value: float
    value_low: float | None
    value_high: float | None
    unit: str | None
    qualifier: str | None
    as_of: str | None
    as_of_kind: str | None
    subject_id: str | None
    subject: str | None
    asserter: str | None
    document_id: str | None
    document_title: str | None
    sentence: str | None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    conflicting: bool = False
    as_of_phrase: str | None = None
    as_of_rule: str | None = None
    as_of_note: str | None = None


@dataclass(frozen=True)
class ClaimSeries:
    """All estimates of one measure (e.g. DPRK workers in Russia), ordered by as-of date."""

    key: str
    measure: str
    subject: str | None
    unit: str | None
    status: str
    points: list[ClaimPoint] = field(default_factory=list)

    @property
    def has_conflicts(self) -> bool:
        return any(point.conflicting for point in self.points)


def _point(claim: Claim, title: str | None, conflicting: set[str]) -> ClaimPoint:
    return ClaimPoint(
        claim_id=claim.id,
        measure=claim.measure,
        measure_label=claim.measure_label,
        value=claim.value,
        value_low=claim.value_low,
        value_high=claim.value_high,
        unit=claim.unit,
        qualifier=claim.qualifier,
        as_of=claim.as_of,
        as_of_kind=claim.as_of_kind,
        subject_id=claim.subject_entity_id,
        subject=claim.subject_name,
        asserter=claim.asserted_by,
        document_id=claim.document_id,
        document_title=title,
        sentence=claim.sentence,
        text=claim.text,
        start=claim.start,
        end=claim.end,
        conflicting=claim.id in conflicting,
        as_of_phrase=claim.as_of_phrase,
        as_of_rule=claim.as_of_rule,
        as_of_note=claim.as_of_note,
    )


def list_claim_series(session: Session, entity_id: str | None = None) -> list[ClaimSeries]:
    """Every claim series of the claims stage (optionally those about one entity's cluster)."""
    wanted = set(cluster_members(session, entity_id)) if entity_id else None
    result = []
    for series in claimkit_series.claim_series(session):
        claims = [e.claim for e in series.estimates]
        if wanted is not None and not any(
            c.subject_entity_id in wanted or c.asserter_entity_id in wanted for c in claims
        ):
            continue
        conflicting = {claim_id for pair in series.conflicts for claim_id in pair}
        points = [_point(e.claim, e.document_title, conflicting) for e in series.estimates]
        key = "|".join(part for part in (series.measure, series.unit, series.period) if part)
        result.append(
            ClaimSeries(
                key=key,
                measure=series.label,
                subject=claims[0].subject_name if claims else None,
                unit=series.unit,
                status=series.status,
                points=points,
            )
        )
    return result


def list_claims(session: Session, limit: int, offset: int) -> tuple[list[ClaimPoint], int]:
    """One page of claims (by measure, then as-of date) and the total count."""
    claims = claimkit_series.list_claims(session)
    page = claims[offset : offset + limit]
    titles = {
        doc_id: title or source
        for doc_id, title, source in session.execute(
            select(DocumentRow.id, DocumentRow.title, DocumentRow.source).where(
                DocumentRow.id.in_(sorted({c.document_id for c in page}))
            )
        )
    }
    return [_point(c, titles.get(c.document_id), set()) for c in page], len(claims)


@dataclass(frozen=True)
class Flag:
    """A red flag raised by a rule: what it says, about which entities, on what evidence."""

    flag_id: str
    rule: str
    title: str
    severity: str
    entity_ids: list[str]
    explanation: str
    evidence: list[str] = field(default_factory=list)
    link: tuple[str, str] | None = None
    """For a flagged relation: (source entity id, target entity id)."""


def list_flags(session: Session) -> list[Flag]:
    """Every current red flag from the flags stage (``sanctionwatch flags run`` raises them)."""
    from sanctionwatch.flags import engine as flags_engine
    from sanctionwatch.flags.rules import load_rules

    titles = {rule.id: rule.title for rule in load_rules()}
    flags = []
    for view in flags_engine.list_flags(session):
        detail = flags_engine.flag_detail(session, view.id)
        link = tuple(view.entity_ids) if len(view.entity_ids) == 2 else None
        flags.append(
            Flag(
                flag_id=view.id,
                rule=view.rule_id,
                title=titles.get(view.rule_id, view.rule_id),
                severity=view.severity,
                entity_ids=view.entity_ids,
                explanation=view.explanation,
                evidence=list(dict.fromkeys(e.sentence or e.value for e in detail.evidence)),
                link=(link[0], link[1]) if link else None,
            )
        )
    return flags


def flag_marks(session: Session) -> tuple[set[tuple[str, str]], set[str]]:
    """What the network view marks: flagged links (entity pairs) and flagged entities.

    Reads the flag list only (no evidence), so drawing a neighbourhood stays cheap.
    """
    from sanctionwatch.flags import engine as flags_engine

    links: set[tuple[str, str]] = set()
    nodes: set[str] = set()
    for view in flags_engine.list_flags(session):
        nodes.update(view.entity_ids)
        if len(view.entity_ids) == 2:
            links.add((view.entity_ids[0], view.entity_ids[1]))
    return links, nodes


@dataclass(frozen=True)
class UploadOutcome:
    """What happened to an uploaded document: stored (new or known) or refused, and why."""

    ingest: IngestOutcome
    queued_for_reading: bool = False


_READING = threading.Lock()


def read_new_documents(database: Database) -> int:
    """Run the extract stage over documents not yet read (one run at a time); how many read."""
    with _READING:
        report = extract_documents(database, n_process=1)
    for source, problem in report.failures:
        log.warning("reading %s failed: %s", source, problem)
    return report.documents


@dataclass(frozen=True)
class ListVersion:
    """The version of one sanctions list that screening uses now."""

    source: str
    version_id: int
    sha256: str
    loaded_at: datetime
    entity_count: int
    format: str


def current_lists(session: Session) -> list[ListVersion]:
    """Current version of every loaded list (the lists stage's version table)."""
    rows = session.scalars(
        select(ListVersionRow)
        .where(ListVersionRow.status == "current")
        .order_by(ListVersionRow.source)
    )
    return [
        ListVersion(r.source, r.id, r.sha256, r.loaded_at, r.entity_count, r.format) for r in rows
    ]


def upload_document(
    database: Database, data: bytes, filename: str, url: str | None, max_bytes: int
) -> UploadOutcome:
    """Ingest uploaded bytes (the ingest stage), then read them (the extract stage, if present)."""
    settings = replace(load_settings(), max_document_bytes=max_bytes)
    name = _printable(filename.replace("\\", "/").rsplit("/", 1)[-1])[:200] or "upload"
    url = _printable(url) if url else None
    outcome = ingest_bytes(
        database,
        data,
        source=f"upload:{name}",
        media_type=media_type_for(name),
        url=url,
        settings=settings,
    )
    return UploadOutcome(ingest=outcome)


def _printable(text: str) -> str:
    """``text`` without control characters (NUL cannot be stored, the rest is noise)."""
    return "".join(ch for ch in text if ch.isprintable())
