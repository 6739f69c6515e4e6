"""The seed articles (read at run time from ../shared): the worker estimates form one series,
and claim quality on the hand-annotated gold stays at or above the target."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sanctionwatch.extract.claims import claim_series, list_claims
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.store import Database

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "gold" / "claims"

pytestmark = pytest.mark.shared


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "quality_claims", REPO / "bench" / "quality_claims.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["quality_claims"] = module
    spec.loader.exec_module(module)
    return module


def test_worker_estimates_across_seeds_form_one_conflicting_series(
    shared_dir: Path, sqlite_database: Database
) -> None:
    seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
    ingest_paths(sqlite_database, [str(path) for path in seeds])
    extract_documents(sqlite_database)
    with sqlite_database.session() as session:
        (series,) = claim_series(session, measure="dprk_workers_in:russia")
        assert list_claims(session, measure="dprk_workers_in:russia")
    documents = {estimate.claim.document_id for estimate in series.estimates}
    values = set(series.values)
    assert series.distinct_values >= 3
    assert len(documents) >= 3
    assert {30_000, 13_000, 10_000, 511} <= values
    assert series.status == "conflicting"
    assert all(estimate.claim.sentence for estimate in series.estimates)


def test_claim_quality_on_the_seeds_meets_the_target(
    shared_dir: Path, sqlite_database: Database
) -> None:
    bench = _bench()
    bench.load_seeds(sqlite_database, shared_dir / "corpus" / "seeds", GOLD)
    rows = {row["kind"]: row for row in bench.evaluate(sqlite_database, GOLD)}
    assert rows["claim"]["f1"] >= 0.8, rows
    assert rows["claim:measure"]["precision"] >= 0.8, rows
    assert rows["claim:asserter"]["precision"] >= 0.8, rows


def test_gold_files_cover_every_seed(shared_dir: Path) -> None:
    stems = {path.stem for path in (shared_dir / "corpus" / "seeds").glob("*.txt")}
    gold = {path.stem for path in GOLD.glob("*.yaml")}
    assert stems <= gold
    bench = _bench()
    for document in bench.load_gold(GOLD):
        assert document.claims is not None
        for claim in document.claims:
            assert claim.unit and claim.qualifier in {
                "exact", "approx", "at_least", "at_most", "more_than", "less_than", "range"
            }  # fmt: skip
