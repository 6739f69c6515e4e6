"""Commands of the ingest stage: ``ingest``, ``documents``, ``document`` and ``stats``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.pipeline import ingest_paths
from sanctionwatch.ingest.redate import (
    DateValueError,
    parse_user_date,
    reinfer_dates,
    set_publication_date,
)
from sanctionwatch.ingest.tables import DocumentSourceRow
from sanctionwatch.ingest.types import IngestOutcome, IngestReport
from sanctionwatch.store import Database
from sanctionwatch.store.search import rebuild_document_index, refresh_document_index
from sanctionwatch.store.tables import DocumentRow, StatementRow
from sanctionwatch.textdates import read_date_evidence

TEXT_CHOICES = ("clean", "original", "removed")


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
    print_counts("SanctionWatch store", store_stats(open_database(db)), as_json)


def ingest_with_progress(
    database: Database, paths: list[str], *, as_json: bool, workers: int = 1
) -> IngestReport:
    """Ingest ``paths`` showing a progress bar; print one ``error:`` line per failure."""
    started = time.perf_counter()
    columns = (
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def report(outcome: IngestOutcome, done: int, total: int) -> None:
            progress.update(
                task, completed=done, total=total, description=Path(outcome.source).name
            )
            if outcome.failed:
                progress.console.print(
                    f"error: {outcome.source}: {outcome.reason}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                    style="red",
                )
            if as_json:
                print_json_lines([outcome.to_dict()])

        result = ingest_paths(database, paths, on_progress=report, workers=workers)
    if not as_json:
        print_summary(result, time.perf_counter() - started)
    return result


def print_summary(report: IngestReport, seconds: float) -> None:
    rows: list[tuple[str, Any]] = [(status, count) for status, count in report.counts.items()]
    rows.append(("files", len(report.outcomes)))
    rows.append(("megabytes", f"{report.byte_size / 1_048_576:.2f}"))
    rows.append(("seconds", f"{seconds:.1f}"))
    print_table("Ingest", ["outcome", "count"], rows)


def ingest(
    paths: list[str] = typer.Argument(..., help="Files or folders (searched recursively)."),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line per file."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Processes that parse and clean (writing stays in one)."
    ),
    published: str | None = typer.Option(
        None,
        "--published",
        help="Publication date (YYYY-MM-DD, YYYY-MM or YYYY) for every file given: overrides "
        "what ingest finds, also for files stored before.",
    ),
) -> None:
    """Ingest .txt, .md, .html and .pdf files (folders recursively) into the store.

    The same bytes are stored once; a changed file becomes a new version linked to the old one.
    Each failure prints `error: <path>: <reason>` and the rest of the batch goes on; the exit
    code is 1 if any file failed. The publication date is read from metadata, datelines and the
    URL, or inferred from the text (see `sanctionwatch document ID` for the evidence);
    `--published` sets it instead.

    Example:

        sanctionwatch ingest examples/reports ../shared/corpus/seeds --db sanctionwatch.db
        sanctionwatch ingest report.pdf --published 2019-03-26
    """
    if published is not None:
        try:
            published = parse_user_date(published)
        except DateValueError as error:
            fail(f"--published: {error}", "give the date as YYYY-MM-DD, YYYY-MM or YYYY")
    database = open_database(db)
    report = ingest_with_progress(database, paths, as_json=as_json, workers=workers)
    if published is not None:
        ids = [outcome.document_id for outcome in report.outcomes if outcome.document_id]
        changed = set_publication_date(database, ids, published, reason="ingest --published")
        err_console.print(f"publication date {published} set on {changed} document(s)")
    if not report.ok:
        raise typer.Exit(1)


def set_date(
    document_id: str = typer.Argument(..., help="Document id, or a unique prefix of it."),
    value: str = typer.Argument(..., help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY."),
    reason: str = typer.Option("", "--reason", help="Why (kept with the date's evidence)."),
    db: str | None = DbOption,
) -> None:
    """Set a document's publication date by hand, replacing the one ingest found or inferred.

    The old date and its evidence are kept in the document's date evidence. Claims and
    relations resolve "last year" or "on June 28" against this date on the next
    `sanctionwatch extract --reprocess`.

    Example:

        sanctionwatch set-date 3fa2c1 2022-07-22 --reason "VOA page header"
    """
    try:
        checked = parse_user_date(value)
    except DateValueError as error:
        fail(str(error), "give the date as YYYY-MM-DD, YYYY-MM or YYYY")
    database = open_database(db)
    row = find_document(database, document_id)
    changed = set_publication_date(database, [row.id], checked, reason=reason)
    state = "set" if changed else "already set"
    console.print(f"{row.id[:12]}: publication date {checked} {state}")
    if changed:
        err_console.print("re-run `sanctionwatch extract --reprocess` to re-date its claims")


def redate(
    db: str | None = DbOption,
    as_json: bool = JsonOption,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would change, change nothing."
    ),
) -> None:
    """Re-infer the publication dates that ingest inferred, with the current date rules.

    Dates a document declared (metadata, dateline, URL) and dates set with `set-date` are left
    alone. Lists every document whose date changes; run `sanctionwatch extract --reprocess`
    afterwards so that claims and relations are re-dated.

    Example:

        sanctionwatch redate --dry-run
        sanctionwatch redate --json
    """
    changes = reinfer_dates(open_database(db), dry_run=dry_run)
    if as_json:
        print_json_lines([change.to_dict() for change in changes])
    else:
        verb = "would change" if dry_run else "changed"
        print_table(
            f"Inferred dates {verb}: {len(changes)}",
            ["id", "before", "after", "method"],
            (
                (c.document_id[:12], c.before or "none", c.after or "none", c.method)
                for c in changes
            ),
        )
    if changes and not dry_run:
        err_console.print("re-run `sanctionwatch extract --reprocess` to re-date their claims")


def reindex(
    db: str | None = DbOption,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Rebuild the index from scratch (after a VACUUM)."
    ),
) -> None:
    """Bring the document search index up to date now.

    Ingest runs index their documents in one batch at the end, and searches index what is
    pending first, so this is rarely needed: after single uploads or feed items on a store
    nobody searches yet, or with `--rebuild` after a SQLite `VACUUM` (it may renumber the rows
    the index points at). PostgreSQL keeps its own indexes: nothing to do there.

    Example:

        sanctionwatch reindex
        sanctionwatch reindex --rebuild --db sanctionwatch.db
    """
    database = open_database(db)
    if rebuild:
        count = rebuild_document_index(database)
        console.print(f"document search index rebuilt: {count} document(s)")
    else:
        count = refresh_document_index(database)
        console.print(f"document search index: {count} pending document(s) indexed")


def _document_summary(row: DocumentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source,
        "url": row.url,
        "publisher": row.publisher,
        "authors": row.authors,
        "published_at": row.published_at,
        "date_kind": row.date_kind,
        "date_evidence": read_date_evidence(row.date_evidence) or None,
        "media_type": row.media_type,
        "encoding": row.encoding,
        "byte_size": row.byte_size,
        "previous_version_id": row.previous_version_id,
        "ingested_at": row.ingested_at,
    }


def _date_label(row: DocumentRow) -> str:
    if not row.published_at:
        return "none"
    return f"{row.published_at} ({row.date_kind})"


def documents(
    db: str | None = DbOption,
    as_json: bool = JsonOption,
    limit: int = typer.Option(100, "--limit", min=1, help="Show at most this many documents."),
) -> None:
    """List ingested documents, newest first, with their dates (given or inferred).

    Example:

        sanctionwatch documents --json --limit 20
    """
    database = open_database(db)
    with database.session() as session:
        rows = session.scalars(
            select(DocumentRow)
            .order_by(DocumentRow.ingested_at.desc(), DocumentRow.id)
            .limit(limit)
        ).all()
        summaries = [_document_summary(row) for row in rows]
    if as_json:
        print_json_lines(summaries)
        return
    print_table(
        f"Documents ({len(rows)} shown)",
        ["id", "title", "source", "date", "size"],
        (
            (
                row.id[:12],
                _shorten(row.title or "", 60),
                _shorten(Path(row.source).name if "://" not in row.source else row.source, 40),
                _date_label(row),
                f"{row.byte_size:,}",
            )
            for row in rows
        ),
    )


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def find_document(database: Database, id_prefix: str) -> DocumentRow:
    """The document whose id starts with ``id_prefix``; exits with a clear error otherwise."""
    prefix = id_prefix.strip().lower()
    if not prefix or any(char not in "0123456789abcdef" for char in prefix):
        fail(f"{id_prefix!r} is not a document id (hex)", "list ids with: sanctionwatch documents")
    with database.session() as session:
        rows = session.scalars(
            select(DocumentRow).where(DocumentRow.id.startswith(prefix)).limit(2)
        ).all()
    if not rows:
        fail(f"no document with id {id_prefix}", "list ids with: sanctionwatch documents")
    if len(rows) > 1:
        fail(f"id prefix {id_prefix} matches several documents", "give more characters of the id")
    return rows[0]


def document(
    document_id: str = typer.Argument(..., help="Document id, or a unique prefix of it."),
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    text: str = typer.Option(
        "clean",
        "--text",
        help="Which text: clean, original, or removed (what cleaning cut, by which rule).",
    ),
) -> None:
    """Show one document: its metadata, sources, versions and text.

    `--text removed` re-runs the current cleaning rules on the original text and lists each cut
    with its rule and offsets, so an analyst can check that nothing of substance was dropped.

    Example:

        sanctionwatch document 3fa2c1 --text original
        sanctionwatch document 3fa2c1 --text removed
    """
    if text not in TEXT_CHOICES:
        fail(f"--text must be one of {', '.join(TEXT_CHOICES)}, not {text!r}")
    database = open_database(db)
    row = find_document(database, document_id)
    with database.session() as session:
        sources = session.scalars(
            select(DocumentSourceRow.source)
            .where(DocumentSourceRow.document_id == row.id)
            .order_by(DocumentSourceRow.first_seen)
        ).all()
        newer = session.scalars(
            select(DocumentRow.id).where(DocumentRow.previous_version_id == row.id)
        ).all()
    body = row.clean_text if text == "clean" else row.original_text
    removed = _removed(row.original_text) if text == "removed" else []
    if text == "removed":
        body = "\n".join(f"[{r['rule']}] {r['start']}-{r['end']}: {r['text']!r}" for r in removed)
    details = {
        **_document_summary(row),
        "sources": list(sources),
        "next_version_ids": list(newer),
        "text_kind": text,
        "text": body,
    }
    if text == "removed":
        details["removed"] = removed
    if as_json:
        print_json_lines([details])
        return
    shown = {k: v for k, v in details.items() if k not in ("text", "text_kind", "removed")}
    print_table(
        f"Document {row.id[:12]}", ["field", "value"], ((k, _cell(v)) for k, v in shown.items())
    )
    console.rule(f"{text} text ({len(body):,} characters)")
    console.print(body, markup=False, highlight=False)


def _removed(original: str) -> list[dict[str, Any]]:
    return [
        {"rule": r.rule, "start": r.start, "end": r.end, "text": original[r.start : r.end]}
        for r in clean_text(original).removals
    ]


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(documents)
    app.command()(document)
    app.command(name="set-date")(set_date)
    app.command()(redate)
    app.command()(reindex)
    app.command()(stats)
