"""The machine resolution pass and the canonical-entity API the later stages call.

``resolve_entities`` reads every matchable entity from the store (extracted ones and list
entries alike), proposes candidate pairs by shared name keys, scores them, and appends machine
judgments: ``same`` above the merge threshold, ``unsure`` in the review band, ``not_same`` where
the evidence is against it. Analysts' judgments are never touched and always win; since entity
ids are deterministic, they re-apply after a re-extraction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from followthemoney import StatementEntity, model
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.resolve.config import ResolverConfig, load_resolver_config
from sanctionwatch.resolve.features import (
    GENERIC_ONLY,
    SAME,
    UNSURE,
    EntityRecord,
    FeatureScorer,
    PairScore,
    PairScorer,
    decide,
)
from sanctionwatch.resolve.judgments import (
    WITHDRAWN,
    Clustering,
    Judgment,
    add_judgment,
    add_machine_judgment,
    all_judgments,
    effective_judgments,
    ordered_pair,
    recompute_canonical_ids,
)
from sanctionwatch.resolve.tables import CanonicalIdRow
from sanctionwatch.store import Database
from sanctionwatch.store.schemata import common_schema_name
from sanctionwatch.store.statements import Statement, assemble_entity, statements_for_entities
from sanctionwatch.store.tables import StatementRow

RESOLVABLE_ROOTS = ("LegalEntity", "Vessel", "Airplane")
DOCUMENTS_DATASET = "documents"
NAME_PROPS = ("name", "alias", "previousName")
"""Weak aliases and abbreviations ("Hassan", "NATA") are too thin to merge on."""
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry", "flag")
IGNORED_IDENTIFIERS = frozenset({"programId", "okvedCode", "ticker", "isinCode", "licenseNumber"})

Progress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)`` while the pass runs."""


@dataclass
class ResolveSummary:
    entities: int = 0
    candidate_pairs: int = 0
    machine_same: int = 0
    machine_not_same: int = 0
    queued_for_review: int = 0
    ambiguous_short_forms: int = 0
    kept_apart_one_entry_per_list: int = 0
    new_machine_judgments: int = 0
    withdrawn: int = 0
    human_judgments: int = 0
    clusters: int = 0
    clustered_entities: int = 0
    contradictions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def resolvable_schemata() -> list[str]:
    names: set[str] = set()
    for schema in model.schemata.values():
        if any(schema.is_a(root) for root in RESOLVABLE_ROOTS):
            names.add(schema.name)
    return sorted(names)


def _identifier_props() -> frozenset[str]:
    props: set[str] = set()
    for name in resolvable_schemata():
        schema = model.get(name)
        assert schema is not None
        props.update(p.name for p in schema.properties.values() if p.type.name == "identifier")
    return frozenset(props - IGNORED_IDENTIFIERS)


def _normalise_identifier(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def load_records(session: Session) -> list[EntityRecord]:
    """One :class:`EntityRecord` per named, resolvable entity in the store."""
    identifier_props = _identifier_props()
    wanted = {*NAME_PROPS, *COUNTRY_PROPS, *identifier_props, "birthDate"}
    rows = session.execute(
        select(
            StatementRow.entity_id,
            StatementRow.schema,
            StatementRow.prop,
            StatementRow.value,
            StatementRow.document_id,
            StatementRow.dataset,
        )
        .where(StatementRow.schema.in_(resolvable_schemata()))
        .order_by(StatementRow.entity_id)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.entity_id].append(row)
    records = []
    for entity_id, entity_rows in grouped.items():
        names = tuple(dict.fromkeys(r.value for r in entity_rows if r.prop in NAME_PROPS))
        if not names:
            continue
        schema = common_schema_name([r.schema for r in entity_rows])
        records.append(
            EntityRecord(
                id=entity_id,
                schema=schema,
                names=names,
                countries=frozenset(
                    r.value.lower() for r in entity_rows if r.prop in COUNTRY_PROPS
                ),
                identifiers=frozenset(
                    (r.prop, _normalise_identifier(r.value))
                    for r in entity_rows
                    if r.prop in identifier_props and r.prop in wanted
                ),
                birth_dates=frozenset(r.value for r in entity_rows if r.prop == "birthDate"),
                documents=frozenset(r.document_id for r in entity_rows if r.document_id),
                datasets=frozenset(r.dataset for r in entity_rows),
            )
        )
    return records


def _same_list(left: EntityRecord, right: EntityRecord) -> bool:
    """Two entries of one sanctions list are distinct designations, never merged by machine."""
    return (
        len(left.datasets) == 1
        and left.datasets == right.datasets
        and (DOCUMENTS_DATASET not in left.datasets)
    )


def candidate_pairs(
    records: list[EntityRecord], scorer: PairScorer, config: ResolverConfig
) -> Iterator[tuple[EntityRecord, EntityRecord]]:
    """Pairs sharing a name key, skipping keys so common they say nothing; plus each name made
    only of generic words with the entities whose names hold all of its words."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in scorer.block_keys(record):
            blocks[key].append(index)
    seen: set[tuple[int, int]] = set()
    for members in [*blocks.values(), *_generic_name_blocks(records, scorer, config)]:
        if len(members) < 2 or len(members) > config.max_block_size:
            continue
        for i, j in combinations(sorted(members), 2):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            left, right = records[i], records[j]
            if not _same_list(left, right):
                yield left, right


def _generic_name_blocks(
    records: list[EntityRecord], scorer: PairScorer, config: ResolverConfig
) -> Iterator[list[int]]:
    """A block per generic-only name ("Treasury Department"): it and every entity whose names
    hold all its words ("U.S. Treasury Department"); none when that is too many to say much."""
    generic = [(i, names) for i, r in enumerate(records) if (names := scorer.generic_names(r))]
    if not generic:
        return
    postings: dict[str, set[int]] = defaultdict(set)
    for index, record in enumerate(records):
        for token in scorer.name_tokens(record):
            postings[token].add(index)
    for index, names in generic:
        for tokens in names:
            holders = set.intersection(*(postings[t] for t in tokens))
            if len(holders) <= config.max_block_size:
                yield [index, *sorted(holders - {index})]


def resolve_entities(
    database: Database,
    config: ResolverConfig | None = None,
    scorer: PairScorer | None = None,
    progress: Progress | None = None,
) -> ResolveSummary:
    """Run the machine pass over the whole store, then rebuild the canonical ids."""
    config = config or load_resolver_config()
    scorer = scorer or FeatureScorer(config)
    summary = ResolveSummary()
    with database.session() as session:
        records = load_records(session)
        summary.entities = len(records)
        history = all_judgments(session)
        human_pairs = {j.pair for j in history if not j.machine}
        summary.human_judgments = len(human_pairs)
        current = _current_machine(history)
        scorer.observe(records)
        pairs = list(candidate_pairs(records, scorer, config))
        summary.candidate_pairs = len(pairs)
        scored = _score_pairs(pairs, scorer, config, progress)
        summary.ambiguous_short_forms = settle_short_forms(scored, scorer)
        proposed: set[tuple[str, str]] = set()
        for decision in scored:
            pair = ordered_pair(decision.left.id, decision.right.id)
            _count(summary, decision.judgment)
            proposed.add(pair)
            if pair in human_pairs or _unchanged(
                current.get(pair), decision.judgment, decision.result.score
            ):
                continue
            add_machine_judgment(
                session,
                *pair,
                decision.judgment,
                score=decision.result.score,
                features=decision.result.features,
                note=f"resolver.yaml v{config.version}",
            )
            summary.new_machine_judgments += 1
        for pair in sorted(set(current) - proposed):
            add_machine_judgment(session, *pair, WITHDRAWN)
            summary.withdrawn += 1
        session.flush()
        clustering = recompute_canonical_ids(session)
    _summarise_clusters(summary, clustering)
    return summary


@dataclass
class PairDecision:
    """A scored candidate pair and the machine's judgment on it."""

    left: EntityRecord
    right: EntityRecord
    result: PairScore
    judgment: str


def _score_pairs(
    pairs: list[tuple[EntityRecord, EntityRecord]],
    scorer: PairScorer,
    config: ResolverConfig,
    progress: Progress | None,
) -> list[PairDecision]:
    scored = []
    for done, (left, right) in enumerate(pairs, start=1):
        if progress is not None and (done % 500 == 0 or done == len(pairs)):
            progress("scoring", done, len(pairs))
        result = scorer.score(left, right)
        judgment = decide(result, config)
        if judgment is not None:
            scored.append(PairDecision(left, right, result, judgment))
    return scored


SHORT_FORM_FEATURE = "descriptor_missing_one_side"
AMBIGUOUS_FEATURE = "short_form_ambiguous"


def settle_short_forms(scored: list[PairDecision], scorer: PairScorer) -> int:
    """A short form ("Rungrado") matched to two distinct full names (its General Trading and
    Shipping siblings, two entries of one list) links only where a shared document anchors it;
    its other merges become review pairs, so a cluster never chains siblings through it.
    Returns how many merges became review pairs."""
    settled = 0
    short_edges: dict[str, list[PairDecision]] = defaultdict(list)
    for decision in scored:
        if decision.judgment == SAME and SHORT_FORM_FEATURE in decision.result.features:
            short_edges[decision.left.id].append(decision)
            short_edges[decision.right.id].append(decision)
    for entity_id, edges in short_edges.items():
        if len(edges) < 2:
            continue
        partners = {_other(d, entity_id).id: _other(d, entity_id) for d in edges}
        distinct = _distinct_pairs(list(partners.values()), scorer)
        if not distinct:
            continue
        record = _side(edges[0], entity_id)
        anchors = [p for p in partners.values() if record.documents & p.documents]
        if any((a.id, b.id) in distinct for a in anchors for b in anchors):
            anchors = []
        for decision in edges:
            partner = _other(decision, entity_id).id
            if not anchors or any((partner, a.id) in distinct for a in anchors):
                settled += decision.judgment == SAME
                decision.judgment = UNSURE
                decision.result.features[AMBIGUOUS_FEATURE] = 1.0
    return settled


def _distinct_pairs(records: list[EntityRecord], scorer: PairScorer) -> set[tuple[str, str]]:
    """Ordered and reversed id pairs of records that are certainly different entities."""
    found: set[tuple[str, str]] = set()
    for one, other in combinations(records, 2):
        if _same_list(one, other) or scorer.score(one, other).negative:
            found.update({(one.id, other.id), (other.id, one.id)})
    return found


def _side(decision: PairDecision, entity_id: str) -> EntityRecord:
    return decision.left if decision.left.id == entity_id else decision.right


def _other(decision: PairDecision, entity_id: str) -> EntityRecord:
    return decision.right if decision.left.id == entity_id else decision.left


def _count(summary: ResolveSummary, judgment: str) -> None:
    if judgment == "same":
        summary.machine_same += 1
    elif judgment == "not_same":
        summary.machine_not_same += 1
    else:
        summary.queued_for_review += 1


def _current_machine(history: list[Judgment]) -> dict[tuple[str, str], Judgment]:
    latest: dict[tuple[str, str], Judgment] = {}
    for judgment in history:
        if judgment.machine:
            latest[judgment.pair] = judgment
    return {pair: j for pair, j in latest.items() if j.judgment != WITHDRAWN}


def _unchanged(previous: Judgment | None, judgment: str, score: float) -> bool:
    return (
        previous is not None
        and previous.judgment == judgment
        and previous.score is not None
        and abs(previous.score - score) < 1e-6
    )


def _summarise_clusters(summary: ResolveSummary, clustering: Clustering) -> None:
    clusters = clustering.clusters()
    summary.clusters = len(clusters)
    summary.clustered_entities = sum(len(m) for m in clusters.values())
    summary.contradictions = [c.describe() for c in clustering.contradictions]
    summary.kept_apart_one_entry_per_list = clustering.list_conflicts


# --- The canonical-entity API (flags, web, api) -------------------------------------------------


def canonical_id(session: Session, entity_id: str) -> str:
    """The id of the cluster ``entity_id`` belongs to (itself when it stands alone)."""
    found = session.scalar(
        select(CanonicalIdRow.canonical_id).where(CanonicalIdRow.entity_id == entity_id)
    )
    return found or entity_id


def members(session: Session, canonical: str) -> list[str]:
    """Every entity id resolved into ``canonical`` (the id itself when it stands alone)."""
    root = canonical_id(session, canonical)
    found = session.scalars(
        select(CanonicalIdRow.entity_id)
        .where(CanonicalIdRow.canonical_id == root)
        .order_by(CanonicalIdRow.entity_id)
    ).all()
    return list(found) or [root]


def member_statements(session: Session, canonical: str) -> list[Statement]:
    return statements_for_entities(session, members(session, canonical))


def resolved_entity(session: Session, canonical: str) -> StatementEntity | None:
    """One FtM entity carrying the statements of every member (``None`` if none is stored)."""
    root = canonical_id(session, canonical)
    statements = member_statements(session, root)
    if not statements:
        return None
    return assemble_entity(statements, entity_id=root)


def review_queue(session: Session, limit: int | None = None) -> list[Judgment]:
    """Machine ``unsure`` pairs no analyst has judged and no other edge already joins.

    One pair per two clusters (the best-scored one: "Putin" mentioned in three reports is one
    question, not three), pairs touching an entity the reports mention first, pairs whose names
    share only generic words ("Trading", "Ministry") after the others, then by score.
    """
    effective = effective_judgments(all_judgments(session))
    canonical = {
        row.entity_id: row.canonical_id
        for row in session.execute(select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id))
    }
    best: dict[tuple[str, str], Judgment] = {}
    for judgment in effective.values():
        if not judgment.machine or judgment.judgment != "unsure":
            continue
        a, b = (canonical.get(x, x) for x in judgment.pair)
        if a == b:
            continue
        clusters = (a, b) if a < b else (b, a)
        kept = best.get(clusters)
        if kept is None or (-(judgment.score or 0.0), judgment.pair) < (
            -(kept.score or 0.0),
            kept.pair,
        ):
            best[clusters] = judgment
    reported = _reported(session, {x for pair in best for x in pair}, canonical)
    queue = sorted(
        best.items(),
        key=lambda item: (
            not (reported & set(item[0])),
            GENERIC_ONLY in (item[1].features or {}),
            -(item[1].score or 0.0),
            item[1].pair,
        ),
    )
    judgments = [judgment for _clusters, judgment in queue]
    return judgments[:limit] if limit is not None else judgments


def _reported(session: Session, roots: set[str], canonical: dict[str, str]) -> set[str]:
    """The cluster roots among ``roots`` with a member the reports mention (dataset documents)."""
    ids = sorted(roots | {e for e, root in canonical.items() if root in roots})
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(StatementRow.entity_id)
                .where(StatementRow.entity_id.in_(ids[start : start + 500]))
                .where(StatementRow.dataset == DOCUMENTS_DATASET)
                .distinct()
            )
        )
    return {canonical.get(entity_id, entity_id) for entity_id in found}


# --- Analysts' decisions --------------------------------------------------------------------------


@dataclass
class Decision:
    """What an analyst's merge or split recorded, and what it now conflicts with."""

    judgments: list[Judgment]
    canonical_id: str
    contradictions: list[str]


def merge(session: Session, a: str, b: str, *, user: str, note: str | None = None) -> Decision:
    """Record that ``a`` and ``b`` are the same thing (whole clusters join)."""
    judgment = add_judgment(session, a, b, "same", user=user, note=note)
    clustering = recompute_canonical_ids(session)
    conflicts = [c.describe() for c in clustering.contradictions if c.same.id == judgment.id]
    return Decision([judgment], canonical_id(session, a), conflicts)


def split(
    session: Session,
    entity_id: str,
    *,
    user: str,
    note: str | None = None,
    dissolve: bool = False,
) -> Decision:
    """Detach ``entity_id`` from its cluster (``dissolve``: separate every member).

    Splits are ``not_same`` judgments, so a later machine run cannot merge them back.
    """
    cluster_members = members(session, entity_id)
    if len(cluster_members) < 2:
        raise ValueError(f"{entity_id} is not merged with anything")
    if dissolve:
        pairs = list(combinations(cluster_members, 2))
    else:
        pairs = [(entity_id, other) for other in cluster_members if other != entity_id]
    recorded = [add_judgment(session, x, y, "not_same", user=user, note=note) for x, y in pairs]
    recompute_canonical_ids(session)
    return Decision(recorded, canonical_id(session, entity_id), [])


def judge(
    session: Session, a: str, b: str, judgment: str, *, user: str, note: str | None = None
) -> Decision:
    """Record any analyst judgment (same / not_same / unsure) on one pair."""
    if judgment == "same":
        return merge(session, a, b, user=user, note=note)
    recorded = add_judgment(session, a, b, judgment, user=user, note=note)
    recompute_canonical_ids(session)
    return Decision([recorded], canonical_id(session, a), [])
