"""Commands of the extract stage: ``extract``, ``entities`` and ``entity``."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import func, select

from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_counts,
    print_json_lines,
    print_table,
)
from sanctionwatch.extract.entities import DATASET, ORIGIN, STORED_AS
from sanctionwatch.extract.pipeline import ExtractReport, extract_documents
from sanctionwatch.store import Database
from sanctionwatch.store.statements import statements_for_entities
from sanctionwatch.store.tables import StatementRow

NAME_PROPS = ("name", "full")
SCHEMA_ALIASES = {"place": "Address", "legalinstrument": "Document", "instrument": "Document"}
SHOWN_AS = {stored: shown for shown, stored in STORED_AS.items()}


def run_extraction(
    database: Database, *, reprocess: bool = False, quiet: bool = False
) -> ExtractReport:
    """Extract every new document with a progress bar on stderr; used by ``extract`` and ``run``."""
    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("extract", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            report = extract_documents(database, reprocess=reprocess, on_progress=advance)
        except RuntimeError as exc:
            fail(str(exc), "install the model named by SANCTIONWATCH_SPACY_MODEL")
    for document, error in report.failures:
        err_console.print(f"[bold red]error:[/] {document}: {error}", highlight=False)
    return report


def extract(
    reprocess: bool = typer.Option(
        False, "--reprocess", help="Run again on every document, replacing extracted statements."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Extract entities, relations and claims from documents not yet extracted.

    Documents already processed by the current extractor versions are skipped; a new version
    (or --reprocess) replaces that extractor's statements. Analysts' edits are kept.

    Example:

        sanctionwatch extract --db sqlite:///sanctionwatch.db
    """
    database = open_database(db)
    report = run_extraction(database, reprocess=reprocess, quiet=as_json)
    print_counts("Extraction", report.as_dict(), as_json, hide=["failures"])
    if report.failures:
        raise typer.Exit(1)


def _stored_schema(schema: str) -> str:
    return SCHEMA_ALIASES.get(schema.casefold(), schema)


def list_entities(
    database: Database,
    *,
    schema: str | None = None,
    document: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Extracted entities with their mention and document counts, most mentioned first."""
    query = (
        select(
            StatementRow.entity_id,
            StatementRow.schema,
            func.max(StatementRow.value),
            func.count(),
            func.count(func.distinct(StatementRow.document_id)),
        )
        .where(StatementRow.origin == ORIGIN, StatementRow.prop.in_(NAME_PROPS))
        .group_by(StatementRow.entity_id, StatementRow.schema)
        .order_by(func.count().desc(), StatementRow.entity_id)
        .limit(limit)
    )
    if schema:
        query = query.where(StatementRow.schema == _stored_schema(schema))
    if document:
        query = query.where(StatementRow.document_id.startswith(document))
    rows = []
    with database.session() as session:
        for entity_id, stored, caption, mentions, documents in session.execute(query):
            docs = session.scalars(
                select(StatementRow.document_id)
                .where(StatementRow.entity_id == entity_id, StatementRow.origin == ORIGIN)
                .distinct()
            )
            rows.append(
                {
                    "id": entity_id,
                    "schema": SHOWN_AS.get(stored, stored),
                    "caption": caption,
                    "mentions": mentions,
                    "documents": documents,
                    "document_ids": sorted(d for d in docs if d),
                }
            )
    return rows


def entities(
    schema: str | None = typer.Option(
        None, "--schema", help="Person, Company, Organization, LegalEntity, Place, LegalInstrument."
    ),
    document: str | None = typer.Option(
        None, "--document", help="Only entities of this document (id or id prefix)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most N entities."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List extracted entities, most mentioned first.

    Example:

        sanctionwatch entities --schema Company --limit 20
    """
    rows = list_entities(open_database(db), schema=schema, document=document, limit=limit)
    if as_json:
        print_json_lines(rows)
        return
    if not rows:
        err_console.print("no entities; run `sanctionwatch extract` first", highlight=False)
        return
    table = Table(title="Entities")
    table.add_column("id", no_wrap=True)
    for column in ("schema", "caption", "mentions", "documents"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["schema"], r["caption"], str(r["mentions"]), str(r["documents"]))
    console.print(table)


def entity(
    entity_id: str = typer.Argument(..., help="Entity id (from `sanctionwatch entities`)."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Show every statement about one entity, with its document, span, sentence and origin.

    Example:

        sanctionwatch entity com-0123456789abcdef0123 --json
    """
    database = open_database(db)
    with database.session() as session:
        statements = statements_for_entities(session, [entity_id])
    if not statements:
        fail(f"entity {entity_id}: not found", "list entity ids with `sanctionwatch entities`")
    rows: list[dict[str, Any]] = [
        {
            "entity_id": s.entity_id,
            "schema": SHOWN_AS.get(s.schema, s.schema) if s.dataset == DATASET else s.schema,
            "prop": s.prop,
            "value": s.value,
            "original_value": s.original_value,
            "document_id": s.document_id,
            "start": s.start,
            "end": s.end,
            "sentence": s.sentence,
            "origin": s.origin,
            "origin_version": s.origin_version,
            "confidence": s.confidence,
        }
        for s in sorted(
            statements,
            key=lambda s: (s.prop not in NAME_PROPS, s.prop, s.document_id or "", s.start or 0),
        )
    ]
    if as_json:
        print_json_lines(rows)
        return
    console.print(f"[bold]{entity_id}[/] ({rows[0]['schema']})", highlight=False)
    print_table(
        "Statements",
        ["property", "value", "document", "span", "sentence", "origin"],
        (
            (
                r["prop"],
                r["value"] if not r["original_value"] else f"{r['value']} ({r['original_value']})",
                (r["document_id"] or "")[:12],
                "" if r["start"] is None else f"{r['start']}-{r['end']}",
                _short(r["sentence"]),
                f"{r['origin']} {r['origin_version']}",
            )
            for r in rows
        ),
    )


def _short(text: str | None, width: int = 80) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add ``extract``, ``entities`` and ``entity`` to ``app``."""
    app.command()(extract)
    app.command()(entities)
    app.command()(entity)
