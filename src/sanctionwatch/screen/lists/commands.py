"""``sanctionwatch lists …``: load, update, diff and inspect sanctions-list versions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_json_lines,
    print_records,
    print_table,
)
from sanctionwatch.screen.lists.diff import (
    ListDiff,
    UnknownVersionError,
    diff_versions,
    previous_version_ids,
)
from sanctionwatch.screen.lists.formats import FORMATS, detect_format
from sanctionwatch.screen.lists.ofac_csv import COMPANION_FILES
from sanctionwatch.screen.lists.sources import ListSource, SourcesConfigError, load_sources
from sanctionwatch.screen.lists.store import (
    ListDropError,
    LoadResult,
    get_list_entity,
    list_versions,
    load_list_file,
    sanctions_of,
)
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.screen.lists.update import update_source
from sanctionwatch.store import Database

lists_app = typer.Typer(
    name="lists",
    help="Official sanctions lists: load files, update from the web, diff versions.\n\n"
    "Example:\n\n    sanctionwatch lists load consolidated.xml --format un-xml",
    no_args_is_help=True,
)

MAX_DIFF_ROWS = 30


def register(app: typer.Typer) -> None:
    """Mount the ``lists`` sub-commands on ``app``."""
    app.add_typer(lists_app, name="lists")


@lists_app.command("load")
def load_command(
    files: list[Path] = typer.Argument(..., help="List files, or folders of list files."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=f"One of: {', '.join(FORMATS)} (default: detected)."
    ),
    source: str | None = typer.Option(
        None, "--source", help="Source id (default: the format's usual one, e.g. un_sc)."
    ),
    force: bool = typer.Option(False, "--force", help="Accept a version that drops ≥ 90%."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Load list FILES as new versions of their sources, then print what changed.

    Folders are read file by file (formats detected, OFAC add.csv/alt.csv read with sdn.csv).
    A bad file is reported and skipped; the exit code is 1 when any file failed.

    Example:

        sanctionwatch lists load consolidated.xml --format un-xml --db sw.db
        sanctionwatch lists load ../shared/data/sanctions
    """
    paths = _expand(files)
    if not paths:
        fail("no list files found", "give list files or a folder that contains some")
    database = open_database(db)
    failures = 0
    for path in paths:
        chosen = fmt or detect_format(path)
        if chosen is None:
            failures += 1
            _error(f"{path}: cannot tell the list format; pass --format ({', '.join(FORMATS)})")
            continue
        loaded = _load_and_report(
            database,
            f"loading {path.name} ({chosen})",
            partial(load_list_file, database, path, chosen, source=source, force=force),
            as_json,
        )
        failures += not loaded
    if failures:
        raise typer.Exit(1)


def _expand(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [
                item
                for item in sorted(path.iterdir())
                if item.is_file() and item.name not in COMPANION_FILES and detect_format(item)
            ]
        else:
            found.append(path)
    return found


def _load_and_report(
    database: Database,
    doing: str,
    load: Callable[[], LoadResult],
    as_json: bool,
    bad_format_prefix: str = "",
) -> bool:
    """Run one list load under a spinner and print what changed; a refused or unreadable list
    is one error line (its previous version stays current) and gives False."""
    try:
        with _spinner(doing):
            result = load()
    except ListDropError as exc:
        _error(str(exc))
        return False
    except ListFormatError as exc:
        _error(f"{bad_format_prefix}{exc} (previous version kept)")
        return False
    report_load(database, result, as_json)
    return True


def _error(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)


def report_load(database: Database, result: LoadResult, as_json: bool) -> None:
    """Print a load summary and, when there was a previous version, the diff."""
    diff = None
    if not result.unchanged and result.previous_version_id is not None:
        with database.session() as session:
            diff = diff_versions(session, result.previous_version_id, result.version_id)
    if as_json:
        row: dict[str, Any] = {
            "source": result.source,
            "format": result.format,
            "version_id": result.version_id,
            "sha256": result.sha256,
            "unchanged": result.unchanged,
            "entities": result.entity_count,
            "designations": result.designation_count,
            "statements": result.statement_count,
            "seconds": round(result.seconds, 3),
            "diff": diff.to_dict() if diff is not None else None,
        }
        print_json_lines([row])
        return
    if result.unchanged:
        console.print(
            f"{result.source}: unchanged (same bytes as current version {result.version_id})",
            soft_wrap=True,
        )
        return
    console.print(
        f"{result.source}: version {result.version_id} loaded from {result.format} — "
        f"{result.entity_count} entities, {result.designation_count} designations, "
        f"{result.statement_count} statements in {result.seconds:.1f}s",
        soft_wrap=True,
    )
    if diff is not None:
        print_diff(diff)


def print_diff(diff: ListDiff) -> None:
    console.print(diff.summary(), soft_wrap=True)
    rows: list[tuple[str, str, str, str]] = []
    rows += [("added", e.entity_id, e.caption, "") for e in diff.added]
    rows += [("removed", e.entity_id, e.caption, "") for e in diff.removed]
    rows += [("changed", e.entity_id, e.caption, ", ".join(e.fields)) for e in diff.changed]
    if rows:
        shown = rows[:MAX_DIFF_ROWS]
        print_table("list changes", ["change", "entity", "name", "fields"], shown)
        if len(rows) > MAX_DIFF_ROWS:
            console.print(f"… and {len(rows) - MAX_DIFF_ROWS} more (use --json for all)")


@lists_app.command("update")
def update_command(
    source: list[str] | None = typer.Option(
        None, "--source", help="Update only this source id (repeatable); default: all enabled."
    ),
    force: bool = typer.Option(False, "--force", help="Accept a version that drops ≥ 90%."),
    sources_file: Path | None = typer.Option(
        None, "--sources", help="A sources YAML file instead of the packaged one."
    ),
    allow_private: bool = typer.Option(
        False,
        "--allow-private",
        envvar="SANCTIONWATCH_ALLOW_PRIVATE",
        help="Allow downloads from private/loopback hosts (tests, mirrors).",
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Download each configured list, validate it, store it as a new version, print the diff.

    Sources come from data/lists/sources.yaml. A failed or suspicious download keeps the
    previous version; the exit code is 1 when any source failed.

    Example:

        sanctionwatch lists update --source un_sc
    """
    try:
        configured = load_sources(sources_file)
    except SourcesConfigError as exc:
        fail(str(exc), "fix the sources file (see docs/lists.md)")
    chosen = _choose_sources(configured, source)
    database = open_database(db)
    failures = 0
    for item in chosen:
        loaded = _load_and_report(
            database,
            f"downloading {item.id} from {item.url}",
            partial(update_source, database, item, force=force, allow_private=allow_private),
            as_json,
            bad_format_prefix=f"{item.id}: ",
        )
        failures += not loaded
    if failures:
        raise typer.Exit(1)


def _choose_sources(configured: list[ListSource], wanted: list[str] | None) -> list[ListSource]:
    if not wanted:
        return [item for item in configured if item.enabled]
    by_id = {item.id: item for item in configured}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        fail(f"unknown source {', '.join(unknown)}", f"configured: {', '.join(by_id)}")
    return [by_id[name] for name in wanted]


def _spinner(description: str) -> Progress:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    progress.add_task(description, total=None)
    return progress


@lists_app.command("sources")
def sources_command(
    sources_file: Path | None = typer.Option(
        None, "--sources", help="A sources YAML file instead of the packaged one."
    ),
    as_json: bool = JsonOption,
) -> None:
    """List the configured list sources (what `lists update` downloads).

    Example:

        sanctionwatch lists sources --json
    """
    try:
        configured = load_sources(sources_file)
    except SourcesConfigError as exc:
        fail(str(exc), "fix the sources file (see docs/lists.md)")
    rows = [
        {
            "id": item.id,
            "format": item.format,
            "enabled": item.enabled,
            "url": item.url,
            "max_bytes": item.max_bytes,
            "timeout": item.timeout,
            "sha256": item.sha256,
            "title": item.title,
        }
        for item in configured
    ]
    print_records("list sources", rows, ["id", "format", "enabled", "url"], as_json)


@lists_app.command("diff")
def diff_command(
    old: int | None = typer.Argument(None, help="Old version id."),
    new: int | None = typer.Argument(None, help="New version id."),
    source: str | None = typer.Option(
        None, "--source", help="Diff the last two versions of this source instead."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Show designations added, removed and changed between two list versions.

    Example:

        sanctionwatch lists diff 1 2
        sanctionwatch lists diff --source un_sc --json
    """
    database = open_database(db)
    with database.session() as session:
        if source is not None:
            pair = previous_version_ids(session, source)
            if pair is None:
                fail(f"source {source!r} has fewer than two versions", "load another version")
            old, new = pair
        if old is None or new is None:
            fail("give two version ids or --source", "see `sanctionwatch lists versions`")
        try:
            diff = diff_versions(session, old, new)
        except UnknownVersionError as exc:
            fail(str(exc), "see `sanctionwatch lists versions`")
    if as_json:
        rows: list[dict[str, Any]] = []
        rows += [{"change": "added", **entry.to_dict()} for entry in diff.added]
        rows += [{"change": "removed", **entry.to_dict()} for entry in diff.removed]
        rows += [{"change": "changed", **entry.to_dict()} for entry in diff.changed]
        print_json_lines(rows)
        return
    print_diff(diff)


@lists_app.command("versions")
def versions_command(
    source: str | None = typer.Option(None, "--source", help="Only this source."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List every stored list version (the current one per source is marked).

    Example:

        sanctionwatch lists versions --json
    """
    database = open_database(db)
    with database.session() as session:
        versions = list_versions(session, source)
    rows = [
        {
            "id": version.id,
            "source": version.source,
            "format": version.format,
            "status": version.status,
            "entities": version.entity_count,
            "designations": version.designation_count,
            "sha256": version.sha256,
            "fetched_at": version.fetched_at,
            "location": version.location,
        }
        for version in versions
    ]
    columns = ["id", "source", "format", "status", "entities", "designations", "fetched_at"]
    print_records("list versions", rows, columns, as_json)


@lists_app.command("show")
def show_command(
    entity_id: str = typer.Argument(..., help="A list entity id, e.g. un-sc-KPe.038."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Show one list entity and its designations as they stand in the graph.

    Example:

        sanctionwatch lists show un-sc-KPe.038
    """
    database = open_database(db)
    with database.session() as session:
        entity = get_list_entity(session, entity_id)
        if entity is None:
            fail(f"no list entity {entity_id!r}", "load a list first, or check the id")
        sanctions = sanctions_of(session, entity_id)
    if as_json:
        print_json_lines([entity.to_dict(), *(sanction.to_dict() for sanction in sanctions)])
        return
    for shown in (entity, *sanctions):
        rows = sorted((prop.name, value) for prop, value in shown.itervalues())
        print_table(f"{shown.schema.name} {shown.id}", ["property", "value"], rows)
