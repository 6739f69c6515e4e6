"""The claim as the extractor produces it, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    """One quantitative statement of a document, with its provenance.

    ``start``/``end`` are offsets in the document's ORIGINAL text; ``value`` is the stated figure
    (for a range: its lower bound, with ``value_low``/``value_high``); percents keep their number
    (40 percent -> 40, unit ``percent``) and fractions become ratios (two-thirds -> 0.6667).
    ``as_of_phrase`` is the text that dates the figure ("as of early December", "within 24
    months"; None when nothing did), ``as_of_rule`` the rule that resolved it and
    ``as_of_note`` against what ("the latest December not after the publication date 2019-12").
    """

    id: str
    document_id: str
    measure: str
    measure_label: str
    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    text: str
    sentence: str
    extractor_version: str
    confidence: float
    value_low: float | None = None
    value_high: float | None = None
    period: str | None = None
    as_of: str | None = None
    as_of_kind: str = "document-date"
    as_of_phrase: str | None = None
    as_of_rule: str | None = None
    as_of_note: str | None = None
    subject_entity_id: str | None = None
    subject_name: str | None = None
    asserted_by: str | None = None
    asserter_entity_id: str | None = None
