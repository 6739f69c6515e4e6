"""CLI of the resolve stage: ``resolve`` (run, review, merge, split, judgments), ``link``,
``graph``.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.orm import Session

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
from sanctionwatch.resolve.config import ConfigError, load_resolver_config
from sanctionwatch.resolve.graph import neighbours, path, ultimate_owners
from sanctionwatch.resolve.judgments import Judgment, all_judgments, contradictions
from sanctionwatch.resolve.linkage import (
    BACKENDS,
    Backend,
    LinkConfigError,
    link_registry,
    load_link_config,
)
from sanctionwatch.resolve.resolver import (
    judge,
    members,
    merge,
    resolve_entities,
    review_queue,
    split,
)
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow

resolve_app = typer.Typer(
    invoke_without_command=True,
    rich_markup_mode="rich",
)
graph_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich")


@graph_app.callback()
def graph() -> None:
    """Query the resolved graph: neighbours, paths, ultimate owners (SQL on SQLite/PostgreSQL).

    Example:

        sanctionwatch graph neighbours org-1a2b --depth 2
        sanctionwatch graph owners org-1a2b --json
    """


UserOption = typer.Option(
    None, "--user", help="Who decides (default: $SANCTIONWATCH_USER or your login name)."
)
NoteOption = typer.Option(None, "--note", help="Why: shown in the judgment history.")
KEY_PROPS = (
    "name",
    "alias",
    "country",
    "jurisdiction",
    "nationality",
    "birthDate",
    "registrationNumber",
    "imoNumber",
    "address",
)


def register(app: typer.Typer) -> None:
    """Mount ``resolve``, ``link`` and ``graph``."""
    app.add_typer(resolve_app, name="resolve")
    app.command("link")(link)
    app.add_typer(graph_app, name="graph")


def _user(value: str | None) -> str:
    if value:
        return value
    env = os.environ.get("SANCTIONWATCH_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:
        return "analyst"


def _require_entity(session: Session, entity_id: str) -> None:
    found = session.scalar(
        select(StatementRow.id).where(StatementRow.entity_id == entity_id).limit(1)
    )
    if found is None and len(members(session, entity_id)) < 2:
        fail(f"no entity {entity_id!r} in the store", "check the id with `graph neighbours`")


@resolve_app.callback()
def resolve(
    ctx: typer.Context,
    db: str | None = DbOption,
    config: Path | None = typer.Option(
        None, "--config", help="Resolver tunables (default: the packaged resolver.yaml)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Run the machine resolution pass, then print a summary (subcommands: review, merge, ...).

    Candidate pairs share a name key; each is scored with the screening matcher's features plus
    schema, identifier, country and shared-document evidence. Pairs above the merge threshold
    are merged, the uncertain band is queued for `resolve review`. Analysts' judgments win.

    Example:

        sanctionwatch resolve --db sanctionwatch.db
        sanctionwatch resolve review
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        tunables = load_resolver_config(config)
    except ConfigError as exc:
        fail(str(exc), "fix the file or omit --config to use the packaged one")
    database = open_database(db)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("scoring candidate pairs", total=None)

        def report(phase: str, done: int, total: int) -> None:
            progress.update(task, description=phase, completed=done, total=total)

        summary = resolve_entities(database, tunables, progress=report)
    print_counts("Resolution", summary.as_dict(), as_json, hide=["contradictions"])
    if as_json:
        return
    for message in summary.contradictions:
        err_console.print(f"[bold yellow]contradiction:[/] {message}", highlight=False)


def _entity_card(session: Session, entity_id: str) -> dict[str, Any]:
    ids = members(session, entity_id)
    rows = session.execute(
        select(
            StatementRow.entity_id,
            StatementRow.schema,
            StatementRow.prop,
            StatementRow.value,
            StatementRow.dataset,
            StatementRow.sentence,
            DocumentRow.source,
            DocumentRow.title,
        )
        .outerjoin(DocumentRow, DocumentRow.id == StatementRow.document_id)
        .where(StatementRow.entity_id.in_(ids))
        .order_by(StatementRow.prop, StatementRow.value)
    ).all()
    props: dict[str, list[str]] = {}
    sources: list[str] = []
    for row in rows:
        if row.prop in KEY_PROPS and row.value not in props.get(row.prop, []):
            props.setdefault(row.prop, []).append(row.value)
        source = row.title or row.source or row.dataset
        if source not in sources:
            sources.append(source)
    schema = rows[0].schema if rows else "?"
    return {"id": entity_id, "members": ids, "schema": schema, "props": props, "sources": sources}


def _show_pair(judgment: Judgment, left: dict[str, Any], right: dict[str, Any]) -> None:
    console.rule(f"score {judgment.score}  (judgment {judgment.id})")
    for card in (left, right):
        console.print(f"[bold]{card['id']}[/] [dim]{card['schema']}[/]", highlight=False)
        for prop, values in card["props"].items():
            console.print(f"  {prop}: {'; '.join(values)}", highlight=False)
        console.print(f"  [dim]sources: {'; '.join(card['sources'][:5])}[/]", highlight=False)
    fired = ", ".join(f"{k}={v}" for k, v in judgment.features.items())
    console.print(f"[dim]features: {fired}[/]", highlight=False)


ANSWERS = {"s": "same", "n": "not_same", "u": "unsure", "k": "skip", "q": "quit"}


@resolve_app.command("review")
def review(
    db: str | None = DbOption,
    as_json: bool = JsonOption,
    limit: int | None = typer.Option(None, "--limit", help="Stop after this many pairs."),
    user: str | None = UserOption,
) -> None:
    """Review uncertain pairs one by one: same, not same, unsure or skip.

    With --json, list the queue (both entities' key properties and sources) without asking.

    Example:

        sanctionwatch resolve review --user ana
        sanctionwatch resolve review --json --limit 20
    """
    database = open_database(db)
    with database.session() as session:
        queue = review_queue(session, limit)
        cards = [
            (j, _entity_card(session, j.left_id), _entity_card(session, j.right_id)) for j in queue
        ]
    if as_json:
        print_json_lines(
            {"judgment": j.as_dict(), "left": left, "right": right} for j, left, right in cards
        )
        return
    if not cards:
        console.print("Nothing to review: the queue is empty.")
        return
    who = _user(user)
    decided = 0
    for judgment, left, right in cards:
        _show_pair(judgment, left, right)
        answer = typer.prompt("[s]ame / [n]ot same / [u]nsure / s[k]ip / [q]uit", default="k")
        choice = ANSWERS.get(answer.strip().lower()[:1], "skip")
        if choice == "quit":
            break
        if choice == "skip":
            continue
        with database.session() as session:
            decision = judge(session, judgment.left_id, judgment.right_id, choice, user=who)
        decided += 1
        for message in decision.contradictions:
            err_console.print(f"[bold yellow]contradiction:[/] {message}", highlight=False)
    console.print(f"{decided} judgment(s) recorded.")


@resolve_app.command("merge")
def merge_command(
    a: str = typer.Argument(..., help="One entity (or canonical) id."),
    b: str = typer.Argument(..., help="The other entity id."),
    user: str | None = UserOption,
    note: str | None = NoteOption,
    db: str | None = DbOption,
) -> None:
    """Record that A and B are the same thing (their clusters join).

    Example:

        sanctionwatch resolve merge org-1a2b org-9f8e --user ana --note "same registration"
    """
    if a == b:
        fail(f"{a} cannot be merged with itself", "give two different entity ids")
    database = open_database(db)
    with database.session() as session:
        _require_entity(session, a)
        _require_entity(session, b)
        decision = merge(session, a, b, user=_user(user), note=note)
        cluster = members(session, decision.canonical_id)
    if decision.contradictions:
        for message in decision.contradictions:
            err_console.print(f"[bold yellow]contradiction:[/] {message}", highlight=False)
        fail(
            f"judgment {decision.judgments[0].id} recorded but not applied: it contradicts an "
            "earlier not-same judgment",
            "decide which holds with `resolve merge`/`resolve split`; see `resolve judgments`",
        )
    console.print(
        f"merged: {decision.canonical_id} now has {len(cluster)} members", highlight=False
    )


@resolve_app.command("split")
def split_command(
    entity_id: str = typer.Argument(..., help="The entity to take out of its cluster."),
    dissolve: bool = typer.Option(
        False, "--all", help="Separate every member of the cluster, not just this one."
    ),
    user: str | None = UserOption,
    note: str | None = NoteOption,
    db: str | None = DbOption,
) -> None:
    """Take an entity out of its cluster (recorded as not-same judgments, so it stays out).

    Example:

        sanctionwatch resolve split org-9f8e --user ana --note "different registration"
    """
    database = open_database(db)
    with database.session() as session:
        try:
            decision = split(session, entity_id, user=_user(user), note=note, dissolve=dissolve)
        except ValueError as exc:
            fail(str(exc), "see `resolve judgments --entity ID` for its history")
    console.print(
        f"split: {len(decision.judgments)} not-same judgment(s) recorded", highlight=False
    )


@resolve_app.command("judgments")
def judgments_command(
    entity: str | None = typer.Option(None, "--entity", help="Only judgments about this id."),
    humans_only: bool = typer.Option(False, "--human", help="Only analysts' judgments."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List the judgment history (newest last) and any contradictions.

    Example:

        sanctionwatch resolve judgments --human --json
    """
    database = open_database(db)
    with database.session() as session:
        history = all_judgments(session)
        conflicts = contradictions(session)
    if entity:
        history = [j for j in history if entity in j.pair]
    if humans_only:
        history = [j for j in history if not j.machine]
    if as_json:
        print_json_lines([j.as_dict() for j in history])
        print_json_lines([{"contradiction": c.as_dict()} for c in conflicts])
        return
    print_table(
        "Judgments",
        ["id", "left", "right", "judgment", "user", "score", "when", "note"],
        (
            (
                j.id,
                j.left_id,
                j.right_id,
                j.judgment,
                j.user,
                j.score,
                j.created_at.strftime("%Y-%m-%d %H:%M"),
                j.note,
            )
            for j in history
        ),
    )
    for conflict in conflicts:
        err_console.print(f"[bold yellow]contradiction:[/] {conflict.describe()}", highlight=False)


def link(
    registry: Path = typer.Argument(..., help="Registry CSV (header row; a name column)."),
    config: Path | None = typer.Option(
        None, "--config", help="Splink model YAML (default: data/resolve/link_company.yaml)."
    ),
    backend: Backend = typer.Option("duckdb", "--backend", help="duckdb (embedded) or spark."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Link a registry CSV to graph and list entities with Splink; bad rows are listed by line.

    Exit code 0 when every row was read, 2 when some rows were bad (the rest are linked).

    Example:

        sanctionwatch link registry.csv --config link.yaml --backend duckdb --json
    """
    if backend not in BACKENDS:
        fail(f"unknown backend {backend!r}", "use --backend duckdb or --backend spark")
    if not registry.is_file():
        fail(f"{registry}: no such file", "give the path of a registry CSV")
    try:
        model = load_link_config(config)
    except LinkConfigError as exc:
        fail(str(exc), "fix the model file or omit --config")
    database = open_database(db)
    with console.status(f"linking {registry.name} on {backend}", spinner="dots"):
        try:
            report = link_registry(database, registry, model, backend=backend)
        except LinkConfigError as exc:
            fail(str(exc), "the header needs a name column (see the model's csv_columns)")
    for bad in report.bad_rows:
        err_console.print(f"{registry}:{bad.line}: {bad.problem}", highlight=False, soft_wrap=True)
    if as_json:
        print_json_lines(row.as_dict() for row in report.rows)
    else:
        print_table(
            f"{registry.name}: {report.linked} of {len(report.rows)} rows linked",
            ["line", "id", "name", "entity", "probability", "duplicates in file"],
            (
                (
                    row.record.line,
                    row.record.id,
                    row.record.name,
                    "; ".join(m["canonical_id"] for m in row.matches),
                    "; ".join(f"{m['probability']:.3f}" for m in row.matches),
                    ", ".join(row.duplicates),
                )
                for row in report.rows
            ),
        )
    if report.bad_rows:
        raise typer.Exit(2)


def _open(db: str | None) -> Database:
    return open_database(db)


@graph_app.command("neighbours")
def neighbours_command(
    entity_id: str = typer.Argument(..., help="Entity or canonical id."),
    depth: int = typer.Option(1, "--depth", min=1, max=6, help="Hops to follow."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Entities within N hops (ownership, directorship, employment, sanctions, addresses ...).

    Example:

        sanctionwatch graph neighbours org-1a2b --depth 2 --json
    """
    database = _open(db)
    with database.session() as session:
        _require_entity(session, entity_id)
        found = neighbours(session, entity_id, depth)
    if as_json:
        print_json_lines({"entity_id": n, "depth": d} for n, d in sorted(found.nodes.items()))
        print_json_lines({"edge": e.as_dict()} for e in found.edges)
        return
    print_table(
        f"Within {depth} hop(s) of {found.start}",
        ["depth", "entity"],
        sorted(((d, n) for n, d in found.nodes.items())),
    )
    print_table(
        "Links",
        ["source", "kind", "target", "link"],
        ((e.source, e.kind, e.target, e.link_id) for e in found.edges),
    )


@graph_app.command("path")
def path_command(
    a: str = typer.Argument(..., help="From this entity."),
    b: str = typer.Argument(..., help="To this entity."),
    max_depth: int = typer.Option(6, "--max-depth", min=1, max=10, help="Longest path tried."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """A shortest chain of links between two entities (any direction).

    Exit code 1 when they are not connected within --max-depth.

    Example:

        sanctionwatch graph path org-1a2b per-77aa --json
    """
    database = _open(db)
    with database.session() as session:
        _require_entity(session, a)
        _require_entity(session, b)
        chain = path(session, a, b, max_depth)
    if chain is None:
        fail(f"no path from {a} to {b} within {max_depth} hops", "try a larger --max-depth")
    if as_json:
        print_json_lines(edge.as_dict() for edge in chain)
        return
    print_table(
        f"Path {a} → {b}",
        ["step", "source", "kind", "target"],
        ((i, e.source, e.kind, e.target) for i, e in enumerate(chain, start=1)),
    )


@graph_app.command("owners")
def owners_command(
    entity_id: str = typer.Argument(..., help="The owned company."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Owners up the ownership chains with aggregated shares; ultimate owners are marked.

    Cycles, self-ownership and shares over 100% are reported, not followed forever.

    Example:

        sanctionwatch graph owners org-1a2b --json
    """
    database = _open(db)
    with database.session() as session:
        _require_entity(session, entity_id)
        report = ultimate_owners(session, entity_id)
    for issue in report.issues:
        err_console.print(f"[bold yellow]warning:[/] {issue}", highlight=False)
    if as_json:
        print_json_lines(owner.as_dict() for owner in report.owners)
        print_json_lines({"issue": issue} for issue in report.issues)
        return
    print_table(
        f"Owners of {report.target}",
        ["owner", "share", "complete", "ultimate", "depth", "via"],
        (
            (
                o.entity_id,
                "?" if o.share is None else f"{o.share:.1%}",
                "yes" if o.share_complete else "no",
                "yes" if o.ultimate else "",
                o.min_depth,
                " | ".join(" → ".join(p) for p in o.paths[:3]),
            )
            for o in report.owners
        ),
    )
