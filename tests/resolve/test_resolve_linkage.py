from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sanctionwatch.resolve.linkage import (
    LinkConfigError,
    Preparer,
    column_table,
    link_registry,
    load_link_config,
    parse_link_config,
    read_registry_csv,
    run_splink,
)
from sanctionwatch.store import Database

AddEntity = Callable[..., str]

REGISTRY = """id,name,legal_form,address,country,registration_number
1,Korea Pugang Trading Corp.,,"12 Harbour Street, Nampo",KP,
2,KOREA PUGANG TRADING CORPORATION,,"12 Harbour St, Nampo",North Korea,
3,Arrowcrest Limited,,"5 Makariou Avenue, Limassol",Cyprus,HE123456
4,Arrowcrest Ltd,,"5 Makariou Ave, Limassol",CY,HE 123456
5,Sunrise Fisheries LLC,,"1 Pier Road, Vladivostok",RU,1022500000001
6,,,,,
7,Too,many,fields,here,x,y
8,Unrelated Widgets GmbH,,"9 Main Street, Berlin",DE,HRB 1
3,Arrowcrest again,,,CY,
10,Sunrise Fisheries Limited Liability Company,,"1 Pier Rd, Vladivostok",Russia,
"""

EXPECTED_CLUSTERS = [{"1", "2"}, {"3", "4"}, {"5", "10"}, {"8"}]


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def _clusters(result_clusters: dict[str, str]) -> list[set[str]]:
    grouped: dict[str, set[str]] = {}
    for uid, cluster in result_clusters.items():
        grouped.setdefault(cluster, set()).add(uid.removeprefix("r:"))
    return sorted(grouped.values(), key=lambda c: min(c, key=int))


def _prepared(registry: Path) -> dict[str, list[str | None]]:
    config = load_link_config()
    records, _ = read_registry_csv(registry, config)
    preparer = Preparer(config)
    return column_table([preparer.prepare(r, "r:") for r in records])


def test_bad_rows_are_reported_by_line_and_the_rest_read(registry: Path) -> None:
    records, bad = read_registry_csv(registry, load_link_config())
    assert [(b.line, b.problem.split(" (")[0]) for b in bad] == [
        (7, "no company name"),
        (8, "7 fields, the header has 6"),
        (10, "duplicate id '3'"),
    ]
    assert [r.id for r in records] == ["1", "2", "3", "4", "5", "8", "10"]


def test_a_csv_without_a_name_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,title\n1,foo\n", encoding="utf-8")
    with pytest.raises(LinkConfigError, match=r"x\.csv: no name column"):
        read_registry_csv(path, load_link_config())


def test_preparation_folds_legal_forms_countries_and_addresses() -> None:
    config = load_link_config()
    preparer = Preparer(config)
    from sanctionwatch.resolve.linkage import RawRecord

    a = preparer.prepare(
        RawRecord("a", "Rungrado L.L.C.", address="3 Main Street", country="Slovenia")
    )
    b = preparer.prepare(RawRecord("b", "RUNGRADO LLC", address="3 main st.", country="SI"))
    assert a == {**b, "unique_id": "a"}
    assert a["legal_form"] == "llc" and a["country"] == "si" and a["name_first"] == "rungrado"


def test_model_file_is_validated(tmp_path: Path) -> None:
    with pytest.raises(LinkConfigError, match="needs 3 m and u"):
        parse_link_config(
            {
                "version": 1,
                "expected_matches_per_record": 0.5,
                "threshold": 0.9,
                "csv_columns": {"name": ["name"]},
                "blocking_rules": [["name_first"]],
                "comparisons": [
                    {
                        "column": "name_norm",
                        "kind": "jaro_winkler",
                        "thresholds": [0.9],
                        "m": [0.9, 0.1],
                        "u": [0.1, 0.9],
                    }
                ],
            },
            tmp_path / "bad.yaml",
        )


def test_duckdb_dedupes_the_registry(registry: Path) -> None:
    result = run_splink(_prepared(registry), load_link_config(), backend="duckdb")
    assert _clusters(result.clusters) == EXPECTED_CLUSTERS
    explained = {(p.left, p.right): p.weights for p in result.pairs}
    assert explained[("r:3", "r:4")]["registration_number"] > 10


def test_registry_links_to_graph_and_list_entities(
    database: Database, add_entity: AddEntity, registry: Path
) -> None:
    add_entity(
        "ofac-pugang",
        "Company",
        {
            "name": ["KOREA PUGANG TRADING CORPORATION"],
            "country": ["kp"],
            "address": ["12 Harbour Street, Nampo"],
        },
        dataset="us_ofac_sdn",
        origin="list:us_ofac_sdn",
    )
    add_entity(
        "doc-arrowcrest",
        "Company",
        {"name": ["Arrowcrest Ltd"], "jurisdiction": ["cy"], "registrationNumber": ["HE123456"]},
    )
    add_entity("doc-person", "Person", {"name": ["Arrowcrest Limited"]})
    report = link_registry(database, registry)
    by_id = {row.record.id: row for row in report.rows}
    assert [m["entity_id"] for m in by_id["1"].matches] == ["ofac-pugang"]
    assert [m["entity_id"] for m in by_id["2"].matches] == ["ofac-pugang"]
    assert [m["entity_id"] for m in by_id["3"].matches] == ["doc-arrowcrest"]
    assert by_id["8"].matches == []
    assert by_id["1"].duplicates == ["2"] or by_id["2"].duplicates == ["1"]
    assert [b.line for b in report.bad_rows] == [7, 8, 10]
    assert report.linked == 4


@pytest.mark.slow
def test_spark_runs_the_same_model_to_the_same_clusters(registry: Path) -> None:
    pytest.importorskip("pyspark")
    from sanctionwatch.resolve.linkage import local_spark

    spark = local_spark(cores=1)
    table = _prepared(registry)
    config = load_link_config()
    on_spark = run_splink(table, config, backend="spark", spark=spark)
    on_duckdb = run_splink(table, config, backend="duckdb")
    assert _clusters(on_spark.clusters) == _clusters(on_duckdb.clusters) == EXPECTED_CLUSTERS
    spark_probabilities = {(p.left, p.right): p.probability for p in on_spark.pairs}
    for pair in on_duckdb.pairs:
        assert spark_probabilities[(pair.left, pair.right)] == pytest.approx(pair.probability)
