"""Shared pieces of the command line: the database option, JSON lines, tables, errors.

Every stage's ``commands.py`` builds on these so that all commands behave alike.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database

Record = Mapping[str, Any]
# A table column: a record key, or (header, key), or (header, function of the record).
Column = str | tuple[str, str | Callable[[Record], Any]]

console = Console()
err_console = Console(stderr=True)

DbOption = typer.Option(
    None,
    "--db",
    envvar="SANCTIONWATCH_DB",
    help="Database URL: a SQLite path/URL (default sanctionwatch.db) or postgresql://...",
)
JsonOption = typer.Option(False, "--json", help="Print JSON lines instead of a table.")


def open_database(url: str | None) -> Database:
    """Open and migrate the store named on the command line (or the default)."""
    database = Database(url or load_settings().database_url)
    database.migrate()
    return database


def fail(message: str, hint: str | None = None, code: int = 1) -> NoReturn:
    """Print a one-line error (and what to do next) and exit with ``code``."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    if hint:
        err_console.print(f"[dim]hint:[/] {hint}", highlight=False)
    raise typer.Exit(code)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json_lines(rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, default=_default) + "\n")


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def _cell(record: Record, source: str | Callable[[Record], Any]) -> Any:
    return record.get(source) if isinstance(source, str) else source(record)


def print_records(
    title: str, records: Sequence[Record], columns: Sequence[Column], as_json: bool
) -> None:
    """A listing command's output: every record as a JSON line with ``--json`` (all its
    fields), else a table of ``columns``, so both views come from the same records."""
    if as_json:
        print_json_lines(records)
        return
    named = [(column, column) if isinstance(column, str) else column for column in columns]
    print_table(
        title,
        [header for header, _ in named],
        ([_cell(record, source) for _, source in named] for record in records),
    )


def print_counts(
    title: str,
    summary: Record,
    as_json: bool,
    headers: tuple[str, str] = ("what", "count"),
    hide: Iterable[str] = (),
) -> None:
    """A run's counts: one JSON line with ``--json``, else a two-column table (without the
    ``hide`` keys, which callers print their own way)."""
    if as_json:
        print_json_lines([summary])
        return
    hidden = set(hide)
    print_table(title, headers, [(k, v) for k, v in summary.items() if k not in hidden])
