"""bench/quality_relations.py forgives an extracted row that repeats an already-matched gold
row's fact under the same written names, and counts as a false positive a row that matched
only through an alias or a country and lost the one-to-one assignment. Invented names."""

from __future__ import annotations

from typing import Any

from benchkit import load_bench
from sanctionwatch.extract.relation_query import RelationRow

quality = load_bench("quality_relations")


def _row(kind: str, source: str, target: str, source_id: str | None = None) -> RelationRow:
    return RelationRow(kind, "Thing", f"rel-{kind}-{source}", source_id, source, None, target)


def _score(
    gold: list[Any], rows: list[RelationRow], book: Any = None
) -> tuple[dict[str, Any], list[str]]:
    report: list[str] = []
    result = {row["kind"]: row for row in quality.score(gold, {"doc": rows}, report, book)}
    return result, report


def test_the_same_fact_twice_under_the_same_names_is_forgiven() -> None:
    gold = [quality.GoldRelation("doc", "employment", "Anna Quist", "Sobaek Shipping")]
    rows = [
        _row("employment", "Anna Quist", "Sobaek Shipping"),
        _row("employment", "Quist", "Sobaek Shipping Co"),
    ]
    counts, report = _score(gold, rows)
    employment = counts["employment"]
    assert (employment["tp"], employment["fp"], employment["fn"]) == (1, 0, 0)
    assert employment["name_only_forgiven"] == 1
    assert sum(line.startswith("DUP ") for line in report) == 1


def test_a_row_matched_only_by_country_leniency_that_loses_the_gold_row_is_spurious() -> None:
    gold = [quality.GoldRelation("doc", "nationality", "Pak Il-nam", "North Korea")]
    rows = [
        _row("nationality", "Pak Il-nam", "North Korea"),
        _row("nationality", "Pak Il-nam", "Democratic People's Republic of Korea"),
    ]
    counts, report = _score(gold, rows)
    nationality = counts["nationality"]
    assert (nationality["tp"], nationality["fp"], nationality["fn"]) == (1, 1, 0)
    assert nationality["name_only_forgiven"] == 0
    assert any(line.startswith("FP ") and "Democratic" in line for line in report)


def test_a_row_matched_only_through_a_stored_alias_that_loses_the_gold_row_is_spurious() -> None:
    gold = [quality.GoldRelation("doc", "employment", "Anna Quist", "Sobaek Shipping")]
    rows = [
        _row("employment", "Anna Quist", "Sobaek Shipping"),
        _row("employment", "A. Q. Kang", "Sobaek Shipping", source_id="p-1"),
    ]
    book = quality.NameBook(found={("doc", "p-1"): ("A. Q. Kang", "Anna Quist")})
    counts, _ = _score(gold, rows, book)
    assert (counts["employment"]["tp"], counts["employment"]["fp"]) == (1, 1)
    assert counts["employment"]["name_only_forgiven"] == 0


def test_one_row_for_two_gold_rows_counts_once_and_forgives_nothing() -> None:
    gold = [
        quality.GoldRelation("doc", "employment", "Anna Quist", "Sobaek Shipping"),
        quality.GoldRelation("doc", "employment", "Anna Quist", "Sobaek Shipping Co"),
    ]
    rows = [_row("employment", "Anna Quist", "Sobaek Shipping")]
    counts, _ = _score(gold, rows)
    assert (counts["employment"]["tp"], counts["employment"]["fp"], counts["employment"]["fn"]) == (
        1,
        0,
        1,
    )
    assert counts["employment"]["name_only_forgiven"] == 0
