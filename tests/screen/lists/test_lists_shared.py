"""The real list snapshots in ../shared load with the counts PROVENANCE.md gives for them."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import load_list_file, read_entities
from sanctionwatch.store import Database

pytestmark = pytest.mark.shared

UN_NEW = "un_consolidated_2026-02-27.xml"
UN_OLD = "un_consolidated_2025-11-20.xml"
IGNORED_UN_TAGS = {"DATAID", "VERSIONNUM", "LAST_DAY_UPDATED", "SORT_KEY", "SORT_KEY_LAST_MOD"}


def _sanctions_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "sanctions"


def _targets(entities: list[EntityProxy]) -> Counter[str]:
    return Counter(e.schema.name for e in entities if e.schema.name != "Sanction")


def _designations(entities: list[EntityProxy]) -> int:
    return sum(1 for e in entities if e.schema.name == "Sanction")


@pytest.mark.parametrize(
    ("name", "persons", "organizations"),
    [(UN_NEW, 730, 273), (UN_OLD, 727, 273)],
)
def test_un_counts(shared_dir: Path, name: str, persons: int, organizations: int) -> None:
    entities = read_entities(_sanctions_dir(shared_dir) / name, "un-xml")
    assert _targets(entities) == Counter({"Person": persons, "Organization": organizations})
    assert _designations(entities) == persons + organizations
    dprk = [e for e in entities if e.schema.name != "Sanction" and e.get("program") == ["DPRK"]]
    assert Counter(e.schema.name for e in dprk) == Counter({"Person": 80, "Organization": 75})
    pugang = [e for e in entities if e.id == "un-sc-KPe.038"]
    assert pugang[0].get("name") == ["KOREA PUGANG TRADING CORPORATION"]


def test_ofac_sdn_csv_counts(shared_dir: Path) -> None:
    entities = read_entities(_sanctions_dir(shared_dir) / "ofac_sdn_2024-05-03.csv", "ofac-csv")
    assert _targets(entities) == Counter(
        {"Organization": 6884, "Person": 6854, "Vessel": 851, "Airplane": 376}
    )
    assert _designations(entities) == 14965
    dprk = [
        e
        for e in entities
        if e.schema.name != "Sanction" and any(p.startswith("DPRK") for p in e.get("program"))
    ]
    assert len(dprk) == 484
    by_id = {e.id: e for e in entities}
    assert by_id["ofac-24606"].get("swiftBic") == ["AGSZRU31", "AGSZRU33"]
    assert by_id["ofac-19613"].get("name") == ["KOREA RUNGRADO GENERAL TRADING CORPORATION"]
    assert by_id["ofac-23166"].get("imoNumber") == ["IMO8989795"]


def test_ofac_consolidated_xml_counts(shared_dir: Path) -> None:
    path = _sanctions_dir(shared_dir) / "ofac_consolidated_nonsdn_2026-01-08.xml"
    entities = read_entities(path, "ofac-xml")
    assert sum(_targets(entities).values()) == 442
    assert _designations(entities) == 442
    programs = Counter(p for e in entities if e.schema.name != "Sanction" for p in e.get("program"))
    assert programs["UKRAINE-EO13662"] == 286
    assert not any(p.startswith("DPRK") for p in programs)
    assert any(e.has("weakAlias") for e in entities if e.schema.name != "Sanction")


def test_eu_journal_csv_counts(shared_dir: Path) -> None:
    path = _sanctions_dir(shared_dir) / (
        "eu_dprk_reg2017-1509_opensanctions-transcription_2025-12-17.csv"
    )
    entities = read_entities(path, "eu-journal-csv")
    assert _targets(entities) == Counter({"Person": 157, "LegalEntity": 94, "Vessel": 75})
    rungrado = [
        e
        for e in entities
        if "Korea Rungrado General Trading Corporation" in e.get("name", quiet=True)
    ]
    assert len(rungrado) == 1 and "조선릉라도무역총회사" in rungrado[0].get("alias")


def test_derived_names_counts(shared_dir: Path) -> None:
    path = _sanctions_dir(shared_dir) / "derived_eu_un_ofaccons_names_2026-01-28_pakote_all.json"
    entities = read_entities(path, "derived-json")
    assert sum(_targets(entities).values()) == 6814
    authorities = Counter(e.get("authority")[0] for e in entities if e.schema.name == "Sanction")
    assert authorities["Council of the European Union"] == 5795
    assert authorities["United Nations Security Council"] == 998
    assert authorities["Office of Foreign Assets Control (US Treasury)"] == 442


def test_uk_sample_counts(shared_dir: Path) -> None:
    path = _sanctions_dir(shared_dir) / "uk_ofsi_conlist_SAMPLE-77rows_c2020-02.csv"
    with path.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == 77
    groups = {row[-1] for row in rows}
    entities = read_entities(path, "uk-csv")
    assert sum(_targets(entities).values()) == len(groups)
    dprk = [e for e in entities if any("North Korea" in p for p in e.get("program", quiet=True))]
    assert sorted(e.schema.name for e in dprk if e.schema.name != "Sanction") == [
        "Organization",
        "Person",
        "Vessel",
    ]


def _un_records(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Reference number → sorted leaf (tag, text) pairs, parsed independently of the loader."""
    root = ElementTree.parse(path).getroot()
    records: dict[str, list[tuple[str, str]]] = {}
    for record in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]:
        reference = (record.findtext("REFERENCE_NUMBER") or "").strip()
        leaves = [
            (leaf.tag, " ".join((leaf.text or "").split()))
            for leaf in record.iter()
            if len(leaf) == 0 and leaf.tag not in IGNORED_UN_TAGS and (leaf.text or "").strip()
        ]
        records[reference] = sorted(leaves)
    return records


def test_diff_between_un_snapshots_matches_independent_parse(
    shared_dir: Path, sqlite_database: Database
) -> None:
    folder = _sanctions_dir(shared_dir)
    old = load_list_file(sqlite_database, folder / UN_OLD, "un-xml")
    new = load_list_file(sqlite_database, folder / UN_NEW, "un-xml")
    with sqlite_database.session() as session:
        diff = diff_versions(session, old.version_id, new.version_id)
    before, after = _un_records(folder / UN_OLD), _un_records(folder / UN_NEW)
    expected_added = {f"un-sc-{ref}" for ref in after.keys() - before.keys()}
    expected_removed = {f"un-sc-{ref}" for ref in before.keys() - after.keys()}
    expected_changed = {
        f"un-sc-{ref}" for ref in before.keys() & after.keys() if before[ref] != after[ref]
    }
    assert expected_added and expected_removed and expected_changed
    assert {entry.entity_id for entry in diff.added} == expected_added
    assert {entry.entity_id for entry in diff.removed} == expected_removed
    assert {entry.entity_id for entry in diff.changed} == expected_changed
    payload = json.dumps(diff.to_dict())
    assert "sanction.reason" in payload
