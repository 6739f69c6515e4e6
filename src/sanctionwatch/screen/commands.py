"""``sanctionwatch compare`` and ``sanctionwatch screen``: the matcher and screening on the CLI.

``screen NAME`` on a stored index and ``compare`` never import FollowTheMoney (schema facts come
from :mod:`sanctionwatch.screen.schemata`); ``screen --all`` and ``screen-matches`` import the
screening module, which reads entities, when they run.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from sanctionwatch.clikit import (
    Column,
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_counts,
    print_json_lines,
    print_records,
    print_table,
)
from sanctionwatch.screen.graphkey_commands import graph_keys_command
from sanctionwatch.screen.index import ScreeningHit, ScreeningIndex, make_query
from sanctionwatch.screen.index_store import cached_list_index
from sanctionwatch.screen.matcher import (
    MATCHER_VERSION,
    MatchResult,
    compare_names,
    default_threshold,
)
from sanctionwatch.screen.normalize import InvalidNameError, check_name, prepare_name
from sanctionwatch.screen.schemata import schema_exists
from sanctionwatch.screen.speedup_commands import speedups_command
from sanctionwatch.store.database import Database

ThresholdOption = typer.Option(
    None,
    "--threshold",
    min=0.0,
    max=1.0,
    help="Match threshold in [0, 1] (default: SANCTIONWATCH_SCREEN_THRESHOLD or the fitted one).",
)
SchemaOption = typer.Option("Thing", "--schema", "-s", help="FtM schema: Person, Company, Vessel…")


def register(app: typer.Typer) -> None:
    """Add ``compare``, ``screen``, ``screen-matches``, ``screen-keys`` and ``speedups``."""
    app.command("compare")(compare_command)
    app.command("screen")(screen_command)
    app.command("screen-matches")(matches_command)
    app.command("screen-keys")(graph_keys_command)
    app.command("speedups")(speedups_command)


def _check_schema(schema: str) -> None:
    if not schema_exists(schema):
        fail(f"unknown schema {schema!r}", "use a FollowTheMoney schema: Person, Company, Vessel")


# --- compare --------------------------------------------------------------------------------


def _print_result(result: MatchResult, as_json: bool) -> None:
    if as_json:
        print_json_lines([result.to_dict() | {"matcher_version": MATCHER_VERSION}])
        return
    verdict = "[bold green]match[/]" if result.match else "[bold]no match[/]"
    console.print(f"score {result.score:.3f}  {verdict}")
    print_table(
        "features",
        ["feature", "value"],
        [(name, f"{value:.3f}") for name, value in result.features.items() if value],
    )
    for line in result.explanation:
        console.print(f"  {line}", highlight=False)


def _pair_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror})", "check the path")
    with handle:
        reader = csv.DictReader(handle)
        missing = {"schema", "name1", "name2"} - set(reader.fieldnames or [])
        if missing:
            fail(
                f"{path}: missing column(s) {', '.join(sorted(missing))}",
                "the first line must name the columns schema,name1,name2",
            )
        try:
            yield from enumerate(reader, start=2)
        except (UnicodeDecodeError, csv.Error) as exc:
            fail(f"{path}: unreadable CSV ({exc})", "save the file as UTF-8 CSV")


def _compare_pairs(path: Path, threshold: float | None, as_json: bool) -> None:
    errors = 0
    for line, row in _pair_rows(path):
        schema = row.get("schema") or "Thing"
        try:
            if not schema_exists(schema):
                raise InvalidNameError(f"unknown schema {schema!r}")
            result = compare_names(row["name1"] or "", row["name2"] or "", schema, threshold)
        except InvalidNameError as exc:
            errors += 1
            err_console.print(f"[bold red]error:[/] {path}:{line}: {exc}", highlight=False)
            sys.stdout.write('{"score": null}\n' if as_json else "nan\n")
            continue
        if as_json:
            print_json_lines([{"score": round(result.score, 6), "match": result.match}])
        else:
            sys.stdout.write(f"{result.score:.6f}\n")
    if errors:
        raise typer.Exit(1)


def compare_command(
    name1: str | None = typer.Argument(None, help="First name."),
    name2: str | None = typer.Argument(None, help="Second name."),
    schema: str = SchemaOption,
    pairs: Path | None = typer.Option(
        None, "--pairs", help="CSV with columns schema,name1,name2: print one score per line."
    ),
    threshold: float | None = ThresholdOption,
    as_json: bool = JsonOption,
) -> None:
    """Score two names with the matcher: score in [0, 1], features and explanation.

    Example:

        sanctionwatch compare "Kim Jong Un" "KIM CHONG-UN" --schema Person --json
        sanctionwatch compare --pairs bench/data/name_pairs_heldout.csv
    """
    if pairs is not None:
        _compare_pairs(pairs, threshold, as_json)
        return
    if name1 is None or name2 is None:
        fail("give two names, or --pairs FILE.csv", 'e.g. sanctionwatch compare "A" "B"', code=2)
    _check_schema(schema)
    try:
        result = compare_names(name1, name2, schema, threshold)
    except InvalidNameError as exc:
        fail(str(exc), "give a name with letters or digits, at most a few hundred characters", 2)
    _print_result(result, as_json)


# --- screen ---------------------------------------------------------------------------------


def _load_index(database: Database) -> ScreeningIndex:
    """The stored index when the lists are unchanged, else one built now (and stored)."""
    with err_console.status("loading the screening index…"):
        cached = cached_list_index(database)
    index = cached.index
    if not cached.reused and cached.path is not None and len(index):
        err_console.print(
            f"[dim]screening index built from the lists in the store and saved to "
            f"{cached.path} ({cached.reason})[/]",
            highlight=False,
        )
    if not len(index):
        fail(
            "no sanctions-list entities in the store",
            "load a list first: sanctionwatch lists load FILE --format un-xml",
        )
    return index


def _hit_rows(hits: list[ScreeningHit]) -> list[tuple[Any, ...]]:
    return [
        (
            f"{hit.score:.3f}",
            "yes" if hit.result.match else "",
            hit.entity.caption,
            hit.entity.schema,
            ",".join(hit.entity.datasets),
            hit.result.candidate_name,
            hit.entity.id,
        )
        for hit in hits
    ]


def _screen_one(
    index: ScreeningIndex,
    name: str,
    schema: str,
    country: str | None,
    birth_date: str | None,
    limit: int,
    threshold: float,
) -> list[ScreeningHit]:
    check_name(name)
    prepare_name(name, schema)
    query = make_query(name, schema, country, birth_date)
    return index.search(query, limit=limit, threshold=threshold)


def _screen_file(index: ScreeningIndex, path: Path, limit: int, threshold: float) -> None:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror})", "check the path")
    errors = 0
    with handle:
        reader = csv.DictReader(handle)
        if "name" not in (reader.fieldnames or []):
            fail(f"{path}: no 'name' column", "columns: name, schema, optional birth_date/country")
        for line, row in enumerate(reader, start=2):
            name = row.get("name") or ""
            schema = row.get("schema") or "Thing"
            try:
                if not schema_exists(schema):
                    raise InvalidNameError(f"unknown schema {schema!r}")
                hits = _screen_one(
                    index,
                    name,
                    schema,
                    row.get("country") or None,
                    row.get("birth_date") or None,
                    limit,
                    threshold,
                )
            except InvalidNameError as exc:
                errors += 1
                print_json_lines([{"row": line, "query": name[:200], "error": str(exc)}])
                err_console.print(f"[bold red]error:[/] {path}:{line}: {exc}", highlight=False)
                continue
            results = [hit.to_dict() for hit in hits]
            print_json_lines([{"row": line, "query": name, "schema": schema, "results": results}])
    if errors:
        raise typer.Exit(1)


def _screen_all(database: Database, threshold: float, as_json: bool) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from sanctionwatch.screen.screening import screen_all

    index = _load_index(database)
    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=as_json) as progress:
        task = progress.add_task("screen", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = screen_all(database, index, threshold, progress=report)
    print_counts("screening", summary.to_dict(), as_json, headers=("what", "value"))


def screen_command(
    name: str | None = typer.Argument(None, help="A name to screen against the lists."),
    schema: str = SchemaOption,
    country: str | None = typer.Option(None, "--country", help="ISO country code, e.g. ru."),
    birth_date: str | None = typer.Option(None, "--birth-date", help="YYYY[-MM[-DD]]."),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="Most results per query."),
    file: Path | None = typer.Option(
        None, "--file", help="CSV of queries (name, schema, optional birth_date, country)."
    ),
    screen_everything: bool = typer.Option(
        False, "--all", help="Screen every graph entity and store the matches."
    ),
    threshold: float | None = ThresholdOption,
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Screen a name (or a CSV of names, or the whole graph) against the sanctions lists.

    Example:

        sanctionwatch screen "Kim Chong-un" --schema Person --json
        sanctionwatch screen "Korea Pugang Trading" --schema Company --country kp
        sanctionwatch screen --file queries.csv
        sanctionwatch screen --all
    """
    chosen = sum([name is not None, file is not None, screen_everything])
    if chosen != 1:
        fail("give exactly one of NAME, --file FILE or --all", "see sanctionwatch screen --help", 2)
    _check_schema(schema)
    cutoff = default_threshold() if threshold is None else threshold
    if name is not None:
        try:
            check_name(name)
            prepare_name(name, schema)
        except InvalidNameError as exc:
            fail(
                f"cannot screen this query: {exc}", "type a name of a person, company or vessel", 2
            )
    database = open_database(db)
    if screen_everything:
        _screen_all(database, cutoff, as_json)
        return
    index = _load_index(database)
    if file is not None:
        _screen_file(index, file, limit, cutoff)
        return
    assert name is not None
    hits = _screen_one(index, name, schema, country, birth_date, limit, cutoff)
    if as_json:
        print_json_lines([hit.to_dict() for hit in hits])
        return
    if not hits:
        console.print(f"no list entity scores {cutoff:.2f} or more for {name!r}")
        return
    print_table(
        f"screening {name!r} (threshold {cutoff:.2f})",
        ["score", "match", "listed as", "schema", "lists", "matched name", "id"],
        _hit_rows(hits),
    )


def matches_command(
    entity: str | None = typer.Option(None, "--entity", help="Only this graph entity id."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List the stored screening matches (from ``screen --all``), best first.

    Example:

        sanctionwatch screen-matches --json
    """
    from sanctionwatch.screen.screening import stored_matches

    database = open_database(db)
    with database.session() as session:
        rows = stored_matches(session, entity)
        records = [
            {
                "graph_entity_id": row.graph_entity_id,
                "list_entity_id": row.list_entity_id,
                "list_source": row.list_source,
                "list_version": row.list_version,
                "score": row.score,
                "query_name": row.query_name,
                "matched_name": row.matched_name,
                "features": row.features,
                "matcher_version": row.matcher_version,
                "screened_at": row.screened_at,
            }
            for row in rows
        ]
    columns: list[Column] = [
        ("score", lambda r: f"{r['score']:.3f}"),
        ("graph entity", "graph_entity_id"),
        ("name", "query_name"),
        ("list entity", "list_entity_id"),
        ("list", "list_source"),
        ("version", "list_version"),
    ]
    print_records("screening matches", records, columns, as_json)
