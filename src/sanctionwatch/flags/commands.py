"""CLI of the flags stage: ``flags`` (list), ``flags run``, ``flags show``, ``flags review``."""

from __future__ import annotations

import getpass
import os

import typer

from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    console,
    fail,
    open_database,
    print_json_lines,
    print_table,
)
from sanctionwatch.flags.engine import (
    FlagError,
    evaluate_flags,
    flag_detail,
    list_flags,
    review_flag,
)
from sanctionwatch.flags.rules import RuleError, load_rules

flags_app = typer.Typer(invoke_without_command=True, rich_markup_mode="rich")


@flags_app.callback()
def flags(
    ctx: typer.Context,
    rule: str | None = typer.Option(None, "--rule", help="Only flags of this rule id."),
    status: str | None = typer.Option(None, "--status", help="open, reviewed or dismissed."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List red flags (most severe first) with entities, explanation and evidence count.

    Example:

        sanctionwatch flags run
        sanctionwatch flags --rule shared_address --status open
        sanctionwatch flags --json | jq -r .explanation
    """
    if ctx.invoked_subcommand is not None:
        return
    database = open_database(db)
    try:
        with database.session() as session:
            views = list_flags(session, rule=rule, status=status)
    except FlagError as error:
        fail(str(error), "e.g. --status open")
    if as_json:
        print_json_lines(
            {k: v for k, v in view.as_dict().items() if k not in ("evidence", "reviews")}
            for view in views
        )
        return
    print_table(
        f"{len(views)} flags",
        ["id", "rule", "severity", "status", "entities", "explanation", "evidence"],
        (
            [
                v.id,
                v.rule_id,
                v.severity,
                v.status,
                "; ".join(v.entity_names),
                v.explanation,
                v.evidence_count,
            ]
            for v in views
        ),
    )


@flags_app.command("run")
def run(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Evaluate every rule over the resolved graph; flag ids survive re-runs.

    Example:

        sanctionwatch resolve && sanctionwatch flags run
    """
    try:
        load_rules()
    except RuleError as error:
        fail(str(error), "fix the rule file (see docs/flags.md) and run again")
    database = open_database(db)
    with console.status("evaluating red-flag rules"):
        report = evaluate_flags(database)
    if as_json:
        print_json_lines([report.as_dict()])
        return
    print_table(
        f"{report.total} flags ({report.new} new, {report.kept} kept, {report.retired} retired)",
        ["rule", "flags"],
        sorted(report.per_rule.items()),
    )
    for issue in report.issues:
        console.print(f"[yellow]data problem:[/] {issue}", highlight=False)


@flags_app.command("show")
def show(flag_id: str, db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """Show one flag: explanation, entities, evidence sentences with document and span, reviews.

    Example:

        sanctionwatch flags show flag-3f2a9c0d1e2b4a5c6d7e
    """
    database = open_database(db)
    try:
        with database.session() as session:
            view = flag_detail(session, flag_id)
    except FlagError as error:
        fail(str(error))
    if as_json:
        print_json_lines([view.as_dict()])
        return
    console.print(f"[bold]{view.id}[/] {view.rule_id} ({view.severity}, {view.status})")
    console.print(view.explanation, highlight=False)
    console.print(
        "entities: "
        + "; ".join(f"{n} ({i})" for n, i in zip(view.entity_names, view.entity_ids, strict=False))
    )
    print_table(
        "evidence",
        ["document", "span", "property", "sentence"],
        (
            [
                (e.document_id or "-")[:12],
                f"{e.start}-{e.end}" if e.start is not None else "-",
                e.prop,
                e.sentence or e.value,
            ]
            for e in view.evidence
        ),
    )
    for review in view.reviews:
        console.print(
            f"{review.created_at:%Y-%m-%d %H:%M} {review.user}: {review.status} {review.note or ''}"
        )


@flags_app.command("review")
def review(
    flag_id: str,
    status: str = typer.Option(..., "--status", help="reviewed, dismissed or open (reopen)."),
    note: str | None = typer.Option(None, "--note", help="Why; kept in the review history."),
    user: str | None = typer.Option(
        None, "--user", help="Reviewer (default: $SANCTIONWATCH_USER or login)."
    ),
    db: str | None = DbOption,
) -> None:
    """Record a review decision; a dismissal persists across re-runs.

    Example:

        sanctionwatch flags review flag-3f2a9c0d1e2b --status dismissed --note "same agent"
    """
    reviewer = user or os.environ.get("SANCTIONWATCH_USER") or getpass.getuser()
    database = open_database(db)
    try:
        with database.session() as session:
            view = review_flag(session, flag_id, status, reviewer, note)
    except FlagError as error:
        fail(str(error))
    console.print(f"{view.id} is now {view.status} ({reviewer})")


def register(app: typer.Typer) -> None:
    """Mount ``flags`` and its subcommands."""
    app.add_typer(flags_app, name="flags")
