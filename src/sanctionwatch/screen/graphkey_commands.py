"""``sanctionwatch screen-keys``: the graph-side name-key index that delta re-screens use."""

from __future__ import annotations

import typer

from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    err_console,
    fail,
    open_database,
    print_json_lines,
    print_table,
)
from sanctionwatch.store.database import Database


def graph_keys_command(
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and key every entity."),
    candidates_for: list[str] | None = typer.Option(
        None,
        "--candidates",
        help="List entity id (repeatable): print the graph entities a re-screen would score.",
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Bring the graph-side name-key index up to date (or rebuild it); show candidates.

    ``sanctionwatch run``, every monitor run and every delta re-screen refresh the index
    themselves (only new or renamed entities are keyed); a rebuild is for safety after manual
    edits of the database. ``--candidates`` shows which graph entities a re-screen against
    those list entities would score.

    Example:

        sanctionwatch screen-keys
        sanctionwatch screen-keys --rebuild --json
        sanctionwatch screen-keys --candidates un-kpe-038 --json
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from sanctionwatch.screen.graphkeys import refresh_graph_keys

    database = open_database(db)
    columns = (
        TextColumn("keying graph names"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("keys", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = refresh_graph_keys(database, rebuild=rebuild, progress=report)
    if candidates_for:
        _print_candidates(database, candidates_for, as_json)
        return
    if as_json:
        print_json_lines([summary.to_dict()])
        return
    print_table("graph name-key index", ["what", "value"], summary.to_dict().items())


def _print_candidates(database: Database, list_ids: list[str], as_json: bool) -> None:
    from sanctionwatch.screen.graphkeys import graph_candidates
    from sanctionwatch.screen.screening import build_list_index

    index = build_list_index(database, list_ids)
    if not len(index):
        fail(
            f"no listed entity with id {', '.join(list_ids)} has a name to look up",
            "check the ids with sanctionwatch lists show or lists diff",
        )
    with database.session() as session:
        found = graph_candidates(session, index)
    if as_json:
        print_json_lines({"entity_id": entity_id} for entity_id in found.entity_ids)
        return
    print_table(
        f"{len(found.entity_ids)} of {found.graph_entities} graph entities to score",
        ["graph entity"],
        [(entity_id,) for entity_id in found.entity_ids],
    )
