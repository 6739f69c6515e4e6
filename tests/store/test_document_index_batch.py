"""The document index filled in batches (revision 0016): searches never lag behind the store,
deleted and edited documents leave the index, and ingest runs leave nothing pending."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.ingest import ingest_bytes, ingest_paths
from sanctionwatch.store import Database
from sanctionwatch.store.search import (
    FTS_DOCUMENTS,
    INDEX_STATE,
    document_condition,
    document_index_lag,
    has_name_index,
    rebuild_document_index,
    refresh_before_search,
    refresh_document_index,
)
from sanctionwatch.store.tables import DocumentRow

WORDS = [
    "vessel",
    "cargo",
    "tanker",
    "wages",
    "workers",
    "brigade",
    "construction",
    "sawmill",
    "fishing",
    "permit",
    "visa",
    "transfer",
    "rouble",
    "yuan",
    "dormitory",
    "subcontract",
    "shipyard",
    "invoice",
    "customs",
    "manifest",
]
NEEDLES = ("tanker", "wages work", "customs", "ship", "manifest inv", "rouble", "zzz", "ya")


def _add(session: Session, body: str, title: str | None = None) -> str:
    doc_id = hashlib.sha256(body.encode()).hexdigest()
    session.execute(
        insert(DocumentRow),
        [
            {
                "id": doc_id,
                "source": f"{doc_id[:8]}.txt",
                "media_type": "text/plain",
                "byte_size": len(body),
                "title": title,
                "original_text": body,
                "clean_text": body,
                "offset_map": [],
                "authors": [],
            }
        ],
    )
    return doc_id


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) + f" #{rng.random()}"


def _hits(session: Session, needle: str, indexed: bool) -> set[str]:
    return set(
        session.scalars(select(DocumentRow.id).where(document_condition(session, needle, indexed)))
    )


def _index_only(session: Session, needle: str) -> set[int]:
    """Rowids the FTS5 table alone answers (no re-check): stale entries would show here."""
    rows = session.execute(
        text(f"SELECT rowid FROM {FTS_DOCUMENTS} WHERE {FTS_DOCUMENTS} MATCH :p"),
        {"p": '"' + needle + '"'},
    )
    return {row[0] for row in rows}


def _scanned_rowids(session: Session, needle: str) -> set[int]:
    rows = session.execute(text("SELECT rowid, title, clean_text FROM documents"))
    return {r[0] for r in rows if needle in f"{r[1] or ''}\n{r[2]}".lower()}


def _assert_same_answers(database: Database) -> None:
    with database.session() as session:
        for needle in NEEDLES:
            assert _hits(session, needle, indexed=True) == _hits(session, needle, indexed=False)


def _assert_index_exact(database: Database) -> None:
    """After a refresh the index holds every document and nothing else."""
    with database.engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {FTS_DOCUMENTS}({FTS_DOCUMENTS}, rank) VALUES ('integrity-check', 1)"
            )
        )
    with database.session() as session:
        for needle in NEEDLES:
            if len(needle) >= 3:
                assert _index_only(session, needle) == _scanned_rowids(session, needle), needle


def test_same_answers_through_inserts_deletes_edits_and_refreshes(database: Database) -> None:
    rng = random.Random(16)
    ids: list[str] = []
    for round_ in range(4):
        with database.session() as session:
            ids += [
                _add(session, _body(rng), rng.choice([None, "Tanker report"])) for _ in range(25)
            ]
        _assert_same_answers(database)  # pending rows are scanned: nothing lags
        if round_ % 2 == 0:
            refresh_document_index(database)
            if database.is_sqlite:
                _assert_index_exact(database)
        with database.session() as session:
            session.execute(delete(DocumentRow).where(DocumentRow.id == ids.pop()))  # newest
            session.execute(delete(DocumentRow).where(DocumentRow.id == ids.pop(3)))
            session.execute(
                update(DocumentRow).where(DocumentRow.id == ids[5]).values(clean_text="customs")
            )
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == ids[-1])
                .values(title="Manifest invoice")
            )
        _assert_same_answers(database)
    refresh_document_index(database)
    _assert_same_answers(database)
    if database.is_sqlite:
        _assert_index_exact(database)


def test_refresh_indexes_the_pending_rows_once(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = _add(session, "The tanker unloaded at night.")
        _add(session, "Wages were paid in cash.")
    with sqlite_database.engine.connect() as connection:
        assert document_index_lag(connection) == 2
    with sqlite_database.session() as session:
        assert _index_only(session, "tanker") == set()  # not indexed on insert
        assert _hits(session, "tanker", indexed=True) == {first}  # found all the same
    assert refresh_document_index(sqlite_database) == 2
    assert refresh_document_index(sqlite_database) == 0
    with sqlite_database.session() as session:
        assert len(_index_only(session, "tanker")) == 1
        assert has_name_index(session, documents=True)


def test_reused_rowid_of_a_deleted_newest_document_is_indexed(sqlite_database: Database) -> None:
    """SQLite hands the next insert ``max(rowid) + 1``: deleting the newest indexed row must
    lower the watermark, or its successor would count as indexed and be missed."""
    with sqlite_database.session() as session:
        _add(session, "A sawmill in the taiga.")
        newest = _add(session, "The tanker left port.")
    refresh_document_index(sqlite_database)
    with sqlite_database.session() as session:
        session.execute(delete(DocumentRow).where(DocumentRow.id == newest))
        replacement = _add(session, "A shipyard invoice for customs.")
        reused = session.scalar(
            text("SELECT rowid FROM documents WHERE id = :i"), {"i": replacement}
        )
        assert reused == 2
    with sqlite_database.session() as session:
        assert _hits(session, "customs", indexed=True) == {replacement}
        assert _hits(session, "tanker", indexed=True) == set()
    refresh_document_index(sqlite_database)
    _assert_index_exact(sqlite_database)


def test_ingest_run_leaves_nothing_pending(sqlite_database: Database, tmp_path: Path) -> None:
    for number in range(5):
        (tmp_path / f"{number}.txt").write_text(f"Report {number}: the tanker carried coal.\n")
    ingest_paths(sqlite_database, [tmp_path])
    with sqlite_database.engine.connect() as connection:
        assert document_index_lag(connection) == 0
    with sqlite_database.session() as session:
        assert len(_index_only(session, "tanker carried")) == 5


def test_single_uploads_wait_for_the_next_search(sqlite_database: Database) -> None:
    outcome = ingest_bytes(sqlite_database, b"Fishing permits were resold.", source="upload.txt")
    with sqlite_database.engine.connect() as connection:
        assert document_index_lag(connection) == 1
    assert refresh_before_search(sqlite_database) == 1
    with sqlite_database.session() as session:
        assert _hits(session, "permits", indexed=True) == {outcome.document_id}
        assert len(_index_only(session, "permits")) == 1


def test_search_refresh_gives_up_quickly_when_the_store_is_locked(
    sqlite_database: Database, tmp_path: Path
) -> None:
    with sqlite_database.session() as session:
        doc = _add(session, "Workers slept in a dormitory.")
    writer = sqlite3.connect(tmp_path / "test.db", timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        assert refresh_before_search(sqlite_database, wait_ms=50) == 0
        assert time.perf_counter() - started < 5
        with sqlite_database.session() as session:
            assert _hits(session, "dormitory", indexed=True) == {doc}
    finally:
        writer.rollback()
        writer.close()
    assert refresh_before_search(sqlite_database) == 1


def test_rebuild_after_vacuum(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        docs = [_add(session, f"Invoice {n} for the tanker charter.") for n in range(4)]
        session.execute(delete(DocumentRow).where(DocumentRow.id == docs[0]))
    assert rebuild_document_index(sqlite_database) == 3
    _assert_index_exact(sqlite_database)


def test_plan_drives_the_search_through_the_index(sqlite_database: Database) -> None:
    rng = random.Random(3)
    with sqlite_database.session() as session:
        for _ in range(300):
            _add(session, _body(rng))
    refresh_document_index(sqlite_database)
    with sqlite_database.session() as session:
        query = select(DocumentRow.id).where(document_condition(session, "tanker", True))
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert FTS_DOCUMENTS in plan, plan
    assert "SCAN documents" not in plan.replace("SCAN documents VIRTUAL", ""), plan


def test_downgrade_restores_per_row_triggers_and_upgrade_batches_again(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        pending = _add(session, "Brigade wages were withheld.")
    config = sqlite_database.alembic_config()
    command.downgrade(config, "0013")
    with sqlite_database.session() as session:
        assert not has_name_index(session, documents=True)
        assert len(_index_only(session, "brigade")) == 1  # the pending row was indexed
        added = _add(session, "A visa for the construction brigade.")
        assert len(_index_only(session, "brigade")) == 2  # insert trigger is back
    command.upgrade(config, "heads")
    with sqlite_database.session() as session:
        assert has_name_index(session, documents=True)
        mark = session.scalar(text(f"SELECT indexed_rowid FROM {INDEX_STATE}"))
        assert mark == session.scalar(text("SELECT max(rowid) FROM documents"))
        assert _hits(session, "brigade", indexed=True) == {pending, added}
    _assert_index_exact(sqlite_database)


@pytest.mark.parametrize("count", [0, 1])
def test_refresh_on_an_empty_or_tiny_store(sqlite_database: Database, count: int) -> None:
    with sqlite_database.session() as session:
        for n in range(count):
            _add(session, f"Cargo manifest {n}")
    assert refresh_document_index(sqlite_database) == count
    with sqlite_database.session() as session:
        session.execute(delete(DocumentRow))
        assert session.scalar(text(f"SELECT indexed_rowid FROM {INDEX_STATE}")) == 0
    _assert_index_exact(sqlite_database)


def test_reindex_command(sqlite_database: Database) -> None:
    ingest_bytes(sqlite_database, b"Sawmill wages in the taiga.", source="a.txt")
    runner = CliRunner()
    done = runner.invoke(app, ["reindex", "--db", sqlite_database.url])
    assert done.exit_code == 0 and "1 pending document(s) indexed" in done.output
    with sqlite_database.session() as session:
        assert len(_index_only(session, "sawmill")) == 1
    rebuilt = runner.invoke(app, ["reindex", "--rebuild", "--db", sqlite_database.url])
    assert rebuilt.exit_code == 0 and "rebuilt: 1 document(s)" in rebuilt.output


def test_ingest_survives_a_refresh_that_cannot_write(
    sqlite_database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def busy(_database: Database) -> int:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr("sanctionwatch.ingest.pipeline.refresh_document_index", busy)
    (tmp_path / "a.txt").write_text("The shipyard invoice was forged.\n")
    report = ingest_paths(sqlite_database, [tmp_path])
    assert report.ok and report.counts["added"] == 1
    assert "search index not refreshed" in caplog.text
    with sqlite_database.session() as session:
        assert len(_hits(session, "invoice was forged", indexed=True)) == 1
