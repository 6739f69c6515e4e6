"""bench/quality_relations.py scores a `family` row against gold written before that kind
existed (a family tie annotated as `unknown`), in either direction, and nothing else."""

from __future__ import annotations

from benchkit import load_bench
from sanctionwatch.extract.relation_query import RelationRow

quality = load_bench("quality_relations")


def _row(kind: str, source: str, target: str) -> RelationRow:
    schema = "Family" if kind == "family" else "UnknownLink"
    return RelationRow(kind, schema, f"rel-{kind}-x", "a", source, "b", target)


def test_a_family_row_matches_a_family_tie_annotated_as_unknown() -> None:
    gold = [quality.GoldRelation("doc", "unknown", "Ri Yong Ho", "Ri Chol")]
    rows = {"doc": [_row("family", "Ri Chol", "Ri Yong Ho")]}
    counts = {row["kind"]: row for row in quality.score(gold, rows)}
    assert counts["unknown"]["tp"] == 1
    assert "family" not in counts  # matched, so no spurious family row


def test_a_family_row_matching_no_gold_is_spurious_and_kinds_stay_apart() -> None:
    gold = [quality.GoldRelation("doc", "ownership", "Ri Chol", "Ri Yong Ho")]
    rows = {"doc": [_row("family", "Ri Chol", "Ri Yong Ho")]}
    counts = {row["kind"]: row for row in quality.score(gold, rows)}
    assert counts["family"]["fp"] == 1
    assert counts["ownership"]["fn"] == 1
    gold = [quality.GoldRelation("doc", "family", "Ri Chol", "Ri Yong Ho")]
    rows = {"doc": [_row("unknown", "Ri Chol", "Ri Yong Ho")]}
    counts = {row["kind"]: row for row in quality.score(gold, rows)}
    assert counts["family"]["fn"] == 1  # an unknown row is no family tie
