"""Flags on the seed articles after the whole pipeline (ingest, extract, UN + OFAC lists,
resolve, screen). Needs ../shared (skips without it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.flags.engine import FlagView, evaluate_flags, flag_detail, list_flags
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.resolve import resolve_entities
from sanctionwatch.screen.lists.formats import detect_format
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.store import Database

pytestmark = [pytest.mark.shared, pytest.mark.slow]

LISTS = ("ofac_sdn_2024-05-03.csv", "un_consolidated_2026-02-27.xml")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[FlagView]]]:
    from tests.conftest import SHARED_DIR

    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} not present")
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}")
    database.migrate()
    assert ingest_paths(database, [SHARED_DIR / "corpus" / "seeds"]).ok
    extract_documents(database)
    for name in LISTS:
        path: Path = SHARED_DIR / "data" / "sanctions" / name
        fmt = detect_format(path)
        assert fmt is not None, path
        load_list_file(database, path, fmt)
    resolve_entities(database)
    screen_all(database)
    evaluate_flags(database)
    with database.session() as session:
        flags = list_flags(session)
    yield database, flags
    database.dispose()


def sentences(database: Database, flag: FlagView) -> list[str]:
    with database.session() as session:
        return [e.sentence or "" for e in flag_detail(session, flag.id).evidence]


def test_shared_address_cluster_around_the_vladivostok_consulate(
    seeded: tuple[Database, list[FlagView]],
) -> None:
    database, flags = seeded
    clusters = [
        f
        for f in flags
        if f.rule_id == "shared_address" and "consulate" in f.explanation.casefold()
    ]
    assert clusters, [f.explanation for f in flags if f.rule_id == "shared_address"]
    cited = " ".join(s for f in clusters for s in sentences(database, f))
    assert "Vladivostok" in cited and "twelve" in cited


def test_arrowcrest_is_an_offshore_shareholder_of_rungrado(
    seeded: tuple[Database, list[FlagView]],
) -> None:
    database, flags = seeded
    found = [
        f
        for f in flags
        if f.rule_id == "offshore_shareholder"
        and any("Arrowcrest" in name for name in f.entity_names)
        and any("Rungrado" in name for name in f.entity_names)
    ]
    assert found, [f.explanation for f in flags if f.rule_id == "offshore_shareholder"]
    assert "Cyprus" in found[0].explanation
    cited = " ".join(sentences(database, found[0]))
    assert "Arrowcrest Limited" in cited and "Cyprus" in cited and "shareholder" in cited


def test_korea_rungrado_is_designated_by_ofac(seeded: tuple[Database, list[FlagView]]) -> None:
    database, flags = seeded
    found = [
        f
        for f in flags
        if f.rule_id == "designated_party"
        and any("Rungrado General Trading" in name for name in f.entity_names)
    ]
    assert found, [f.explanation for f in flags if f.rule_id == "designated_party"][:20]
    assert "ofac" in found[0].explanation.casefold()
    cited = sentences(database, found[0])
    assert any("Rungrado" in sentence for sentence in cited)


@pytest.mark.parametrize(
    ("rule_id", "words"),
    [
        ("relocation_unreported_territory", ("Abkhazia", "workers")),
        ("non_work_visas", ("student", "visas")),
        ("cash_smuggling", ("cash", "Vladivostok")),
    ],
)
def test_sentence_rules_cite_the_seed_sentences(
    seeded: tuple[Database, list[FlagView]], rule_id: str, words: tuple[str, ...]
) -> None:
    database, flags = seeded
    cited = [s for f in flags if f.rule_id == rule_id for s in sentences(database, f)]
    assert any(all(word in s for word in words) for s in cited), cited


def test_resolution_keeps_sibling_designations_apart(
    seeded: tuple[Database, list[FlagView]],
) -> None:
    from sqlalchemy import select

    from sanctionwatch.resolve import canonical_id
    from sanctionwatch.resolve.tables import CanonicalIdRow
    from sanctionwatch.store.tables import StatementRow

    database, _flags = seeded
    with database.session() as session:
        listed = session.execute(
            select(CanonicalIdRow.canonical_id, StatementRow.dataset, StatementRow.entity_id)
            .join(StatementRow, StatementRow.entity_id == CanonicalIdRow.entity_id)
            .where(StatementRow.origin.startswith("list:"))
            .distinct()
        ).all()
        entries: dict[tuple[str, str], set[str]] = {}
        for root, dataset, entity_id in listed:
            entries.setdefault((root, dataset), set()).add(entity_id)
        assert all(len(ids) == 1 for ids in entries.values()), [
            ids for ids in entries.values() if len(ids) > 1
        ]
        by_name = dict(
            session.execute(
                select(StatementRow.value, StatementRow.entity_id).where(
                    StatementRow.prop == "name",
                    StatementRow.value.in_(
                        ["KOREA RUNGRADO SHIPPING CO", "KOREA RUNGRADO GENERAL TRADING CORPORATION"]
                    ),
                )
            ).all()
        )
        assert len(by_name) == 2
        shipping, trading = (canonical_id(session, by_name[n]) for n in sorted(by_name))
        assert shipping != trading


def test_no_name_reuse_for_the_airline_and_no_reporters_relocated(
    seeded: tuple[Database, list[FlagView]],
) -> None:
    _database, flags = seeded
    reuse = [name for f in flags if f.rule_id == "name_reuse" for name in f.entity_names]
    assert reuse and not any("Air Koryo" in name for name in reuse), reuse
    relocated = [
        name
        for f in flags
        if f.rule_id == "relocation_unreported_territory"
        for name in f.entity_names
    ]
    assert not {"Izvestia", "United Nations", "Alexander Matsegora"} & set(relocated), relocated
