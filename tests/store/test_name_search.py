"""The trigram name index: same answers with and without it, on SQLite and PostgreSQL, kept
current when statements change, and actually chosen by each backend's planner."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from sanctionwatch.store import Database, Statement
from sanctionwatch.store.search import (
    FTS_TABLE,
    TRGM_INDEX,
    _candidates,
    document_condition,
    entities_named,
    has_name_index,
)
from sanctionwatch.store.statements import add_statements
from sanctionwatch.store.tables import DocumentRow, StatementRow

NAMES = {
    "org-sea": ("Company", "name", "Eastern Sea Shipping Co., Ltd."),
    "org-sea-alias": ("Company", "alias", "EASTERN SEA SHIPPING"),
    "per-kim": ("Person", "name", "Kim Chol-ung"),
    "per-kim-weak": ("Person", "weakAlias", "Chol"),
    "org-pct": ("Company", "name", "100% Trading_Co"),
    "org-umlaut": ("Company", "name", "Ölwerke Süd GmbH"),
    "org-note": ("Company", "notes", "Eastern sea shipping is mentioned in a note"),
}


def _store(database: Database) -> None:
    statements = [
        Statement(
            entity_id=entity_id,
            schema=schema,
            prop=prop,
            value=value,
            dataset="un_sc" if entity_id.startswith("per") else "documents",
            origin="test",
            origin_version="1",
        )
        for entity_id, (schema, prop, value) in NAMES.items()
    ]
    with database.session() as session:
        add_statements(session, statements)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("sea shipping", ["org-sea", "org-sea-alias"]),  # names and aliases, not notes
        ("SEA SHIP", ["org-sea", "org-sea-alias"]),  # case is ignored
        ("chol", ["per-kim", "per-kim-weak"]),  # weak aliases count
        ("0% trad", ["org-pct"]),  # % is a character, not a wildcard
        ("g_c", ["org-pct"]),  # so is _
        ("ölwerke", ["org-umlaut"]),  # case folding beyond ASCII
        ("zz", []),
        ("ch", ["per-kim", "per-kim-weak"]),  # shorter than a trigram: scanned
    ],
)
def test_index_and_scan_give_the_same_answer(
    database: Database, needle: str, expected: list[str]
) -> None:
    _store(database)
    with database.session() as session:
        assert has_name_index(session)
        assert entities_named(session, needle, indexed=True) == expected
        assert entities_named(session, needle, indexed=False) == expected
        assert entities_named(session, needle) == expected


def test_filters_by_schema_and_dataset(database: Database) -> None:
    _store(database)
    with database.session() as session:
        assert entities_named(session, "chol", schemata=["Company"]) == []
        assert entities_named(session, "chol", dataset="un_sc") == ["per-kim", "per-kim-weak"]
        assert entities_named(session, "sea", dataset="un_sc") == []


def test_index_follows_inserts_updates_and_deletes(database: Database) -> None:
    _store(database)
    with database.session() as session:
        session.execute(
            update(StatementRow)
            .where(StatementRow.entity_id == "org-sea")
            .values(value="Western Star Trading")
        )
        session.execute(delete(StatementRow).where(StatementRow.entity_id == "org-sea-alias"))
    with database.session() as session:
        assert entities_named(session, "sea shipping", indexed=True) == []
        assert entities_named(session, "star trad", indexed=True) == ["org-sea"]
        session.execute(
            update(StatementRow).where(StatementRow.entity_id == "org-note").values(prop="name")
        )
    with database.session() as session:
        assert entities_named(session, "sea shipping", indexed=True) == ["org-note"]


def _plan(session: Session, needle: str) -> str:
    query = _candidates(session, needle, indexed=True)
    if session.get_bind().dialect.name == "sqlite":
        compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return " ".join(str(row[-1]) for row in rows)
    compiled = query.compile(session.get_bind(), compile_kwargs={"render_postcompile": True})
    connection = session.connection()
    # Fresh rows wait in GIN's pending list (autovacuum merges it); merge it as vacuum would.
    connection.exec_driver_sql(f"SELECT gin_clean_pending_list('{TRGM_INDEX}'::regclass)")
    connection.exec_driver_sql("ANALYZE statements")
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    return " ".join(row[0] for row in rows)


def test_each_backend_plans_through_its_index(database: Database) -> None:
    _store(database)
    filler = [
        Statement(
            entity_id=f"org-{number}",
            schema="Company",
            prop="name",
            value=f"Company number {number:05d} of the register",
            dataset="documents",
            origin="test",
            origin_version="1",
        )
        for number in range(3000)
    ]
    with database.session() as session:
        add_statements(session, filler)
    with database.session() as session:
        plan = _plan(session, "shipping")
        wanted = FTS_TABLE if database.dialect == "sqlite" else TRGM_INDEX
        assert wanted in plan, plan


def _documents(database: Database) -> dict[str, str]:
    texts = {
        "memo": ("Shipping memo", "The Eastern Sea Shipping vessel called at Nakhodka."),
        "note": (None, "Workers were sent to building sites; 100% of wages went back."),
        "brief": ("Öl und Gas", "A brief about Süd GmbH and ÖLWERKE."),
    }
    ids = {}
    with database.session() as session:
        for key, (title, body) in texts.items():
            doc_id = hashlib.sha256(body.encode()).hexdigest()
            ids[key] = doc_id
            session.add(
                DocumentRow(
                    id=doc_id,
                    source=f"{key}.txt",
                    media_type="text/plain",
                    byte_size=len(body),
                    title=title,
                    original_text=body,
                    clean_text=body,
                    offset_map=[],
                    authors=[],
                )
            )
    return ids


def _document_hits(session: Session, needle: str, indexed: bool) -> set[str]:
    query = select(DocumentRow.id).where(document_condition(session, needle, indexed))
    return set(session.scalars(query))


@pytest.mark.parametrize(
    ("needle", "keys"),
    [
        ("sea shipping", {"memo"}),
        ("SHIPPING", {"memo"}),  # the title or the text, case ignored
        ("100% of", {"note"}),
        ("ölwerke", {"brief"}),
        ("öl", {"brief"}),  # short: scanned
        ("nowhere", set()),
    ],
)
def test_document_search_same_with_and_without_index(
    database: Database, needle: str, keys: set[str]
) -> None:
    ids = _documents(database)
    wanted = {ids[key] for key in keys}
    with database.session() as session:
        assert has_name_index(session, documents=True)
        assert _document_hits(session, needle, indexed=True) == wanted
        assert _document_hits(session, needle, indexed=False) == wanted


def test_document_index_follows_edits(database: Database) -> None:
    ids = _documents(database)
    with database.session() as session:
        session.execute(
            update(DocumentRow).where(DocumentRow.id == ids["memo"]).values(title="Port call")
        )
        session.execute(delete(DocumentRow).where(DocumentRow.id == ids["note"]))
    with database.session() as session:
        assert _document_hits(session, "port call", indexed=True) == {ids["memo"]}
        assert _document_hits(session, "shipping memo", indexed=True) == set()
        assert _document_hits(session, "wages", indexed=True) == set()
