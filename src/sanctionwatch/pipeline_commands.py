"""``sanctionwatch run``: the main job (``make run``), every stage in turn on a folder."""

from __future__ import annotations

import typer

from sanctionwatch.clikit import DbOption, err_console, open_database, print_table
from sanctionwatch.ingest import commands as ingest_commands
from sanctionwatch.pipeline import run_pipeline
from sanctionwatch.web import commands as web_commands


def register(app: typer.Typer) -> None:
    """Add ``run`` to ``app``."""
    app.command()(run)


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
