"""Commands of the monitor stage: sources, monitor, alerts, review, audit export."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy import select

from sanctionwatch.clikit import (
    Column,
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_json_lines,
    print_records,
)
from sanctionwatch.monitor import audit
from sanctionwatch.monitor.alerts import AlertError, alert_dict, list_alerts, review
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.notify import post_webhook, webhook_body
from sanctionwatch.monitor.run import MonitorRun, StopFlag, parse_interval, run_forever, run_once
from sanctionwatch.monitor.sources import SourceError, add_source, list_sources, remove_source
from sanctionwatch.monitor.tables import ALERT_STATUSES, AlertRow
from sanctionwatch.store import Database

sources_app = typer.Typer(
    name="sources",
    help="Feeds and pages the monitor watches.\n\n"
    "Example:\n\n    sanctionwatch sources add https://example.org/feed.xml --name Example",
    no_args_is_help=True,
)
audit_app = typer.Typer(
    name="audit",
    help="The append-only audit trail of screening runs, alerts and decisions.\n\n"
    "Example:\n\n    sanctionwatch audit export --since 2026-01-01 --format csv",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Mount ``sources``, ``monitor``, ``alerts``, ``review`` and ``audit`` on ``app``."""
    app.add_typer(sources_app)
    app.add_typer(audit_app)
    app.command("monitor")(monitor_command)
    app.command("alerts")(alerts_command)
    app.command("review")(review_command)


@sources_app.command("add")
def sources_add(
    url: str = typer.Argument(..., help="Feed or page URL (http or https)."),
    kind: str = typer.Option("rss", "--kind", help="rss (RSS 2.0 or Atom) or page."),
    name: str | None = typer.Option(None, "--name", help="A short name (default: the host)."),
    db: str | None = DbOption,
) -> None:
    """Watch a feed or a single page.

    Example:

        sanctionwatch sources add https://example.org/news/rss.xml --name "Example news"
        sanctionwatch sources add https://example.org/report.html --kind page
    """
    database = open_database(db)
    try:
        with database.session() as session:
            source = add_source(session, url, kind, name)
    except SourceError as error:
        fail(str(error), "see `sanctionwatch sources list` for what is watched")
    console.print(f"source {source.id}: {source.name} ({source.kind}) {source.url}")


@sources_app.command("list")
def sources_list(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    """List watched sources with when they were last polled and how it went.

    Example:

        sanctionwatch sources list --json
    """
    database = open_database(db)
    with database.session() as session:
        sources = list_sources(session)
    columns: list[Column] = [
        "id",
        "name",
        "kind",
        "url",
        "items",
        ("last polled", lambda s: s["last_polled"] or "never"),
        "status",
    ]
    print_records("Watched sources", [source.to_dict() for source in sources], columns, as_json)


@sources_app.command("remove")
def sources_remove(
    source_id: int = typer.Argument(..., help="Source id (see `sources list`)."),
    db: str | None = DbOption,
) -> None:
    """Stop watching a source; documents it brought in stay in the store.

    Example:

        sanctionwatch sources remove 3
    """
    database = open_database(db)
    try:
        with database.session() as session:
            source = remove_source(session, source_id)
    except SourceError as error:
        fail(str(error))
    console.print(f"removed source {source.id}: {source.url}")


def _print_run(run: MonitorRun, as_json: bool) -> None:
    if as_json:
        print_json_lines([run.to_dict()])
    for poll in run.polls:
        for error in poll.errors:
            err_console.print(f"[bold red]error:[/] {poll.source.name}: {error}", highlight=False)
    for failure in run.failures:
        err_console.print(f"[bold red]error:[/] {failure}", highlight=False)
    stamp = datetime.now().astimezone().strftime("%H:%M:%S")
    err_console.print(f"{stamp} monitor: {run.summary()}", highlight=False)


def _notify(
    database: Database, fetcher: Fetcher, url: str, secret: str, alert_ids: list[int]
) -> bool:
    """POST the run's alerts to the hook; whether they were delivered (errors are printed)."""
    with database.session() as session:
        rows = list(session.scalars(select(AlertRow).where(AlertRow.id.in_(alert_ids))))
        body = webhook_body(rows)
    delivery = post_webhook(url, body, secret, fetcher=fetcher)
    if not delivery.ok:
        err_console.print(f"[bold red]error:[/] {delivery.error}", highlight=False)
    return delivery.ok


def monitor_command(
    once: bool = typer.Option(False, "--once", help="Poll every source once, then stop."),
    every: str | None = typer.Option(
        None, "--every", help="Keep polling at this interval (15m, 1h, 900)."
    ),
    host_delay: float = typer.Option(
        1.0, "--host-delay", help="Seconds between two requests to the same host."
    ),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds to wait for a server."),
    webhook: str | None = typer.Option(
        None,
        "--webhook",
        envvar="SANCTIONWATCH_WEBHOOK_URL",
        help="POST new alerts here, signed with SANCTIONWATCH_WEBHOOK_SECRET (HMAC-SHA256).",
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Poll the watched sources and run the whole pipeline on new documents, raising alerts.

    New items are deduplicated by canonical URL and content hash, ingested, extracted, resolved
    and screened; a one-line summary is printed per run. With --every it keeps going until
    SIGTERM or Ctrl-C, stopping between items. Exit code 1 when a source failed or the
    webhook was not delivered (--once).

    Example:

        sanctionwatch monitor --once
        sanctionwatch monitor --every 15m --db postgresql://localhost/sanctionwatch
        sanctionwatch monitor --once --webhook https://hooks.example.org/sw
    """
    if once == (every is not None):
        fail("give exactly one of --once or --every INTERVAL", "e.g. sanctionwatch monitor --once")
    interval = 0.0
    if every is not None:
        try:
            interval = parse_interval(every)
        except ValueError as error:
            fail(str(error))
    secret = os.environ.get("SANCTIONWATCH_WEBHOOK_SECRET", "")
    if webhook and not secret:
        fail("--webhook needs SANCTIONWATCH_WEBHOOK_SECRET", "set a shared secret to sign with")
    database = open_database(db)
    stop = StopFlag()
    with (
        Fetcher(host_delay=host_delay, timeout=timeout) as fetcher,
        stop.on_signals(),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("monitor", total=None)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        undelivered: list[int] = []

        def report(run: MonitorRun) -> None:
            _print_run(run, as_json)
            if (
                webhook
                and run.alerts
                and not _notify(database, fetcher, webhook, secret, run.alerts)
            ):
                undelivered.extend(run.alerts)

        if once:
            run = run_once(database, fetcher, should_stop=stop, progress=progress)
            report(run)
            if not run.ok or undelivered:
                raise typer.Exit(1)
            return
        run_forever(database, fetcher, interval, stop, report, progress)
    err_console.print("monitor: stopped cleanly")


def alerts_command(
    status: str | None = typer.Option(
        None, "--status", help=f"Only alerts in this state ({', '.join(ALERT_STATUSES)})."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List alerts: screening hits, diverging claims and list updates touching the graph.

    Example:

        sanctionwatch alerts --status open --json
    """
    database = open_database(db)
    try:
        with database.session() as session:
            rows = [alert_dict(row) for row in list_alerts(session, status)]
    except AlertError as error:
        fail(str(error))
    columns: list[Column] = [
        "id",
        "kind",
        "status",
        "title",
        ("score", lambda r: "" if r["score"] is None else f"{r['score']:.2f}"),
        ("reopened because", "reopen_reason"),
    ]
    print_records("Alerts", rows, columns, as_json)


def review_command(
    alert_id: int = typer.Argument(..., help="Alert number (see `sanctionwatch alerts`)."),
    confirm: bool = typer.Option(False, "--confirm", help="A true hit."),
    clear: bool = typer.Option(False, "--clear", help="A false positive; stays cleared."),
    escalate: bool = typer.Option(False, "--escalate", help="Needs a senior analyst."),
    note: str = typer.Option(..., "--note", help="Why: recorded in the audit trail."),
    user: str = typer.Option("", "--user", envvar="USER", help="Who decides (default: $USER)."),
    db: str | None = DbOption,
) -> None:
    """Record a decision on an alert, with the list version, matcher version and score.

    A cleared screening hit stays cleared on re-screens until the list entry or the entity
    changes materially; then it reopens and says why.

    Example:

        sanctionwatch review 12 --clear --note "different person: born 1971, not 1958"
    """
    chosen = [
        name
        for name, flag in (("confirm", confirm), ("clear", clear), ("escalate", escalate))
        if flag
    ]
    if len(chosen) != 1:
        fail("give exactly one of --confirm, --clear or --escalate")
    database = open_database(db)
    try:
        with database.session() as session:
            row = review(session, alert_id, chosen[0], note, user or "unknown")
            status = row.status
    except AlertError as error:
        fail(str(error))
    console.print(f"alert {alert_id}: {status} by {user or 'unknown'}")


@audit_app.command("export")
def audit_export(
    since: datetime | None = typer.Option(
        None, "--since", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="From this date (UTC)."
    ),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
    db: str | None = DbOption,
) -> None:
    """Write the audit trail (screening runs, alerts, decisions) to standard output.

    Example:

        sanctionwatch audit export --since 2026-11-01 --format csv > audit.csv
    """
    if fmt not in ("jsonl", "csv"):
        fail(f"unknown format {fmt!r}", "use --format jsonl or --format csv")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    database = open_database(db)
    with database.session() as session:
        entries = audit.entries(session, since)
        writer = audit.to_csv if fmt == "csv" else audit.to_jsonl
        for chunk in writer(entries):
            sys.stdout.write(chunk)
