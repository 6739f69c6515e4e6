from __future__ import annotations

import pytest
from sqlalchemy import select

from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import (
    add_statements,
    assemble_entity,
    replace_origin_statements,
    statements_for_entities,
)
from sanctionwatch.store.tables import DocumentRow, StatementRow


def _document(session: object, doc_id: str = "d" * 64) -> str:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    session.add(
        DocumentRow(
            id=doc_id,
            source="memo.txt",
            media_type="text/plain",
            byte_size=10,
            original_text="Acme Ltd is in Riga.",
            clean_text="Acme Ltd is in Riga.",
            offset_map=[],
            authors=[],
        )
    )
    return doc_id


def _name(entity: str, value: str, doc: str, origin: str = "ner", start: int = 0) -> Statement:
    return Statement(
        entity_id=entity,
        schema="Company",
        prop="name",
        value=value,
        dataset="documents",
        origin=origin,
        origin_version="1",
        document_id=doc,
        start=start,
        end=start + len(value),
    )


def test_migrate_creates_core_tables(database: Database) -> None:
    assert {"documents", "statements", "alembic_version"} <= set(database.table_names())
    database.migrate()  # idempotent


def test_add_statements_is_idempotent(database: Database) -> None:
    with database.session() as session:
        doc = _document(session)
        session.flush()
        assert add_statements(session, [_name("acme", "Acme Ltd", doc)]) == 1
    with database.session() as session:
        assert add_statements(session, [_name("acme", "Acme Ltd", doc)]) == 0
        assert len(session.scalars(select(StatementRow)).all()) == 1


def test_replace_keeps_other_origins_and_human_edits(database: Database) -> None:
    with database.session() as session:
        doc = _document(session)
        session.flush()
        add_statements(
            session,
            [
                _name("acme", "Acme Ltd", doc, origin="ner"),
                _name("acme", "ACME Limited", doc, origin="human:ana"),
            ],
        )
    with database.session() as session:
        replace_origin_statements(session, doc, "ner", [_name("acme", "Acme", doc, origin="ner")])
    with database.session() as session:
        values = sorted(s.value for s in statements_for_entities(session, ["acme"]))
    assert values == ["ACME Limited", "Acme"]


def test_replace_refuses_human_origin(database: Database) -> None:
    with database.session() as session, pytest.raises(ValueError):
        replace_origin_statements(session, "x", "human:ana", [])


def test_failed_transaction_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as session:
        doc = _document(session)
        session.flush()
        add_statements(session, [_name("acme", "Acme Ltd", doc)])
        session.flush()
        raise RuntimeError("crash mid-document")
    with database.session() as session:
        assert session.scalars(select(StatementRow)).all() == []
        assert session.scalars(select(DocumentRow)).all() == []


def test_assemble_entity_uses_common_schema() -> None:
    stmts = [
        _name("acme", "Acme Ltd", "d"),
        Statement("acme", "LegalEntity", "country", "lv", "documents", "ner", "1"),
    ]
    entity = assemble_entity(stmts)
    assert entity.schema.name == "Company"
    assert entity.get("name") == ["Acme Ltd"]
    assert entity.get("country") == ["lv"]
