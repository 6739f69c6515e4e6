"""Alerts: raised once per change, reviewed by analysts, reopened only for material changes.

Each alert has a ``fingerprint`` naming the change it is about (the pair matched, the list
version and entry, the claim), so raising it again is a no-op. A screening alert also keeps a
``state_hash``: the list entry's content hash and a hash of the graph entity's names as they
were. A cleared alert stays cleared on every re-screen while both are unchanged; when one
changes it reopens and ``reopen_reason`` says which. Every raise, reopen and decision is
written to the audit log with list version, matcher version and score.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claimkit.series import claim_series
from sanctionwatch.flags.tables import FlagEvidenceRow, FlagRow
from sanctionwatch.monitor import audit
from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.monitor.tables import ALERT_STATUSES, AlertRow, FlagAlertMarkRow
from sanctionwatch.screen.lists.diff import ListDiff
from sanctionwatch.screen.lists.tables import ListEntryRow
from sanctionwatch.screen.matcher import default_threshold
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.statements import Statement, add_statements
from sanctionwatch.store.tables import StatementRow

SYSTEM_ACTOR = "sanctionwatch-monitor"
DECISIONS = {"confirm": "confirmed", "clear": "cleared", "escalate": "escalated"}
DEFAULT_CLAIM_RATIO = 3.0
REVIEW_ORIGIN = "human:review"
REVIEW_DATASET = "review"
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")


class AlertError(LookupError):
    """An alert that does not exist or a decision that cannot be made."""


def claim_ratio() -> float:
    """``SANCTIONWATCH_CLAIM_RATIO``: how far (as a factor) a claim may stray from its series."""
    return float(os.environ.get("SANCTIONWATCH_CLAIM_RATIO", DEFAULT_CLAIM_RATIO))


def _short_hash(*parts: Iterable[str] | str) -> str:
    text = "\x1f".join(p if isinstance(p, str) else "\x1e".join(sorted(p)) for p in parts)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Evidence:
    document_id: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None


def alert_dict(row: AlertRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "title": row.title,
        "entity_ids": row.entity_ids,
        "document_id": row.document_id,
        "span": [row.span_start, row.span_end] if row.span_start is not None else None,
        "evidence": row.evidence,
        "list_version": row.list_version,
        "matcher_version": row.matcher_version,
        "score": row.score,
        "created_at": row.created_at.isoformat(),
        "reopen_reason": row.reopen_reason,
    }


def raise_alert(
    session: Session,
    *,
    fingerprint: str,
    kind: str,
    title: str,
    entity_ids: Sequence[str],
    evidence: Evidence = Evidence(),
    list_version: str | None = None,
    matcher_version: str | None = None,
    score: float | None = None,
    state: str | None = None,
    reopen_reason: str | None = None,
) -> AlertRow | None:
    """Store a new alert, or reopen a cleared one whose state changed; None if nothing new."""
    row = session.scalar(select(AlertRow).where(AlertRow.fingerprint == fingerprint))
    if row is not None:
        if row.status != "cleared" or state is None or state == row.state_hash:
            return None
        row.status = "open"
        row.reopen_reason = reopen_reason or "the list entry or the entity changed"
        event = "alert_reopened"
    else:
        row = AlertRow(fingerprint=fingerprint, kind=kind, status="open", created_at=utcnow())
        session.add(row)
        event = "alert_raised"
    row.title = title
    row.entity_ids = list(entity_ids)
    row.document_id, row.span_start, row.span_end = (
        evidence.document_id,
        evidence.start,
        evidence.end,
    )
    row.evidence = evidence.text
    row.list_version, row.matcher_version, row.score = list_version, matcher_version, score
    row.state_hash = state
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        event,
        SYSTEM_ACTOR,
        alert_id=row.id,
        list_version=list_version,
        matcher_version=matcher_version,
        score=score,
        detail={"kind": kind, "title": title, "reason": row.reopen_reason},
    )
    return row


# --- screening hits -------------------------------------------------------------------------


def _entry_hash(session: Session, list_entity_id: str, list_version: str | None) -> str:
    if not list_version or not list_version.lstrip("v").isdigit():
        return ""
    entry = session.get(ListEntryRow, (int(list_version.lstrip("v")), list_entity_id))
    return entry.content_hash if entry is not None else ""


def _entity_names_hash(session: Session, entity_id: str) -> str:
    values = session.scalars(
        select(StatementRow.value).where(
            StatementRow.entity_id == entity_id,
            StatementRow.prop.in_(NAME_PROPS),
            ~StatementRow.origin.startswith("screen:"),
        )
    )
    return _short_hash(set(values))


def match_state(session: Session, match: ScreenMatchRow) -> str:
    """The list entry and entity as they stand, as ``<entry hash>:<entity names hash>``."""
    entry = _entry_hash(session, match.list_entity_id, match.list_version)
    return f"{entry[:16]}:{_entity_names_hash(session, match.graph_entity_id)}"


def _why_reopened(old: str | None, new: str) -> str:
    old_entry, _, old_entity = (old or ":").partition(":")
    new_entry, _, new_entity = new.partition(":")
    reasons = []
    if old_entry != new_entry:
        reasons.append("the list entry changed")
    if old_entity != new_entity:
        reasons.append("the entity's names changed")
    return " and ".join(reasons) or "the match changed"


def _evidence(session: Session, entity_id: str, document_ids: Sequence[str]) -> Evidence:
    query = select(StatementRow).where(
        StatementRow.entity_id == entity_id, StatementRow.document_id.is_not(None)
    )
    if document_ids:
        query = query.where(StatementRow.document_id.in_(list(document_ids)))
    row = session.scalars(query.order_by(StatementRow.span_start).limit(1)).first()
    if row is None:
        return Evidence()
    return Evidence(row.document_id, row.span_start, row.span_end, row.sentence or row.value)


def screening_alerts(
    session: Session,
    entity_ids: Sequence[str],
    document_ids: Sequence[str] = (),
    threshold: float | None = None,
    reason: str | None = None,
) -> list[AlertRow]:
    """One alert per stored match (graph entity, list entity) at or above the threshold."""
    cutoff = default_threshold() if threshold is None else threshold
    matches = session.scalars(
        select(ScreenMatchRow)
        .where(ScreenMatchRow.graph_entity_id.in_(list(entity_ids)))
        .where(ScreenMatchRow.score >= cutoff)
        .order_by(ScreenMatchRow.graph_entity_id, ScreenMatchRow.score.desc())
    )
    raised = []
    for match in list(matches):
        fingerprint = f"screen:{match.graph_entity_id}:{match.list_entity_id}"
        previous = session.scalar(select(AlertRow).where(AlertRow.fingerprint == fingerprint))
        state = match_state(session, match)
        row = raise_alert(
            session,
            fingerprint=fingerprint,
            kind="screening_hit",
            title=f"{match.query_name} matches {match.matched_name} ({match.list_source})",
            entity_ids=[match.graph_entity_id, match.list_entity_id],
            evidence=_evidence(session, match.graph_entity_id, document_ids),
            list_version=match.list_version,
            matcher_version=match.matcher_version,
            score=match.score,
            state=state,
            reopen_reason=reason
            or _why_reopened(previous.state_hash if previous is not None else None, state),
        )
        if row is not None:
            raised.append(row)
    return raised


# --- list updates ---------------------------------------------------------------------------


def _pairs(session: Session, list_ids: Sequence[str]) -> dict[str, list[ScreenMatchRow]]:
    pairs: dict[str, list[ScreenMatchRow]] = {}
    rows = session.scalars(
        select(ScreenMatchRow).where(ScreenMatchRow.list_entity_id.in_(list(list_ids)))
    )
    for row in rows:
        session.expunge(row)
        pairs.setdefault(row.list_entity_id, []).append(row)
    return pairs


def list_update_alerts(
    database: Database, diff: ListDiff, threshold: float | None = None
) -> list[int]:
    """After a list update: re-screen only what changed; one alert per change per entity.

    An added designation that matches a graph entity raises ``designation_added``; a removed
    one that had matched raises ``designation_removed``; a changed one reopens the pair's
    cleared screening alert (saying which fields changed) or raises ``designation_changed``.
    """
    cutoff = default_threshold() if threshold is None else threshold
    changed_fields = {entry.entity_id: entry.fields for entry in diff.changed}
    ids = [e.entity_id for e in (*diff.added, *diff.removed)] + list(changed_fields)
    with database.session() as session:
        before = _pairs(session, ids)
    summary = delta_rescreen(database, ids, threshold=cutoff)
    version = f"v{diff.new_version_id}"
    raised: list[int] = []
    with database.session() as session:
        after = _pairs(session, ids)
        audit.record(
            session,
            "screening_run",
            SYSTEM_ACTOR,
            list_version=version,
            matcher_version=summary.matcher_version,
            detail={"kind": "delta", "source": diff.source, **summary.to_dict()},
        )
        for entry in diff.added:
            for match in after.get(entry.entity_id, []):
                raised += _designation_alert(session, "designation_added", diff, match, cutoff)
        for entry in diff.removed:
            for match in before.get(entry.entity_id, []):
                raised += _designation_alert(session, "designation_removed", diff, match, 0.0)
        for list_id, fields in changed_fields.items():
            reason = f"list entry changed in {diff.source} {version}: {', '.join(fields)}"
            for match in after.get(list_id, []):
                if match.score < cutoff:
                    continue
                fingerprint = f"screen:{match.graph_entity_id}:{match.list_entity_id}"
                existing = session.scalar(
                    select(AlertRow).where(AlertRow.fingerprint == fingerprint)
                )
                if existing is not None:
                    row = raise_alert(
                        session,
                        fingerprint=fingerprint,
                        kind="screening_hit",
                        title=existing.title,
                        entity_ids=existing.entity_ids,
                        evidence=_evidence(session, match.graph_entity_id, ()),
                        list_version=match.list_version,
                        matcher_version=match.matcher_version,
                        score=match.score,
                        state=match_state(session, match),
                        reopen_reason=reason,
                    )
                    raised += [row.id] if row is not None else []
                else:
                    raised += _designation_alert(
                        session, "designation_changed", diff, match, cutoff, reason
                    )
    return raised


def _designation_alert(
    session: Session,
    kind: str,
    diff: ListDiff,
    match: ScreenMatchRow,
    cutoff: float,
    detail: str | None = None,
) -> list[int]:
    if match.score < cutoff:
        return []
    verb = kind.split("_", 1)[1]
    row = raise_alert(
        session,
        fingerprint=f"{kind}:{diff.new_version_id}:{match.list_entity_id}:{match.graph_entity_id}",
        kind=kind,
        title=f"{diff.source} designation {verb}: {match.matched_name} "
        f"(matches {match.query_name} in the graph)",
        entity_ids=[match.graph_entity_id, match.list_entity_id],
        evidence=Evidence(text=detail or diff.summary()),
        list_version=f"v{diff.new_version_id}",
        matcher_version=match.matcher_version,
        score=match.score,
    )
    return [row.id] if row is not None else []


# --- red flags ------------------------------------------------------------------------------

MAX_TITLE = 300


def _marks(session: Session) -> dict[str, set[str]]:
    marks: dict[str, set[str]] = {}
    for flag, statement in session.execute(
        select(FlagAlertMarkRow.flag_id, FlagAlertMarkRow.statement_id)
    ):
        marks.setdefault(flag, set()).add(statement)
    return marks


def _flag_evidence(session: Session) -> dict[str, list[FlagEvidenceRow]]:
    evidence: dict[str, list[FlagEvidenceRow]] = {}
    for row in session.scalars(select(FlagEvidenceRow).order_by(FlagEvidenceRow.id)):
        evidence.setdefault(row.flag_id, []).append(row)
    return evidence


def _cited(rows: Sequence[FlagEvidenceRow]) -> Evidence:
    """The first statement with a document span (else the first at all) as the evidence."""
    best = next((r for r in rows if r.document_id), rows[0] if rows else None)
    if best is None:
        return Evidence()
    return Evidence(best.document_id, best.span_start, best.span_end, best.sentence or best.value)


def _flag_title(flag: FlagRow, fresh: int, is_new: bool) -> str:
    if is_new:
        title = f"New red flag ({flag.severity}, {flag.rule_id}): {flag.explanation}"
    else:
        plural = "s" if fresh != 1 else ""
        title = f"New evidence ({fresh} statement{plural}) for red flag {flag.rule_id}: "
        title += flag.explanation
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def flag_alerts(session: Session) -> list[AlertRow]:
    """One ``new_flag`` alert for each active flag no alert has named yet, and one for each
    flag whose evidence gained statements no alert has named; nothing on unchanged flags.

    What was named is remembered in ``flag_alert_marks`` (the flag, and each evidence
    statement), so it does not matter who ran the flags (``sanctionwatch flags run``,
    ``sanctionwatch run`` or the monitor): the next call raises each change exactly once.
    """
    marks = _marks(session)
    evidence = _flag_evidence(session)
    flags = session.scalars(
        select(FlagRow).where(FlagRow.active.is_(True)).order_by(FlagRow.first_seen, FlagRow.id)
    )
    raised: list[AlertRow] = []
    for flag in list(flags):
        named = marks.get(flag.id)
        rows = evidence.get(flag.id, [])
        fresh = [row for row in rows if named is None or row.statement_id not in named]
        if named is not None and not fresh:
            continue
        is_new = named is None
        suffix = "" if is_new else ":" + _short_hash({row.statement_id for row in fresh})
        fingerprint = f"new_flag:{flag.id}{suffix}"
        row = raise_alert(
            session,
            fingerprint=fingerprint,
            kind="new_flag",
            title=_flag_title(flag, len(fresh), is_new),
            entity_ids=list(flag.entity_ids),
            evidence=_cited(fresh),
            matcher_version=f"{flag.rule_id}@{flag.rule_version}"[:255],
        )
        alert = row or session.scalar(select(AlertRow).where(AlertRow.fingerprint == fingerprint))
        if alert is None:
            continue
        if row is not None:
            raised.append(row)
        statements = ({""} if is_new else set()) | {r.statement_id for r in fresh}
        session.add_all(
            FlagAlertMarkRow(flag_id=flag.id, statement_id=statement, alert_id=alert.id)
            for statement in sorted(statements)
        )
        session.flush()
    return raised


# --- claims ---------------------------------------------------------------------------------


def claim_alerts(
    session: Session, document_ids: Sequence[str], ratio: float | None = None
) -> list[AlertRow]:
    """A new claim whose value differs from the median of its series by more than ``ratio``."""
    limit = claim_ratio() if ratio is None else ratio
    new_claims = list(
        session.scalars(select(ClaimRow).where(ClaimRow.document_id.in_(list(document_ids))))
    )
    if not new_claims:
        return []
    raised = []
    series_by_key = {(s.measure, s.unit, s.period): s for s in claim_series(session)}
    for claim in new_claims:
        series = series_by_key.get((claim.measure, claim.unit, claim.period))
        if series is None:
            continue
        others = [
            e.claim.value for e in series.estimates if e.claim.document_id != claim.document_id
        ]
        if not others:
            continue
        reference = median(others)
        factor = _factor(claim.value, reference)
        if factor <= limit:
            continue
        row = raise_alert(
            session,
            fingerprint=f"claim:{claim.id}",
            kind="claim_divergence",
            title=f"{claim.measure_label}: {claim.value:g} {claim.unit} is {factor:.1f}x the "
            f"series median {reference:g} ({len(others)} other estimates)",
            entity_ids=[claim.subject_entity_id] if claim.subject_entity_id else [],
            evidence=Evidence(claim.document_id, claim.span_start, claim.span_end, claim.sentence),
            score=factor,
        )
        if row is not None:
            raised.append(row)
    return raised


def _factor(value: float, reference: float) -> float:
    low, high = sorted((abs(value), abs(reference)))
    if low == 0:
        return float("inf") if high else 1.0
    return high / low


def _decision_statement(
    session: Session, row: AlertRow, decision: str, note: str, user: str
) -> None:
    """The decision as a ``human:review`` note on the graph entity, so the dossier shows it."""
    if not row.entity_ids:
        return
    entity_id = row.entity_ids[0]
    schema = session.scalar(
        select(StatementRow.schema).where(StatementRow.entity_id == entity_id).limit(1)
    )
    if schema is None:
        return
    value = (
        f"Alert #{row.id} ({row.kind}) {DECISIONS[decision]} by {user} on "
        f"{utcnow():%Y-%m-%d}: {note} [list {row.list_version or '-'}, "
        f"score {'-' if row.score is None else f'{row.score:.2f}'}]"
    )
    statement = Statement(
        entity_id=entity_id,
        schema=schema,
        prop="notes",
        value=value,
        dataset=REVIEW_DATASET,
        origin=f"{REVIEW_ORIGIN}:{user}"[:128],
        origin_version=(row.matcher_version or "-")[:32],
        confidence=row.score if row.score is not None else 1.0,
    )
    add_statements(session, [statement])


# --- reading and review ---------------------------------------------------------------------


def list_alerts(session: Session, status: str | None = None) -> list[AlertRow]:
    if status is not None and status not in ALERT_STATUSES:
        raise AlertError(f"unknown status {status!r}; use one of {', '.join(ALERT_STATUSES)}")
    query = select(AlertRow).order_by(AlertRow.id)
    if status is not None:
        query = query.where(AlertRow.status == status)
    return list(session.scalars(query))


def review(session: Session, alert_id: int, decision: str, note: str, user: str) -> AlertRow:
    """Record an analyst's decision on an alert (and in the audit log, with the versions)."""
    if decision not in DECISIONS:
        raise AlertError(f"unknown decision {decision!r}; use confirm, clear or escalate")
    if not note.strip():
        raise AlertError("a decision needs a note saying why (--note)")
    row = session.get(AlertRow, alert_id)
    if row is None:
        raise AlertError(f"there is no alert {alert_id}; see `sanctionwatch alerts`")
    row.status = DECISIONS[decision]
    row.reopen_reason = None if decision == "clear" else row.reopen_reason
    row.updated_at = utcnow()
    _decision_statement(session, row, decision, note, user)
    audit.record(
        session,
        "decision",
        user,
        alert_id=row.id,
        decision=decision,
        note=note,
        list_version=row.list_version,
        matcher_version=row.matcher_version,
        score=row.score,
        detail={"kind": row.kind, "entity_ids": row.entity_ids, "status": row.status},
    )
    return row
