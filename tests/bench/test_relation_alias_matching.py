"""bench/quality_relations.py matches a relation's ends through their other names (gold
aliases, names stored for the extracted entity, one country under several names) and counts
each gold row against at most one extracted row; bench/extraction_quality.py prints how many
rows changed status. Names are invented for these tests."""

from __future__ import annotations

from typing import Any

from benchkit import load_bench
from sanctionwatch.extract.relation_query import RelationRow

quality = load_bench("quality_relations")
bench = load_bench("extraction_quality")


def _row(
    kind: str, source: str, target: str, source_id: str | None = None, target_id: str | None = None
) -> RelationRow:
    return RelationRow(kind, "Thing", f"rel-{kind}-x", source_id, source, target_id, target)


def _gold(kind: str, source: str, target: str) -> Any:
    return quality.GoldRelation("doc", kind, source, target)


def _counts(gold: list[Any], rows: list[RelationRow], book: Any = None) -> dict[str, Any]:
    report: list[str] = []
    result = {row["kind"]: row for row in quality.score(gold, {"doc": rows}, report, book)}
    result["report"] = report
    return result


def test_a_gold_alias_finds_the_country_the_graph_names_otherwise() -> None:
    gold = [_gold("nationality", "Pak Il-nam", "Democratic People's Republic of Korea")]
    rows = [_row("nationality", "Pak Il-nam", "North Korea")]
    book = quality.NameBook(
        gold={"doc": [("Democratic People's Republic of Korea", "DPRK", "North Korea")]}
    )
    counts = _counts(gold, rows, book)
    assert counts["nationality"]["tp"] == 1 and counts["nationality"]["fp"] == 0
    assert counts["nationality"]["name_only_tp"] == 0
    assert counts["nationality"]["name_only_fp"] == 1
    assert counts["nationality"]["name_only_gained"] == 1
    assert any(line.startswith("ALIAS+ doc nationality") for line in counts["report"])


def test_two_names_of_one_country_match_without_a_listed_alias() -> None:
    gold = [_gold("registration", "Velkor Shipping Ltd", "the U.S.")]
    counts = _counts(gold, [_row("registration", "Velkor Shipping Ltd", "United States")])
    assert counts["registration"]["tp"] == 1


def test_a_city_is_not_its_country_and_an_alias_is_no_word_subset() -> None:
    gold = [_gold("location", "Velkor Shipping Ltd", "Seoul")]
    counts = _counts(gold, [_row("location", "Velkor Shipping Ltd", "South Korea")])
    assert counts["location"]["tp"] == 0 and counts["location"]["fp"] == 1
    gold = [_gold("employment", "Anna Quist", "Sobaek Trading Corporation")]
    book = quality.NameBook(gold={"doc": [("Sobaek Trading Corporation", "Sobaek")]})
    counts = _counts(gold, [_row("employment", "Anna Quist", "Sobaek Shipping")], book)
    assert counts["employment"]["tp"] == 0 and counts["employment"]["fn"] == 1


def test_a_name_stored_for_the_extracted_entity_matches_the_gold_name() -> None:
    gold = [_gold("subsidiary", "Ministry of Light Industry", "KRTC")]
    rows = [_row("subsidiary", "Ministry of Light Industry", "Korea Ryonghwa Trading", "m", "k")]
    assert _counts(gold, rows)["subsidiary"]["tp"] == 0
    book = quality.NameBook(found={("doc", "k"): ("Korea Ryonghwa Trading", "KRTC")})
    assert _counts(gold, rows, book)["subsidiary"]["tp"] == 1
    other_page = quality.NameBook(found={("elsewhere", "k"): ("KRTC",)})
    assert _counts(gold, rows, other_page)["subsidiary"]["tp"] == 0


def test_one_extracted_row_counts_for_one_gold_row_only() -> None:
    gold = [
        _gold("sanction", "Songbong Institute", "South Korea"),
        _gold("sanction", "Hwasong Bureau", "South Korea"),
    ]
    rows = [_row("sanction", "Songbong Institute and Hwasong Bureau", "South Korea")]
    counts = _counts(gold, rows)
    assert counts["sanction"]["name_only_tp"] == 2
    assert counts["sanction"]["tp"] == 1 and counts["sanction"]["fn"] == 1
    assert counts["sanction"]["name_only_lost"] == 1
    assert any(line.startswith("STRICT- doc sanction") for line in counts["report"])


def test_the_assignment_gives_every_gold_row_a_row_when_it_can() -> None:
    gold = [
        _gold("employment", "Anna Quist", "Velkor Shipping Ltd"),
        _gold("employment", "Anna Quist", "Velkor"),
    ]
    rows = [
        _row("employment", "Anna Quist", "Velkor"),
        _row("employment", "Anna Quist", "Velkor Shipping Ltd"),
    ]
    assert _counts(gold, rows)["employment"]["tp"] == 2
    assert quality.assign([[0, 1], [0]]) == {0: 1, 1: 0}
    assert quality.assign([[0], [0], []]) == {0: 0}


def test_identical_rows_count_once_and_are_not_spurious() -> None:
    gold = [_gold("membership", "Anna Quist", "Workers' Party of Korea")]
    rows = [_row("membership", "Anna Quist", "Workers' Party of Korea")] * 3
    counts = _counts(gold, rows)
    assert (counts["membership"]["tp"], counts["membership"]["fp"]) == (1, 0)


def test_the_bench_prints_both_matchings_per_set() -> None:
    rows = [
        {
            "section": "setA",
            "kind": "nationality",
            "group": "relation",
            "tp": 3,
            "fp": 1,
            "fn": 2,
            "name_only": [2, 2, 3, 1, 0, 2],
            "errors": ["ALIAS+ doc nationality: A -> B (as C)", "FN doc nationality: D -> E"],
        },
        {
            "section": "setA",
            "kind": "sanction",
            "group": "relation",
            "tp": 1,
            "fp": 0,
            "fn": 1,
            "name_only": [2, 0, 0, 0, 1, 0],
            "errors": [],
        },
    ]
    merged = bench.merge_rows([rows], "all")
    assert [row["name_only"] for row in merged] == [[2, 2, 3, 1, 0, 2], [2, 0, 0, 0, 1, 0]]
    (change,) = bench.matching_changes(rows)
    assert change["name_only"][:3] == [4, 2, 3]
    assert change["alias_aware"][:3] == [4, 1, 3]
    assert (change["gained"], change["lost"], change["fp_gone"]) == (1, 1, 1)
    assert change["forgiven"] == 2
    assert change["lines"] == ["ALIAS+ doc nationality: A -> B (as C)"]


def test_a_described_group_matches_under_another_worker_word_only() -> None:
    gold = [_gold("employment", "North Korean workers", "Velkor Shipping Ltd")]
    rows = [_row("employment", "North Korean labourers", "Velkor Shipping Ltd", None, "v")]
    assert _counts(gold, rows)["employment"]["tp"] == 1
    for other in ("North Korean welders", "Chinese labourers"):
        rows = [_row("employment", other, "Velkor Shipping Ltd", None, "v")]
        assert _counts(gold, rows)["employment"]["tp"] == 0, other
    named = [_gold("employment", "Anna Quist", "Velkor Shipping Ltd")]
    assert quality.group_key("Anna Quist") is None
    assert _counts(named, rows)["employment"]["tp"] == 0


# -- traps: matches that would turn a wrong row into a right one (review of session 8) -------


def test_a_name_of_another_gold_entity_merged_into_the_extracted_one_does_not_match() -> None:
    """The extractor merged Velkor into Sobaek's entity: a row about Velkor stays wrong for
    the gold row about Sobaek, while a stored abbreviation of Velkor itself still counts."""
    gold = [_gold("employment", "Anna Quist", "Sobaek Trading Corporation")]
    rows = [_row("employment", "Anna Quist", "Velkor Shipping Ltd", "a", "v")]
    entities = [("Sobaek Trading Corporation", "STC"), ("Velkor Shipping Ltd", "VSL")]
    merged = quality.NameBook(
        gold={"doc": entities},
        found={("doc", "v"): ("Velkor Shipping Ltd", "Sobaek Trading Corporation")},
    )
    counts = _counts(gold, rows, merged)["employment"]
    assert (counts["tp"], counts["fp"], counts["fn"]) == (0, 1, 1)
    own_alias = quality.NameBook(
        gold={"doc": entities}, found={("doc", "s"): ("Sobaek Trading", "STC")}
    )
    rows = [_row("employment", "Anna Quist", "Sobaek Trading", "a", "s")]
    assert _counts(gold, rows, own_alias)["employment"]["tp"] == 1


def test_a_city_or_region_never_stands_for_its_country() -> None:
    for place in ("Vladivostok", "the Russian Far East", "Moscow"):
        gold = [_gold("location", "Velkor Shipping Ltd", "Russia")]
        rows = [_row("location", "Velkor Shipping Ltd", place, "v", "p")]
        book = quality.NameBook(gold={"doc": [("Russia", "Russian Federation")]})
        counts = _counts(gold, rows, book)["location"]
        assert (counts["tp"], counts["fp"]) == (0, 1), place


def test_an_organisation_is_not_its_country() -> None:
    """Word subsets join "North Korea" to "North Korea's Ministry of State Security" under the
    name-only matching; the alias-aware matching keeps a country and its organ apart."""
    gold = [_gold("employment", "Anna Quist", "North Korea")]
    rows = [_row("employment", "Anna Quist", "North Korea's Ministry of State Security")]
    counts = _counts(gold, rows)["employment"]
    assert counts["name_only_tp"] == 1
    assert (counts["tp"], counts["fp"], counts["name_only_lost"]) == (0, 1, 1)
    gold = [_gold("nationality", "Anna Quist", "North Korea")]
    for same in ("North Korea", "the DPRK", "North Korean"):
        rows = [_row("nationality", "Anna Quist", same)]
        assert _counts(gold, rows)["nationality"]["tp"] == 1, same


def test_a_group_the_page_names_apart_is_another_group() -> None:
    """A page with North Korean workers at Velkor and North Korean IT workers at Sobaek: the
    IT workers' row does not stand in for the other group's. With one group on the page, a
    shorter or longer mention of it ("IT workers") is that group (the gold's wording)."""
    gold = [
        _gold("employment", "North Korean workers", "Velkor Shipping Ltd"),
        _gold("employment", "North Korean IT workers", "Sobaek Trading Corporation"),
    ]
    rows = [_row("employment", "North Korean IT workers", "Velkor Shipping Ltd", None, "v")]
    counts = _counts(gold, rows)["employment"]
    assert counts["name_only_tp"] == 1
    assert (counts["tp"], counts["fp"], counts["name_only_lost"]) == (0, 1, 1)
    rows = [_row("employment", "North Korean laborers", "Velkor Shipping Ltd", None, "v")]
    assert _counts(gold, rows)["employment"]["tp"] == 1
    alone = gold[:1]
    rows = [_row("employment", "North Korean IT workers", "Velkor Shipping Ltd", None, "v")]
    assert _counts(alone, rows)["employment"]["tp"] == 1


def test_a_wrong_country_stays_wrong_through_every_path() -> None:
    gold = [_gold("nationality", "Anna Quist", "South Korea")]
    book = quality.NameBook(gold={"doc": [("South Korea", "Republic of Korea", "ROK")]})
    for wrong in ("North Korea", "Korea DPR", "the DPRK"):
        counts = _counts(gold, [_row("nationality", "Anna Quist", wrong, "a", "k")], book)
        assert counts["nationality"]["tp"] == 0, wrong


def test_the_assignment_is_maximum_and_the_same_in_every_run() -> None:
    """Kuhn's augmenting paths: a greedy first choice (gold 0 takes row 0) is undone when
    that is the only row gold 1 can have; the result depends on the input only."""
    assert quality.assign([[0, 1], [0]]) == {0: 1, 1: 0}
    chain = [[0, 1], [1, 2], [2, 0], [0]]
    first = quality.assign(chain)
    assert len(first) == 3 and len(set(first.values())) == 3
    assert all(first[gold] in chain[gold] for gold in first)
    assert [quality.assign(chain) for _ in range(5)] == [first] * 5
