"""The screening audit trail: every ``/match`` query with the list versions it ran against.

Regulators ask what was screened, when, against which version of which list, with which
matcher, and what came back. With ``SANCTIONWATCH_AUDIT_MATCHES=1`` each query of ``/match`` is
written to ``match_audit`` in the same request; ``GET /audit/matches`` (token) exports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sanctionwatch.api import stages
from sanctionwatch.web.tables import MatchAuditRow


@dataclass(frozen=True)
class AuditedQuery:
    key: str
    query: dict[str, Any]
    results: list[dict[str, Any]]


def record_match(
    session: Session,
    *,
    dataset: str,
    algorithm: str,
    matcher: str,
    threshold: float,
    cutoff: float,
    queries: Sequence[AuditedQuery],
) -> int:
    """Write one audit row per query, pinned to the lists' current versions."""
    versions = {
        item.source: f"{item.version_id}-{item.sha256[:12]}"
        for item in stages.current_lists(session)
    }
    session.add_all(
        MatchAuditRow(
            dataset=dataset,
            algorithm=algorithm,
            matcher=matcher,
            list_versions=versions,
            query_key=item.key[:200],
            query=item.query,
            threshold=threshold,
            cutoff=cutoff,
            results=item.results,
        )
        for item in queries
    )
    return len(queries)


def audit_page(session: Session, limit: int, offset: int) -> tuple[list[MatchAuditRow], int]:
    """Newest audit rows first."""
    total = session.scalar(select(func.count(MatchAuditRow.id))) or 0
    rows = session.scalars(
        select(MatchAuditRow).order_by(MatchAuditRow.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total
