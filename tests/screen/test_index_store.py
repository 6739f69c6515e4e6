"""The stored screening index: reused while the lists are unchanged, rebuilt when they change,
never trusted when damaged, and equal in every search to the index it was written from."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.screen.index import ScreeningIndex, make_query_entity
from sanctionwatch.screen.index_store import (
    MAGIC,
    StaleIndexError,
    cached_list_index,
    dump_index,
    index_key,
    index_path,
    read_index,
)
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.screen.screening import build_list_index
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements

FIXTURES = Path(__file__).parent / "lists" / "fixtures"
QUERIES = [
    ("Kim Chong-un", "Person"),
    ("KOREA PUGANG TRADING CORP.", "Organization"),
    ("Корея Пуганг", "Thing"),
    ("Sobaeksu Trading Company", "Company"),
    ("Jang Song Thaek", "Person"),
]


def listed(entity_id: str, schema: str, version: str = "v1", **props: str) -> list[Statement]:
    return [
        Statement(entity_id, schema, prop, value, "un_sc", "list:un_sc", version)
        for prop, value in props.items()
    ]


def seed(database: Database) -> None:
    statements = [
        *listed("un-kju", "Person", name="KIM JONG UN", birthDate="1984-01-08"),
        *listed("un-kju", "Person", alias="Kim Jong-un", weakAlias="Jongun"),
        *listed("un-pugang", "Organization", name="KOREA PUGANG TRADING CORPORATION"),
        *listed("un-pugang-2", "Organization", name="Korea Pugang Trading Corporation"),
        *listed("un-tongsan", "Vessel", name="TONG SAN 2", imoNumber="8937675"),
        *listed("un-s1", "Sanction", entity="un-pugang", program="DPRK", authority="UNSC"),
    ]
    with database.session() as session:
        add_statements(session, statements)


def results(index: ScreeningIndex) -> list[list[tuple[str, float, str | None, list[str]]]]:
    found = []
    for name, schema in QUERIES:
        hits = index.search(make_query_entity(name, schema), limit=10)
        found.append(
            [
                (
                    hit.entity.id,
                    round(hit.score, 9),
                    hit.result.candidate_name,
                    hit.result.explanation,
                )
                for hit in hits
            ]
        )
    return found


def test_stored_index_answers_every_query_like_the_built_one(
    database: Database, tmp_path: Path
) -> None:
    seed(database)
    load_list_file(database, FIXTURES / "un_consolidated.xml", "un-xml")
    built = build_list_index(database)
    with database.session() as session:
        key = index_key(session)
    path = tmp_path / "lists.screen-index"
    dump_index(built, path, key)
    loaded = read_index(path, key)
    assert len(loaded) == len(built)
    assert list(loaded.names) == list(built.names)
    assert list(loaded.forms) == list(built.forms)
    assert [(e.id, e.evidence, e.sanctions, e.version) for e in loaded.entities] == [
        (e.id, e.evidence, e.sanctions, e.version) for e in built.entities
    ]
    assert loaded.idf == built.idf
    assert results(loaded) == results(built)
    assert any(hits for hits in results(loaded))


def test_second_call_reuses_the_index_and_a_list_update_invalidates_it(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "lists.screen-index"
    load_list_file(database, FIXTURES / "un_consolidated.xml", "un-xml")
    first = cached_list_index(database, path)
    assert not first.reused and path.exists()
    second = cached_list_index(database, path)
    assert second.reused and second.reason == ""
    assert results(second.index) == results(first.index)

    text = (FIXTURES / "un_consolidated.xml").read_text(encoding="utf-8")
    assert "KOREA PYOLBIT TRADING COMPANY" in text  # the edit below must change the list
    renamed = tmp_path / "renamed.xml"
    renamed.write_text(
        text.replace("KOREA PYOLBIT TRADING COMPANY", "TAEDONGGANG RIVER SHIPPING COMPANY"),
        encoding="utf-8",
    )
    load_list_file(database, renamed, "un-xml", force=True)
    third = cached_list_index(database, path)
    assert not third.reused and "other lists" in third.reason
    query = make_query_entity("Taedonggang River Shipping", "Organization")
    assert third.index.search(query, limit=1)
    assert not first.index.search(query, limit=1, threshold=0.7)
    assert cached_list_index(database, path).reused


def test_statements_written_outside_the_lists_stage_invalidate_it(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "lists.screen-index"
    seed(database)
    assert not cached_list_index(database, path).reused
    with database.session() as session:
        add_statements(session, listed("un-new", "Person", name="RI SONG HYOK"))
    rebuilt = cached_list_index(database, path)
    assert not rebuilt.reused
    assert rebuilt.index.search(make_query_entity("Ri Song-hyok", "Person"), limit=1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-10] + b"0123456789",
        lambda data: b"",
        lambda data: pickle.dumps({"not": "an index"}),
        lambda data: MAGIC + b"\x00" * 8,
        lambda data: data.replace(b"sanctionwatch-screen-index/1", b"sanctionwatch-screen-index/9"),
    ],
    ids=["truncated", "altered", "empty", "pickle", "no-header", "other-format"],
)
def test_damaged_or_foreign_files_are_rebuilt_not_trusted(
    sqlite_database: Database, tmp_path: Path, damage: object
) -> None:
    seed(sqlite_database)
    path = tmp_path / "lists.screen-index"
    good = cached_list_index(sqlite_database, path)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with sqlite_database.session() as session:
        key = index_key(session)
    with pytest.raises(StaleIndexError):
        read_index(path, key)
    again = cached_list_index(sqlite_database, path)
    assert not again.reused and again.reason
    assert results(again.index) == results(good.index)
    assert read_index(path, key) is not None


def test_file_sits_next_to_a_sqlite_store_and_not_beside_memory(tmp_path: Path) -> None:
    assert (
        index_path(Database(f"sqlite:///{tmp_path / 'sw.db'}")) == tmp_path / "sw.db.screen-index"
    )
    assert index_path(Database("sqlite://")) is None
    assert index_path(Database("sqlite:///:memory:")) is None


def test_cache_can_be_turned_off(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(sqlite_database)
    monkeypatch.setenv("SANCTIONWATCH_SCREEN_CACHE", "0")
    path = tmp_path / "lists.screen-index"
    result = cached_list_index(sqlite_database, path)
    assert not result.reused and result.reason == "cache off" and not path.exists()


def test_cli_screen_writes_the_index_once_and_reuses_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.migrate()
    seed(database)
    database.dispose()
    runner = CliRunner()
    args = ["screen", "Kim Chong-un", "--schema", "Person", "--db", url, "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "saved to" in first.output
    stored = tmp_path / "cli.db.screen-index"
    assert stored.exists()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "saved to" not in second.output
    records = [json.loads(line) for line in second.output.splitlines() if line.startswith("{")]
    assert records and records[0]["id"] == "un-kju"


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "empty.screen-index"
    dump_index(ScreeningIndex.build([]), path, "k")
    loaded = read_index(path, "k")
    assert len(loaded) == 0 and len(loaded.names) == 0
    assert loaded.search(make_query_entity("Kim Jong Un", "Person")) == []


def test_header_that_does_not_fit_the_columns_is_refused(
    sqlite_database: Database, tmp_path: Path
) -> None:
    import struct

    seed(sqlite_database)
    path = tmp_path / "lists.screen-index"
    cached_list_index(sqlite_database, path)
    data = path.read_bytes()
    (size,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    header = json.loads(data[start : start + size])
    header["counts"]["entities"] += 1
    raw = json.dumps(header).encode()
    path.write_bytes(MAGIC + struct.pack("<Q", len(raw)) + raw + data[start + size :])
    with pytest.raises(StaleIndexError, match="header counts"):
        read_index(path, header["key"])
