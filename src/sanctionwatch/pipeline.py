"""The whole pipeline in stage order: ingest, lists, extract, resolve, graph keys, screen, flags,
alerts.

``sanctionwatch run`` (the main job of ``make run``) calls :func:`run_pipeline`. Each step calls
one stage's public API; the order is the data flow (lists come before extraction because the
extraction gazetteer reads the designated names, and before screening and resolution, which
compare graph entities with list entities). The graph-side name-key index is brought up to date
after resolution, so the first delta re-screen after a list update only looks keys up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionwatch.extract.commands import run_extraction
from sanctionwatch.flags.engine import evaluate_flags
from sanctionwatch.ingest.commands import ingest_with_progress
from sanctionwatch.monitor.run import raise_flag_alerts
from sanctionwatch.resolve.resolver import resolve_entities
from sanctionwatch.screen.graphkeys import refresh_graph_keys
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.store.database import Database

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLE_REPORTS = Path("examples") / "reports"
EXAMPLE_LISTS = Path("examples") / "lists"


def _example(path: Path) -> Path:
    """The example folder under the current directory, else the one in this checkout."""
    return path if path.is_dir() or not (CHECKOUT / path).is_dir() else CHECKOUT / path


@dataclass
class PipelineSummary:
    """One line per stage for the summary table, and whether anything failed."""

    steps: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _ingest(database: Database, paths: Sequence[str], summary: PipelineSummary) -> None:
    report = ingest_with_progress(database, list(paths), as_json=False)
    summary.steps["ingest"] = _describe(report.counts) or "nothing to ingest"
    if not report.ok:
        summary.failures.append("ingest: some files failed (see the error lines above)")


def _lists(database: Database, folders: Sequence[Path], summary: PipelineSummary) -> None:
    loaded: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for result in load_list_folder(database, folder):
            loaded.append(f"{result.source} {result.entity_count}")
    summary.steps["lists"] = ", ".join(loaded) or "no list folder"


def _extract(database: Database, summary: PipelineSummary) -> None:
    report = run_extraction(database)
    summary.steps["extract"] = (
        f"{report.documents} documents, {report.mentions} mentions, "
        f"{report.relation_statements} relation statements, {report.claims} claims"
    )
    summary.failures.extend(f"extract: {doc}: {why}" for doc, why in report.failures)


def _resolve(database: Database, summary: PipelineSummary) -> None:
    result = resolve_entities(database)
    summary.steps["resolve"] = (
        f"{result.clusters} clusters of {result.clustered_entities} entities, "
        f"{result.queued_for_review} pairs for review"
    )


def _graph_keys(database: Database, summary: PipelineSummary) -> None:
    """Re-key the graph entities whose names changed (all of them on a new store)."""
    result = refresh_graph_keys(database)
    summary.steps["graph keys"] = (
        f"{result.rekeyed} re-keyed, {result.removed} removed, {result.entities} indexed"
    )


def _screen(database: Database, summary: PipelineSummary) -> None:
    result = screen_all(database)
    summary.steps["screen"] = (
        f"{result.screened} screened, {result.matched_entities} with matches "
        f"against {result.list_entities} list entities"
    )


def _flags(database: Database, summary: PipelineSummary) -> None:
    report = evaluate_flags(database)
    rules = ", ".join(f"{rule} {count}" for rule, count in sorted(report.per_rule.items()) if count)
    summary.steps["flags"] = f"{report.total} flags ({rules or 'none'}), {report.new} new"


def _alerts(database: Database, summary: PipelineSummary) -> None:
    """A ``new_flag`` alert for each flag no alert has named yet (none on a re-run)."""
    raised = raise_flag_alerts(database)
    summary.steps["alerts"] = f"{len(raised)} new red-flag alerts (`sanctionwatch alerts`)"


def _describe(counts: dict[str, Any]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items() if value)


Step = Callable[[Database, PipelineSummary], None]


def run_pipeline(
    database: Database,
    paths: Sequence[str] | None = None,
    list_folders: Sequence[Path] | None = None,
    extra_steps: Sequence[tuple[str, Step]] = (),
) -> PipelineSummary:
    """Run every stage once over ``paths`` (default: the example reports and lists)."""
    summary = PipelineSummary()
    _ingest(database, paths or [str(_example(EXAMPLE_REPORTS))], summary)
    folders = list_folders if list_folders is not None else [_example(EXAMPLE_LISTS)]
    _lists(database, folders, summary)
    _extract(database, summary)
    _resolve(database, summary)
    _graph_keys(database, summary)
    _screen(database, summary)
    _flags(database, summary)
    _alerts(database, summary)
    for _name, step in extra_steps:
        step(database, summary)
    return summary
