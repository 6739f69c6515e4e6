"""The ``relations`` command: list extracted relations with both ends, properties and evidence."""

from __future__ import annotations

import typer

from sanctionwatch.clikit import DbOption, JsonOption, fail, open_database, print_json_lines
from sanctionwatch.clikit import print_table as _print_table
from sanctionwatch.extract.relation_query import RelationRow, list_relations
from sanctionwatch.extract.relations import RELATION_KINDS

_SHOWN_PROPS = (
    "role",
    "relationship",
    "percentage",
    "startDate",
    "authority",
    "reason",
    "basis",
    "summary",
)


def _properties(row: RelationRow) -> str:
    parts = []
    for prop in _SHOWN_PROPS:
        values = row.properties.get(prop)
        if values and not (prop == "authority" and row.kind == "sanction"):
            parts.append(f"{prop}={'; '.join(values)}")
    return ", ".join(parts)


def _short(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def relations(
    kind: str | None = typer.Option(
        None, "--kind", "-k", help=f"Only this kind: {', '.join(RELATION_KINDS)}."
    ),
    entity: str | None = typer.Option(
        None, "--entity", "-e", help="Only relations touching this entity id."
    ),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="Show at most N."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List relations read from documents: who owns, directs, employs, sanctions whom.

    Each row gives both ends' names, the link's properties, the document and the sentence it
    was read from.

    Example:

        sanctionwatch relations --kind ownership --limit 20
        sanctionwatch relations --entity ent-3f2a9c... --json
    """
    if kind is not None and kind not in RELATION_KINDS:
        fail(f"unknown relation kind '{kind}'", f"use one of: {', '.join(RELATION_KINDS)}")
    database = open_database(db)
    with database.session() as session:
        rows = list_relations(session, kind=kind, entity_id=entity)
    if limit is not None:
        rows = rows[:limit]
    if as_json:
        print_json_lines(row.to_json() for row in rows)
        return
    if not rows:
        typer.echo("No relations found. Run `sanctionwatch extract` first, or widen the filter.")
        return
    _print_table(
        f"Relations ({len(rows)})",
        ["kind", "source", "target", "properties", "document", "sentence"],
        (
            (
                row.kind,
                row.source,
                row.target,
                _properties(row),
                (row.document_id or "")[:12],
                _short(row.sentence),
            )
            for row in rows
        ),
    )


def register(app: typer.Typer) -> None:
    """Add the ``relations`` command to ``app``."""
    app.command()(relations)
