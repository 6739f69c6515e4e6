"""Read stored claims back: one list, or series of estimates of the same measure side by side.

A series groups the claims of every document about one measure (same unit and period), so that
conflicting estimates (30,000 / 13,000 / 10,000 / 511 workers) appear together with their
sources and dates. Two estimates *conflict* when they are dated to the same year, come from
different documents or asserters, and their stated intervals do not overlap (an "approx" figure
is read as +/-10%, "at least" as open above, "up to" as open below).

Figures only the learned filter kept (the vocabulary's ``learned_measure``, ``other_figure``)
share a unit ("USD") but no subject: a fine and a year's revenue are not estimates of one thing,
so they form no series (and raise no claim alerts); ``claims --measure other_figure`` lists them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claimkit.model import Claim
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.store.tables import DocumentRow

APPROX_TOLERANCE = 0.10


@dataclass(frozen=True)
class Estimate:
    """One claim in a series, with the document it comes from."""

    claim: Claim
    document_title: str | None
    document_source: str | None
    published: str | None


@dataclass(frozen=True)
class ClaimSeries:
    """Every estimate of one measure, earliest as-of first, with a spread/conflict indicator."""

    measure: str
    label: str
    unit: str
    period: str | None
    estimates: list[Estimate]
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [estimate.claim.value for estimate in self.estimates]

    @property
    def distinct_values(self) -> int:
        return len(set(self.values))

    @property
    def spread(self) -> float:
        """Highest over lowest estimate (1.0 = all agree; inf if one is zero)."""
        low, high = min(self.values), max(self.values)
        return math.inf if low <= 0 < high else (high / low if low else 1.0)

    @property
    def status(self) -> str:
        if len(self.estimates) == 1:
            return "single"
        if self.conflicts:
            return "conflicting"
        return "consistent" if self.distinct_values == 1 else "changes over time"

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "label": self.label,
            "unit": self.unit,
            "period": self.period,
            "status": self.status,
            "distinct_values": self.distinct_values,
            "spread": None if math.isinf(self.spread) else round(self.spread, 3),
            "conflicts": [list(pair) for pair in self.conflicts],
            "estimates": [
                {
                    **claim_dict(e.claim),
                    "document_title": e.document_title,
                    "document_source": e.document_source,
                    "published": e.published,
                }
                for e in self.estimates
            ],
        }


def claim_dict(claim: Claim) -> dict[str, Any]:
    """A claim as plain JSON-ready data (what ``--json`` and the API print)."""
    return {
        "id": claim.id,
        "measure": claim.measure,
        "measure_label": claim.measure_label,
        "value": claim.value,
        "value_low": claim.value_low,
        "value_high": claim.value_high,
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "period": claim.period,
        "as_of": claim.as_of,
        "as_of_kind": claim.as_of_kind,
        "as_of_phrase": claim.as_of_phrase,
        "as_of_rule": claim.as_of_rule,
        "as_of_note": claim.as_of_note,
        "asserted_by": claim.asserted_by,
        "asserter_entity_id": claim.asserter_entity_id,
        "subject_entity_id": claim.subject_entity_id,
        "subject_name": claim.subject_name,
        "document_id": claim.document_id,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "sentence": claim.sentence,
        "extractor_version": claim.extractor_version,
        "confidence": claim.confidence,
    }


def from_row(row: ClaimRow) -> Claim:
    return Claim(
        id=row.id,
        document_id=row.document_id,
        measure=row.measure,
        measure_label=row.measure_label,
        value=row.value,
        unit=row.unit,
        qualifier=row.qualifier,
        start=row.span_start,
        end=row.span_end,
        text=row.text,
        sentence=row.sentence,
        extractor_version=row.extractor_version,
        confidence=row.confidence,
        value_low=row.value_low,
        value_high=row.value_high,
        period=row.period,
        as_of=row.as_of,
        as_of_kind=row.as_of_kind,
        as_of_phrase=row.as_of_phrase,
        as_of_rule=row.as_of_rule,
        as_of_note=row.as_of_note,
        subject_entity_id=row.subject_entity_id,
        subject_name=row.subject_name,
        asserted_by=row.asserted_by,
        asserter_entity_id=row.asserter_entity_id,
    )


def _measure_filter(measure: str) -> Any:
    """``dprk_workers_in`` matches every place (``dprk_workers_in:*``); a full key itself."""
    escaped = measure.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(ClaimRow.measure == measure, ClaimRow.measure.like(f"{escaped}:%", escape="\\"))


def _rows(
    session: Session, measure: str | None, document_id: str | None
) -> list[tuple[ClaimRow, DocumentRow]]:
    query = select(ClaimRow, DocumentRow).join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
    if measure:
        query = query.where(_measure_filter(measure))
    if document_id:
        query = query.where(ClaimRow.document_id.startswith(document_id))
    query = query.order_by(
        ClaimRow.measure, ClaimRow.as_of, ClaimRow.document_id, ClaimRow.span_start
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def list_claims(
    session: Session, measure: str | None = None, document_id: str | None = None
) -> list[Claim]:
    """Stored claims, by measure then as-of date; ``document_id`` may be a prefix."""
    return [from_row(row) for row, _ in _rows(session, measure, document_id)]


def _interval(claim: Claim) -> tuple[float, float]:
    value = claim.value
    if claim.value_low is not None and claim.value_high is not None:
        return claim.value_low, claim.value_high
    if claim.qualifier == "approx":
        return value * (1 - APPROX_TOLERANCE), value * (1 + APPROX_TOLERANCE)
    if claim.qualifier in ("at_least", "more_than"):
        return value, math.inf
    if claim.qualifier in ("at_most", "less_than"):
        return 0.0, value
    return value, value


def find_conflicts(estimates: Sequence[Estimate]) -> list[tuple[str, str]]:
    """Pairs of claim ids dated to the same year whose intervals do not overlap."""
    pairs = []
    for index, first in enumerate(estimates):
        for second in estimates[index + 1 :]:
            a, b = first.claim, second.claim
            if not a.as_of or not b.as_of or a.as_of[:4] != b.as_of[:4]:
                continue
            if a.document_id == b.document_id and a.asserted_by == b.asserted_by:
                continue
            low_a, high_a = _interval(a)
            low_b, high_b = _interval(b)
            if high_a < low_b or high_b < low_a:
                pairs.append((a.id, b.id))
    return pairs


def claim_series(session: Session, measure: str | None = None) -> list[ClaimSeries]:
    """Claims grouped by (measure, unit, period) across documents, most estimates first."""
    groups: dict[tuple[str, str, str | None], list[Estimate]] = {}
    learned = default_vocabulary().learned_measure
    for row, document in _rows(session, measure, None):
        claim = from_row(row)
        if learned is not None and claim.measure == learned.key:
            continue
        estimate = Estimate(claim, document.title, document.source, document.published_at)
        groups.setdefault((claim.measure, claim.unit, claim.period), []).append(estimate)
    series = []
    for (key, unit, period), estimates in groups.items():
        estimates.sort(key=lambda e: (e.claim.as_of or "", e.claim.value))
        label = estimates[0].claim.measure_label
        series.append(ClaimSeries(key, label, unit, period, estimates, find_conflicts(estimates)))
    series.sort(key=lambda s: (-len(s.estimates), s.measure))
    return series
