"""The ``sanctionwatch`` command: a thin layer over each stage's Python API.

Each stage owns its commands in ``<stage>/commands.py`` and exposes ``register(app)``. This
module only names them: :data:`COMMANDS` maps every top-level command to the module that
registers it and the line ``--help`` shows, and the module is imported when the command runs
(see :class:`sanctionwatch.clikit.LazyGroup`), so starting the command line costs a few tens of
milliseconds rather than the seconds it takes to import every stage.

A new command: add it in its module's ``register()`` and one :class:`LazyCommand` row here
(``tests/test_cli_startup.py`` fails, naming the row to add, when they disagree).
"""

from __future__ import annotations

import typer

from sanctionwatch import __version__
from sanctionwatch.clikit import LazyCommand, LazyGroup

_INGEST = "sanctionwatch.ingest.commands"
_EXTRACT = "sanctionwatch.extract.commands"
_SCREEN = "sanctionwatch.screen.commands"
_WEB = "sanctionwatch.web.commands"
_MONITOR = "sanctionwatch.monitor.commands"
_RESOLVE = "sanctionwatch.resolve.commands"
_ENTITIES = "sanctionwatch.api.entity_commands"

# In the order the root --help lists them: single commands first, then command groups.
COMMANDS: tuple[LazyCommand, ...] = (
    LazyCommand(
        "ingest",
        _INGEST,
        "Ingest .txt, .md, .html and .pdf files (folders recursively) into the store.",
    ),
    LazyCommand(
        "documents",
        _INGEST,
        "List ingested documents, newest first, with their dates (given or inferred).",
    ),
    LazyCommand(
        "document", _INGEST, "Show one document: its metadata, sources, versions and text."
    ),
    LazyCommand(
        "set-date",
        _INGEST,
        "Set a document's publication date by hand, replacing the one ingest found or inferred.",
    ),
    LazyCommand(
        "redate",
        _INGEST,
        "Re-infer the publication dates that ingest inferred, with the current date rules.",
    ),
    LazyCommand("stats", _INGEST, "Show what the store holds."),
    LazyCommand("reindex", _INGEST, "Bring the document search index up to date now."),
    LazyCommand(
        "extract",
        _EXTRACT,
        "Extract entities, relations and claims from documents not yet extracted.",
    ),
    LazyCommand(
        "entities",
        _ENTITIES,
        "List the resolved entities the reports mention, most mentioned first.",
    ),
    LazyCommand(
        "entity",
        _ENTITIES,
        "Show a resolved entity: members, their sources, every statement with its evidence.",
    ),
    LazyCommand(
        "relations",
        "sanctionwatch.extract.relation_commands",
        "List relations read from documents: who owns, directs, employs, sanctions whom.",
    ),
    LazyCommand(
        "compare",
        _SCREEN,
        "Score two names with the matcher: score in [0, 1], features and explanation.",
    ),
    LazyCommand(
        "screen",
        _SCREEN,
        "Screen a name (or a CSV of names, or the whole graph) against the sanctions lists.",
    ),
    LazyCommand(
        "screen-matches",
        _SCREEN,
        "List the stored screening matches (from ``screen --all``), best first.",
    ),
    LazyCommand(
        "screen-keys",
        _SCREEN,
        "Bring the graph-side name-key index up to date (or rebuild it); show candidates.",
    ),
    LazyCommand(
        "speedups",
        _SCREEN,
        "Show whether the compiled matcher is in use; build it (mypyc) or remove it.",
    ),
    LazyCommand(
        "link",
        _RESOLVE,
        "Link a registry CSV to graph and list entities with Splink; bad rows are listed by line.",
    ),
    LazyCommand("serve", _WEB, "Serve the web app and the JSON API (OpenAPI at /openapi.json)."),
    LazyCommand(
        "export",
        _WEB,
        "Export the graph: FtM JSON lines, GEXF/GraphML (Gephi, networkx) or CSV per schema.",
    ),
    LazyCommand(
        "report",
        _WEB,
        "Write an entity's dossier: every fact footnoted to its source document or list.",
    ),
    LazyCommand(
        "web-assets",
        _WEB,
        "Install the pinned front-end libraries (Cytoscape.js, Chart.js) with npm.",
    ),
    LazyCommand(
        "monitor",
        _MONITOR,
        "Poll the watched sources and run the whole pipeline on new documents, raising alerts.",
    ),
    LazyCommand(
        "alerts",
        _MONITOR,
        "List alerts: screening hits, diverging claims and list updates touching the graph.",
    ),
    LazyCommand(
        "review",
        _MONITOR,
        "Record a decision on an alert, with the list version, matcher version and score.",
    ),
    LazyCommand(
        "run",
        "sanctionwatch.pipeline_commands",
        "Run the main job: the whole pipeline on PATHS, print a summary, then serve the web app.",
    ),
    LazyCommand(
        "lists",
        "sanctionwatch.screen.lists.commands",
        "Official sanctions lists: load files, update from the web, diff versions.",
    ),
    LazyCommand(
        "claims",
        "sanctionwatch.extract.claim_commands",
        "List quantitative claims: what is measured, value, unit, as of when, who says so.",
    ),
    LazyCommand(
        "resolve",
        _RESOLVE,
        "Run the machine resolution pass, then print a summary (subcommands: review, merge, ...).",
    ),
    LazyCommand(
        "graph",
        _RESOLVE,
        "Query the resolved graph: neighbours, paths, ultimate owners (SQL on SQLite/PostgreSQL).",
    ),
    LazyCommand(
        "flags",
        "sanctionwatch.flags.commands",
        "List red flags (most severe first) with entities, explanation and evidence count.",
    ),
    LazyCommand("sources", _MONITOR, "Feeds and pages the monitor watches."),
    LazyCommand(
        "audit", _MONITOR, "The append-only audit trail of screening runs, alerts and decisions."
    ),
    LazyCommand(
        "users",
        "sanctionwatch.users.commands",
        "People and scripts allowed to use the API and web app, with roles and tokens.",
    ),
)


class SanctionWatchGroup(LazyGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="sanctionwatch",
    help="Turn reports on sanctions evasion into a sourced, queryable knowledge graph.",
    cls=SanctionWatchGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
