"""Commands of the web stage: ``serve``, ``export``, ``report`` (mounted by the CLI)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import typer

from sanctionwatch.api.settings import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    is_loopback,
    load_api_settings,
    serving_settings,
)
from sanctionwatch.clikit import DbOption, console, fail, open_database
from sanctionwatch.store import Database
from sanctionwatch.web import assets, exports
from sanctionwatch.web.dossier import DossierError, dossier_html, html_to_pdf

HostOption = typer.Option(DEFAULT_HOST, "--host", help="Address to bind (loopback by default).")
PortOption = typer.Option(DEFAULT_PORT, "--port", min=1, max=65535, help="TCP port.")


def should_serve(choice: bool | None) -> bool:
    """``run`` serves when asked, or by default when a person runs it in a terminal (tests,
    CI and pipes get the summary and the exit code instead of a server that never returns)."""
    if choice is not None:
        return choice
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not interactive:
        console.print("[dim]not serving (no terminal); browse with `sanctionwatch serve`[/]")
    return interactive


def serve_app(database: Database, host: str, port: int) -> None:
    """Serve the API and web app over ``database`` until interrupted; prints the address."""
    import uvicorn

    from sanctionwatch.api.app import create_app

    settings = serving_settings(replace(load_api_settings(), database_url=database.url), host, port)
    app = create_app(settings, database=database)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"SanctionWatch is serving on [bold]http://{shown}:{port}/[/] (Ctrl+C stops)")
    if not settings.reads_open:
        console.print(
            "reads need a token here (bound beyond loopback): give people one with "
            "`sanctionwatch users add NAME --role viewer`"
        )
    elif not is_loopback(host):
        console.print(
            "[yellow]warning:[/] bound beyond loopback with SANCTIONWATCH_REQUIRE_READ_TOKEN=0: "
            "anyone who can reach this port can read the data"
        )
    if not assets.vendor_present():
        console.print("[dim]network and chart drawings off: run `sanctionwatch web-assets`[/]")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve(host: str = HostOption, port: int = PortOption, db: str | None = DbOption) -> None:
    """Serve the web app and the JSON API (OpenAPI at /openapi.json).

    On loopback reads are open; bound elsewhere they need a viewer's token. Decisions need
    an analyst's token, sources and users an admin's (`sanctionwatch users add`);
    SANCTIONWATCH_API_TOKEN still works as an admin token.

    Example:

        sanctionwatch serve --port 8000 --db sqlite:///sanctionwatch.db
    """
    serve_app(open_database(db), host, port)


def export(
    fmt: str = typer.Option(..., "--format", help="ftm, gexf, graphml or csv."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File (a folder for csv); ftm defaults to standard output."
    ),
    db: str | None = DbOption,
) -> None:
    """Export the graph: FtM JSON lines, GEXF/GraphML (Gephi, networkx) or CSV per schema.

    Example:

        sanctionwatch export --format gexf --output graph.gexf
    """
    if fmt not in exports.FORMATS:
        fail(f"unknown export format {fmt!r}", f"use one of: {', '.join(exports.FORMATS)}")
    database = open_database(db)
    if fmt == "ftm":
        if output is None:
            count = exports.write_ftm(database, sys.stdout)
        else:
            with output.open("w", encoding="utf-8") as handle:
                count = exports.write_ftm(database, handle)
        typer.echo(f"{count} entities exported", err=True)
        return
    if output is None:
        fail(f"--format {fmt} needs --output", "name a file (or a folder for csv)")
    if fmt == "csv":
        counts = exports.write_csv(database, output)
        typer.echo(
            f"{sum(counts.values())} entities in {len(counts)} files under {output}", err=True
        )
        return
    nodes, edges = exports.write_graph(database, output, fmt)
    typer.echo(f"{nodes} nodes and {edges} links written to {output}", err=True)


def report(
    entity_id: str = typer.Argument(..., help="Id of the entity."),
    fmt: str = typer.Option("html", "--format", help="html or pdf."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Where to write."),
    db: str | None = DbOption,
) -> None:
    """Write an entity's dossier: every fact footnoted to its source document or list.

    Example:

        sanctionwatch report co-0f3a9 --format pdf --output rungrado.pdf
    """
    if fmt not in ("html", "pdf"):
        fail(f"unknown report format {fmt!r}", "use --format html or --format pdf")
    database = open_database(db)
    try:
        html = dossier_html(database, entity_id)
        target = output or Path(f"dossier-{entity_id}.{fmt}")
        if fmt == "pdf":
            html_to_pdf(html, target)
        else:
            target.write_text(html, encoding="utf-8")
    except DossierError as exc:
        fail(str(exc))
    typer.echo(f"dossier written to {target}", err=True)


def web_assets() -> None:
    """Install the pinned front-end libraries (Cytoscape.js, Chart.js) with npm.

    Example:

        sanctionwatch web-assets
    """
    try:
        copied = assets.install_vendor()
    except (assets.AssetError, OSError) as exc:
        fail(str(exc), "the web app still works; it shows tables instead of drawings")
    for path in copied:
        typer.echo(f"installed {path}")


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``export``, ``report`` and ``web-assets`` to ``app``."""
    app.command()(serve)
    app.command()(export)
    app.command()(report)
    app.command("web-assets")(web_assets)
