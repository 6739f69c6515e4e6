"""The ``sanctionwatch`` command: a thin layer over each stage's Python API.

Each stage owns its commands in ``<stage>/commands.py`` and exposes ``register(app)``; this module
only mounts them and adds ``run``, the main job of ``make run``.
"""

from __future__ import annotations

import typer

from sanctionwatch import __version__
from sanctionwatch.api import entity_commands
from sanctionwatch.clikit import DbOption, err_console, open_database, print_table
from sanctionwatch.extract import claim_commands, relation_commands
from sanctionwatch.extract import commands as extract_commands
from sanctionwatch.flags import commands as flags_commands
from sanctionwatch.ingest import commands as ingest_commands
from sanctionwatch.monitor import commands as monitor_commands
from sanctionwatch.pipeline import run_pipeline
from sanctionwatch.resolve import commands as resolve_commands
from sanctionwatch.screen import commands as screen_commands
from sanctionwatch.screen.lists import commands as lists_commands
from sanctionwatch.users import commands as users_commands
from sanctionwatch.web import commands as web_commands

app = typer.Typer(
    name="sanctionwatch",
    help="Turn reports on sanctions evasion into a sourced, queryable knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

STAGE_COMMANDS = (
    ingest_commands,
    lists_commands,
    extract_commands,
    entity_commands,
    relation_commands,
    claim_commands,
    screen_commands,
    resolve_commands,
    flags_commands,
    web_commands,
    monitor_commands,
    users_commands,
)
for stage in STAGE_COMMANDS:
    stage.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """SanctionWatch: ingest, extract, resolve, screen, flag and show."""


@app.command()
def run(
    paths: list[str] = typer.Argument(
        None, help="Files or folders to process (default: examples/reports)."
    ),
    db: str | None = DbOption,
    serve: bool | None = typer.Option(
        None,
        "--serve/--no-serve",
        help="Serve the web app after the summary (default: when run from a terminal).",
    ),
    host: str = web_commands.HostOption,
    port: int = web_commands.PortOption,
) -> None:
    """Run the main job: the whole pipeline on PATHS, print a summary, then serve the web app.

    Stages: ingest PATHS (default examples/reports), load the lists in examples/lists,
    extract, resolve, screen every entity, flag, then raise an alert for each new red flag.

    Example:

        sanctionwatch run examples/reports --db sqlite:///sanctionwatch.db --no-serve
    """
    database = open_database(db)
    summary = run_pipeline(database, paths)
    print_table("SanctionWatch pipeline", ["stage", "result"], summary.steps.items())
    counts = ingest_commands.store_stats(database)
    print_table("SanctionWatch store", ["what", "count"], counts.items())
    for failure in summary.failures:
        err_console.print(f"error: {failure}")
    if web_commands.should_serve(serve):
        web_commands.serve_app(database, host, port)
    if not summary.ok:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
