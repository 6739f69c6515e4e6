"""One monitor run: poll every source, run the pipeline on what is new (extract, resolve,
screen, flag), raise alerts.

``run_forever`` repeats it; a stop request (SIGTERM, Ctrl-C) is honoured between items and
between documents, never in the middle of one.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from sqlalchemy import select

from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.flags.engine import evaluate_flags
from sanctionwatch.monitor import audit
from sanctionwatch.monitor.alerts import (
    SYSTEM_ACTOR,
    claim_alerts,
    flag_alerts,
    list_update_alerts,
    screening_alerts,
)
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.poll import SourcePoll, poll_source
from sanctionwatch.monitor.sources import list_sources
from sanctionwatch.resolve.resolver import resolve_entities
from sanctionwatch.screen.graphkeys import refresh_graph_keys
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import list_versions
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

Progress = Callable[[str, int, int], None]
"""Called with (what, done, total)."""

INTERVAL = re.compile(r"^(\d+)\s*([smhd]?)$")
LIST_CHECK_EVENT = "list_version_checked"
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """``15m``, ``1h``, ``90s`` or plain seconds; at least 10 seconds (be polite)."""
    found = INTERVAL.match(text.strip().lower())
    if not found:
        raise ValueError(f"cannot read interval {text!r}; write e.g. 15m, 1h or 900")
    seconds = int(found.group(1)) * UNITS[found.group(2)]
    if seconds < 10:
        raise ValueError(f"interval {text!r} is shorter than 10 seconds; poll less often")
    return float(seconds)


class StopFlag:
    """Set by SIGTERM/SIGINT; checked between items and documents."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> bool:
        return self.event.is_set()

    def set(self, *_args: object) -> None:
        self.event.set()

    @contextmanager
    def on_signals(self) -> Iterator[StopFlag]:
        def handler(_signum: int, _frame: FrameType | None) -> None:
            self.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield self
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)


@dataclass
class MonitorRun:
    """What one run did, for the one-line summary and ``--json``."""

    polls: list[SourcePoll] = field(default_factory=list)
    documents: int = 0
    entities_screened: int = 0
    entities_rekeyed: int = 0
    """Graph entities whose name keys were refreshed (new or renamed by this run)."""
    new_flags: int = 0
    alerts: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stopped: bool = False
    seconds: float = 0.0

    @property
    def new_documents(self) -> list[str]:
        return [doc for poll in self.polls for doc in poll.new_documents]

    @property
    def ok(self) -> bool:
        return not self.failures and not any(poll.errors for poll in self.polls)

    def summary(self) -> str:
        errors = sum(len(poll.errors) for poll in self.polls)
        unchanged = sum(poll.not_modified for poll in self.polls)
        return (
            f"{len(self.polls)} sources ({unchanged} not modified), "
            f"{len(self.new_documents)} new documents, {self.entities_screened} entities "
            f"screened, {self.new_flags} new flags, {len(self.alerts)} alerts, "
            f"{errors + len(self.failures)} errors "
            f"in {self.seconds:.1f} s" + (" (stopped early)" if self.stopped else "")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [poll.to_dict() for poll in self.polls],
            "new_documents": self.new_documents,
            "entities_screened": self.entities_screened,
            "entities_rekeyed": self.entities_rekeyed,
            "new_flags": self.new_flags,
            "alerts": self.alerts,
            "failures": self.failures,
            "stopped": self.stopped,
            "seconds": round(self.seconds, 3),
        }


def run_once(
    database: Database,
    fetcher: Fetcher,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Progress | None = None,
    threshold: float | None = None,
) -> MonitorRun:
    """Poll every source once, then extract, resolve, screen and alert on the new documents."""
    started = time.perf_counter()
    run = MonitorRun()
    with database.session() as session:
        sources = list_sources(session)
    for done, source in enumerate(sources, 1):
        if should_stop():
            run.stopped = True
            break
        run.polls.append(poll_source(database, fetcher, source, should_stop))
        if progress is not None:
            progress("polling", done, len(sources))
    if run.new_documents:
        process_documents(database, run.new_documents, run, should_stop, progress, threshold)
    if not should_stop():
        run.alerts += process_list_updates(database, threshold)
        run.alerts += raise_flag_alerts(database)
    run.stopped = run.stopped or should_stop()
    run.seconds = time.perf_counter() - started
    return run


def _document_entities(database: Database, document_ids: Sequence[str]) -> list[str]:
    with database.session() as session:
        return sorted(
            set(
                session.scalars(
                    select(StatementRow.entity_id).where(
                        StatementRow.document_id.in_(list(document_ids))
                    )
                )
            )
        )


def _list_version_summary(database: Database) -> str:
    """``source=vN`` for every current list version (the versions a screening run used)."""
    with database.session() as session:
        current = [v for v in list_versions(session) if v.status == "current"]
    return ",".join(sorted(f"{v.source}=v{v.id}" for v in current))


def _checked_versions(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            str(entry.detail["source"]): int(entry.detail["version_id"])
            for entry in audit.entries(session)
            if entry.event == LIST_CHECK_EVENT
        }


def process_list_updates(database: Database, threshold: float | None = None) -> list[int]:
    """Alerts for list versions loaded since the last run (delta re-screen of what changed).

    The versions already checked are read back from the audit log; the first version of a
    source seen by the monitor is its baseline (no alerts: the graph was screened on load).
    """
    checked = _checked_versions(database)
    with database.session() as session:
        current = {v.source: v.id for v in list_versions(session) if v.status == "current"}
    raised: list[int] = []
    for source, version_id in sorted(current.items()):
        previous = checked.get(source)
        if previous == version_id:
            continue
        if previous is not None:
            with database.session() as session:
                diff = diff_versions(session, previous, version_id)
            raised += list_update_alerts(database, diff, threshold)
        with database.session() as session:
            audit.record(
                session,
                LIST_CHECK_EVENT,
                SYSTEM_ACTOR,
                list_version=f"v{version_id}",
                detail={"source": source, "version_id": version_id, "previous": previous},
            )
    return raised


def process_documents(
    database: Database,
    document_ids: Sequence[str],
    run: MonitorRun,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Progress | None = None,
    threshold: float | None = None,
) -> None:
    """The pipeline after ingestion, on new documents: extract, resolve, screen, alert."""
    report = extract_documents(
        database,
        on_progress=(lambda done, total: progress("extracting", done, total)) if progress else None,
    )
    run.documents = report.documents
    run.failures += [f"extract: {doc}: {why}" for doc, why in report.failures]
    if should_stop():
        run.stopped = True
        return
    resolve_entities(database)
    # new names keyed now, so the next list update's delta re-screen only looks keys up
    run.entities_rekeyed = refresh_graph_keys(database).rekeyed
    entity_ids = _document_entities(database, document_ids)
    summary = screen_all(database, threshold=threshold, entity_ids=entity_ids)
    run.entities_screened = summary.screened
    with database.session() as session:
        audit.record(
            session,
            "screening_run",
            SYSTEM_ACTOR,
            list_version=_list_version_summary(database)[:64],
            matcher_version=summary.matcher_version,
            detail={
                "kind": "new documents",
                "list_versions": _list_version_summary(database),
                "documents": list(document_ids),
                **summary.to_dict(),
            },
        )
        alerts = screening_alerts(session, entity_ids, document_ids, threshold)
        alerts += claim_alerts(session, document_ids)
        run.alerts += [alert.id for alert in alerts]
    if should_stop():
        run.stopped = True
        return
    try:
        flags_report = evaluate_flags(database)
    except (ValueError, OSError) as error:  # a broken rule file: say so, keep the other alerts
        run.failures.append(f"flags: {error}")
        return
    run.new_flags = flags_report.new


def raise_flag_alerts(database: Database) -> list[int]:
    """``new_flag`` alerts for flags (or flag evidence) no alert has named yet, whoever ran
    the flags; one transaction."""
    with database.session() as session:
        return [alert.id for alert in flag_alerts(session)]


def run_forever(
    database: Database,
    fetcher: Fetcher,
    interval: float,
    stop: StopFlag,
    on_run: Callable[[MonitorRun], None],
    progress: Progress | None = None,
) -> None:
    """Run, wait ``interval`` seconds (waking at once on a stop request), repeat."""
    while not stop():
        on_run(run_once(database, fetcher, should_stop=stop, progress=progress))
        stop.event.wait(interval)
