"""Evaluate every rule over the resolved graph and keep flags with stable ids.

A flag's id hashes the rule id, the sorted canonical entity ids and the finding's key (never the
rule version), so re-running after new documents or a rule tweak keeps the id — and with it the
analysts' review history in ``flag_review_history`` (append-only; the latest row is the status).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sanctionwatch.flags.evaluators import EVALUATORS, Finding
from sanctionwatch.flags.graph import load_graph
from sanctionwatch.flags.rules import Rule, load_rules
from sanctionwatch.flags.tables import FlagEvidenceRow, FlagReviewRow, FlagRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow

STATUSES = ("open", "reviewed", "dismissed")
MAX_EVIDENCE = 50


class FlagError(ValueError):
    """An unknown flag id or review status (the message says which)."""


@dataclass
class FlagReport:
    """What one evaluation found: flags per rule, new/kept/retired counts, data problems."""

    per_rule: dict[str, int] = field(default_factory=dict)
    new: int = 0
    kept: int = 0
    retired: int = 0
    issues: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_rule.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_rule": self.per_rule,
            "new": self.new,
            "kept": self.kept,
            "retired": self.retired,
            "issues": self.issues,
        }


def flag_id(rule_id: str, entity_ids: Sequence[str], key: str) -> str:
    """Stable id: rule id + sorted canonical entity ids + the finding's key."""
    text = "\x1f".join([rule_id, *sorted(entity_ids), "\x1e", key])
    return "flag-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def evaluate_flags(database: Database, rules: Sequence[Rule] | None = None) -> FlagReport:
    """Run ``rules`` (default: every rule file) over the resolved graph in one transaction."""
    rules = list(rules) if rules is not None else load_rules()
    report = FlagReport()
    with database.session() as session:
        graph = load_graph(session)
        earlier = _flags_by_current_entities(session, graph.canonical)
        seen: set[str] = set()
        for rule in rules:
            findings = EVALUATORS[rule.evaluator](graph, rule.parameters, report.issues)
            report.per_rule[rule.id] = len(findings)
            for finding in findings:
                known = report.new
                identifier = _store(session, rule, finding, graph_names(graph, finding), report)
                if report.new > known:
                    _carry_reviews(session, identifier, earlier, rule.id, finding)
                seen.add(identifier)
        ran = [rule.id for rule in rules]
        for row in session.scalars(select(FlagRow).where(FlagRow.rule_id.in_(ran))):
            if row.id not in seen and row.active:
                row.active = False
                report.retired += 1
    report.issues = list(dict.fromkeys(report.issues))
    return report


_FlagKey = tuple[str, str, tuple[str, ...]]


def _flags_by_current_entities(session: Session, canonical: dict[str, str]) -> dict[_FlagKey, str]:
    """Existing flags by (rule, key, their entities' CURRENT canonical ids).

    When resolution merges two clusters, the absorbed cluster's canonical id becomes a member of
    the other, so a finding about the merged entity gets a new flag id; this index finds the flag
    it replaces.
    """
    index: dict[_FlagKey, str] = {}
    for row in session.scalars(select(FlagRow).order_by(FlagRow.last_seen)):
        entities = tuple(sorted({canonical.get(e, e) for e in row.entity_ids}))
        index[(row.rule_id, row.key, entities)] = row.id
    return index


def _carry_reviews(
    session: Session, identifier: str, earlier: dict[_FlagKey, str], rule_id: str, finding: Finding
) -> None:
    """Give a flag whose id changed because its entities were merged the latest review of the flag
    it replaces, so a dismissal survives the merge (noted in the history)."""
    previous = earlier.get((rule_id, finding.key, tuple(sorted(set(finding.entity_ids)))))
    if previous is None or previous == identifier:
        return
    latest = session.scalars(
        select(FlagReviewRow)
        .where(FlagReviewRow.flag_id == previous)
        .order_by(FlagReviewRow.created_at.desc(), FlagReviewRow.id.desc())
    ).first()
    if latest is None:
        return
    note = f"carried over from {previous} (its entities were merged)"
    if latest.note:
        note = f"{latest.note} [{note}]"
    session.add(
        FlagReviewRow(
            flag_id=identifier,
            status=latest.status,
            user=latest.user,
            note=note,
            created_at=utcnow(),
        )
    )


def graph_names(graph: Any, finding: Finding) -> list[str]:
    return [graph.node(eid).name if graph.node(eid) else eid for eid in finding.entity_ids]


def _store(
    session: Session, rule: Rule, finding: Finding, names: list[str], report: FlagReport
) -> str:
    identifier = flag_id(rule.id, finding.entity_ids, finding.key)
    row = session.get(FlagRow, identifier)
    now = utcnow()
    if row is None:
        row = FlagRow(id=identifier, rule_id=rule.id, first_seen=now)
        session.add(row)
        report.new += 1
    else:
        report.kept += 1
    row.rule_version = rule.version
    row.severity = rule.severity
    row.explanation = rule.explain(finding.values)
    row.entity_ids = sorted(finding.entity_ids)
    row.entity_names = names
    row.key = finding.key
    row.active = True
    row.last_seen = now
    session.execute(delete(FlagEvidenceRow).where(FlagEvidenceRow.flag_id == identifier))
    for fact in finding.evidence[:MAX_EVIDENCE]:
        session.add(
            FlagEvidenceRow(
                flag_id=identifier,
                statement_id=fact.statement_id,
                entity_id=fact.entity_id,
                prop=fact.prop,
                value=fact.value,
                document_id=fact.document_id,
                span_start=fact.start,
                span_end=fact.end,
                sentence=fact.sentence,
            )
        )
    session.flush()
    return identifier


# --- reading and reviewing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    statement_id: str
    entity_id: str
    prop: str
    value: str
    document_id: str | None
    start: int | None
    end: int | None
    sentence: str | None


@dataclass(frozen=True)
class Review:
    status: str
    user: str
    note: str | None
    created_at: datetime


@dataclass(frozen=True)
class FlagView:
    id: str
    rule_id: str
    rule_version: str
    severity: str
    explanation: str
    entity_ids: list[str]
    entity_names: list[str]
    active: bool
    status: str
    evidence_count: int
    first_seen: datetime
    last_seen: datetime
    evidence: list[Evidence] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = {key: value for key, value in self.__dict__.items()}
        data["evidence"] = [e.__dict__ for e in self.evidence]
        data["reviews"] = [r.__dict__ for r in self.reviews]
        return data


def _reviews(session: Session, flag_ids: Sequence[str] | None = None) -> dict[str, list[Review]]:
    query = select(FlagReviewRow).order_by(FlagReviewRow.created_at, FlagReviewRow.id)
    if flag_ids is not None:
        query = query.where(FlagReviewRow.flag_id.in_(list(flag_ids)))
    history: dict[str, list[Review]] = {}
    for row in session.scalars(query):
        history.setdefault(row.flag_id, []).append(
            Review(row.status, row.user, row.note, row.created_at)
        )
    return history


def _evidence_counts(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for flag in session.scalars(select(FlagEvidenceRow.flag_id)):
        counts[flag] = counts.get(flag, 0) + 1
    return counts


def _view(row: FlagRow, reviews: list[Review], count: int) -> FlagView:
    return FlagView(
        row.id,
        row.rule_id,
        row.rule_version,
        row.severity,
        row.explanation,
        list(row.entity_ids),
        list(row.entity_names),
        row.active,
        reviews[-1].status if reviews else "open",
        count,
        row.first_seen,
        row.last_seen,
        reviews=reviews,
    )


_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def list_flags(
    session: Session,
    rule: str | None = None,
    status: str | None = None,
    include_retired: bool = False,
) -> list[FlagView]:
    """Current flags (most severe first), optionally of one rule and one review status."""
    if status is not None and status not in STATUSES:
        raise FlagError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    query = select(FlagRow)
    if rule is not None:
        query = query.where(FlagRow.rule_id == rule)
    if not include_retired:
        query = query.where(FlagRow.active.is_(True))
    reviews = _reviews(session)
    counts = _evidence_counts(session)
    views = [
        _view(row, reviews.get(row.id, []), counts.get(row.id, 0)) for row in session.scalars(query)
    ]
    if status is not None:
        views = [view for view in views if view.status == status]
    return sorted(views, key=lambda v: (_SEVERITY_ORDER.get(v.severity, 9), v.rule_id, v.id))


def flag_detail(session: Session, flag_id: str) -> FlagView:
    """One flag with its evidence (document, span, sentence) and review history."""
    row = session.get(FlagRow, flag_id)
    if row is None:
        raise FlagError(f"no flag {flag_id!r}: list them with `sanctionwatch flags`")
    evidence = [
        Evidence(
            e.statement_id,
            e.entity_id,
            e.prop,
            e.value,
            e.document_id,
            e.span_start,
            e.span_end,
            e.sentence,
        )
        for e in session.scalars(
            select(FlagEvidenceRow)
            .where(FlagEvidenceRow.flag_id == flag_id)
            .order_by(FlagEvidenceRow.id)
        )
    ]
    view = _view(row, _reviews(session, [flag_id]).get(flag_id, []), len(evidence))
    return FlagView(**{**view.__dict__, "evidence": evidence})


def review_flag(
    session: Session, flag_id: str, status: str, user: str, note: str | None = None
) -> FlagView:
    """Append a review (open / reviewed / dismissed); the latest one is the flag's status."""
    if status not in STATUSES:
        raise FlagError(f"unknown status {status!r}: use one of {', '.join(STATUSES)}")
    if session.get(FlagRow, flag_id) is None:
        raise FlagError(f"no flag {flag_id!r}: list them with `sanctionwatch flags`")
    session.add(
        FlagReviewRow(flag_id=flag_id, status=status, user=user, note=note, created_at=utcnow())
    )
    session.flush()
    return flag_detail(session, flag_id)
