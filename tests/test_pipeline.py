"""The main job end to end on the team-written examples: every stage leaves something behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.ingest.commands import store_stats
from sanctionwatch.pipeline import EXAMPLE_LISTS, EXAMPLE_REPORTS, run_pipeline
from sanctionwatch.store.database import Database

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)


@pytest.mark.usefixtures("in_repo_root")
def test_pipeline_runs_every_stage_and_is_idempotent(sqlite_database: Database) -> None:
    first = run_pipeline(sqlite_database)
    assert first.ok, first.failures
    assert set(first.steps) >= {"ingest", "lists", "extract", "resolve", "screen", "flags"}
    reports = [p for p in EXAMPLE_REPORTS.iterdir() if p.is_file()]
    assert "un_sc" in first.steps["lists"] and EXAMPLE_LISTS.is_dir()
    after_first = store_stats(sqlite_database)
    assert after_first["documents"] >= len(reports) > 0
    assert after_first["statements"] > 0
    assert "0 with matches" not in first.steps["screen"]
    assert not first.steps["flags"].startswith("0 flags")
    assert not first.steps["alerts"].startswith("0 ")
    assert not first.steps["graph keys"].startswith("0 re-keyed")

    second = run_pipeline(sqlite_database)
    assert second.ok, second.failures
    assert second.steps["alerts"].startswith("0 new red-flag alerts")
    assert second.steps["graph keys"].startswith("0 re-keyed, 0 removed")
    assert store_stats(sqlite_database) == after_first


def test_pipeline_finds_the_examples_from_another_directory(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    summary = run_pipeline(sqlite_database)
    assert summary.ok, summary.failures
    reports = list((REPO_ROOT / EXAMPLE_REPORTS).iterdir())
    assert store_stats(sqlite_database)["documents"] == len(reports)
    assert "un_sc" in summary.steps["lists"]
