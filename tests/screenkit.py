"""Builders shared by the screening and re-screening tests: document-side names written
straight into the store, list files in FtM JSON lines, and the stored (graph, list) pairs."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements


def write_graph_names(database: Database, named: dict[str, tuple[str, str]]) -> None:
    """Store one extracted ``name`` statement per ``entity_id: (schema, name)``."""
    statements = [
        Statement(
            entity_id=entity_id,
            schema=schema,
            prop="name",
            value=name,
            dataset="documents",
            origin="extract:entities",
            origin_version="test",
        )
        for entity_id, (schema, name) in named.items()
    ]
    with database.session() as session:
        add_statements(session, statements)


def list_entry(entity_id: str, schema: str, names: list[str]) -> list[dict[str, object]]:
    """A designated entity (first name, the rest aliases) and its Sanction, as FtM JSON rows."""
    return [
        {"id": entity_id, "schema": schema, "properties": {"name": names[:1], "alias": names[1:]}},
        {"id": f"{entity_id}-s", "schema": "Sanction", "properties": {"entity": [entity_id]}},
    ]


def list_rows(entries: dict[str, tuple[str, list[str]]]) -> list[dict[str, object]]:
    """:func:`list_entry` rows for every ``entity_id: (schema, names)``."""
    return [
        row for key, (schema, names) in entries.items() for row in list_entry(key, schema, names)
    ]


def load_list_rows(
    database: Database, folder: Path, name: str, rows: list[dict[str, object]]
) -> int:
    """Write ``rows`` to ``folder/name`` and load them as a version of ``test_list``; its id."""
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return load_list_file(database, path, "ftm-json", source="test_list", force=True).version_id


def match_pairs(database: Database) -> set[tuple[str, str]]:
    """The stored screening matches as ``(graph entity id, list entity id)`` pairs."""
    with database.session() as session:
        rows = session.execute(
            select(ScreenMatchRow.graph_entity_id, ScreenMatchRow.list_entity_id)
        )
        return {(graph, listed) for graph, listed in rows}
