"""Shared pieces of the command line: the database option, JSON lines, tables, errors.

Every stage's ``commands.py`` builds on these so that all commands behave alike.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import typer
import typer.core
import typer.main
from rich.console import Console
from rich.table import Table

# typer (0.29+) vendors click: its groups hold, and are called with, these classes.
from typer import _click as click

from sanctionwatch.settings import load_settings

if TYPE_CHECKING:
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
    from sanctionwatch.store.database import Database  # SQLAlchemy: only for commands that use it

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


# --- lazy command loading --------------------------------------------------------------------
# Importing every stage to start the command line took seconds (spaCy, FollowTheMoney, FastAPI,
# networkx...). The root group instead knows each command by name, module and one-line help, and
# imports the module (and calls its ``register(app)``) only when that command runs or shows its
# own ``--help``. ``sanctionwatch --help`` imports no stage at all.

_LISTING = "sanctionwatch.listing-commands"
RULE_FILE_HINT = "fix the key the message names (or restore the file from git) and run again"


@dataclass(frozen=True)
class LazyCommand:
    """A top-level command the root group loads on first use.

    ``module`` has ``register(app: typer.Typer)`` adding ``name``; ``help`` is the line the root
    ``--help`` shows (the first paragraph of the command's own help: a test keeps them equal).
    """

    name: str
    module: str
    help: str


class _Placeholder(typer.core.TyperCommand):
    """Stands for a command not yet imported: enough for the root ``--help`` listing."""

    def __init__(self, entry: LazyCommand) -> None:
        super().__init__(entry.name, help=entry.help)
        self.entry = entry


_loaded_modules: dict[str, dict[str, click.Command]] = {}


def module_commands(module_name: str) -> dict[str, click.Command]:
    """The click commands a ``commands`` module registers, by name (imported once)."""
    if module_name not in _loaded_modules:
        module = importlib.import_module(module_name)
        staging = typer.Typer(rich_markup_mode="rich")
        module.register(staging)
        _loaded_modules[module_name] = dict(typer.main.get_group(staging).commands)
    return _loaded_modules[module_name]


class LazyGroup(typer.core.TyperGroup):
    """A typer group whose subcommands come from :attr:`lazy_commands`, imported on demand.

    Subclass it with ``lazy_commands`` set and pass the subclass as ``typer.Typer(cls=...)``.
    """

    lazy_commands: tuple[LazyCommand, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for entry in self.lazy_commands:
            self.commands.setdefault(entry.name, _Placeholder(entry))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if isinstance(command, _Placeholder) and not ctx.meta.get(_LISTING):
            command = self.load(command.entry)
        return command

    def load(self, entry: LazyCommand) -> click.Command:
        """Import ``entry``'s module and put its real command in place of the placeholder."""
        command = module_commands(entry.module).get(entry.name)
        if command is None:
            raise RuntimeError(f"{entry.module}.register() adds no command {entry.name!r}")
        self.commands[entry.name] = command
        return command

    def load_all(self) -> None:
        """Replace every placeholder (tests compare the lazy and the loaded help)."""
        for command in list(self.commands.values()):
            if isinstance(command, _Placeholder):
                self.load(command.entry)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a rules or tunables file that does not load (whichever stage's
        loader read it) ends the command with its one-line message, not a traceback."""
        try:
            return super().invoke(ctx)
        except ValueError as exc:
            from sanctionwatch.rulefile import RuleFileError  # loaded already if it was raised

            if not isinstance(exc, RuleFileError):
                raise
            fail(str(exc), RULE_FILE_HINT)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from their placeholders: the root help imports no stage."""
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)
