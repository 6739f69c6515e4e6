"""Commands of the ingest stage: ``stats`` (``ingest``, ``documents`` and ``document`` follow)."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy import func, select

from sanctionwatch.clikit import DbOption, JsonOption, open_database, print_json_lines, print_table
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow


def store_stats(database: Database) -> dict[str, Any]:
    """Counts of what the store holds."""
    with database.session() as session:
        documents = session.scalar(select(func.count()).select_from(DocumentRow)) or 0
        statements = session.scalar(select(func.count()).select_from(StatementRow)) or 0
        entities = session.scalar(select(func.count(func.distinct(StatementRow.entity_id)))) or 0
    return {"documents": documents, "statements": statements, "entities": entities}


def stats(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Show what the store holds.

    Example:

        sanctionwatch stats --json
    """
    counts = store_stats(open_database(db))
    if as_json:
        print_json_lines([counts])
    else:
        print_table("SanctionWatch store", ["what", "count"], counts.items())


def register(app: typer.Typer) -> None:
    app.command()(stats)
