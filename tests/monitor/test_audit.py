"""The audit trail can be appended to and exported, never rewritten."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from sanctionwatch.monitor import audit
from sanctionwatch.monitor.tables import AuditLogAppendOnlyError, AuditRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow


def _one_entry(database: Database) -> int:
    with database.session() as session:
        row = audit.record(session, "decision", "ana", decision="clear", score=0.91)
        return row.id


def test_module_offers_no_rewrite_path() -> None:
    names = [name for name in dir(audit) if not name.startswith("_")]
    assert not [n for n in names if any(w in n.lower() for w in ("update", "delete", "remove"))]


def test_orm_refuses_changing_an_entry(database: Database) -> None:
    entry_id = _one_entry(database)
    with pytest.raises(AuditLogAppendOnlyError), database.session() as session:
        row = session.get(AuditRow, entry_id)
        assert row is not None
        row.note = "rewritten"
    with pytest.raises(AuditLogAppendOnlyError), database.session() as session:
        row = session.get(AuditRow, entry_id)
        session.delete(row)
    with database.session() as session:
        stored = session.get(AuditRow, entry_id)
        assert stored is not None and stored.note is None


@pytest.mark.parametrize("statement", [update(AuditRow).values(note="x"), delete(AuditRow)])
def test_bulk_statements_are_refused(database: Database, statement: object) -> None:
    _one_entry(database)
    with pytest.raises(AuditLogAppendOnlyError), database.session() as session:
        session.execute(statement)  # type: ignore[call-overload]
    with database.session() as session:
        assert len(list(audit.entries(session))) == 1


def test_database_trigger_refuses_raw_sql(database: Database) -> None:
    _one_entry(database)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    with database.session() as session:
        assert len(list(audit.entries(session))) == 1


def test_export_since_and_formats(database: Database) -> None:
    _one_entry(database)
    with database.session() as session:
        lines = list(audit.to_jsonl(audit.entries(session)))
        later = list(audit.entries(session, since=utcnow() + timedelta(hours=1)))
        csv_text = "".join(audit.to_csv(audit.entries(session)))
    assert json.loads(lines[0])["decision"] == "clear"
    assert json.loads(lines[0])["score"] == pytest.approx(0.91)
    assert later == []
    assert csv_text.splitlines()[0].startswith("id,at,event,actor")
    assert len(csv_text.splitlines()) == 2
