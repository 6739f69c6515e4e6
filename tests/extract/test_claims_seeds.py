"""The seed articles (read at run time from ../shared): the worker estimates form one series,
and claim quality on the hand-annotated gold stays at or above the target."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from sanctionwatch.extract.claims import claim_series, list_claims
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

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


_STORES: dict[str, Database] = {}


@pytest.fixture
def pipeline_store(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """The seeds through the real pipeline (ingest dates them, extract reads those dates),
    built once for this module."""
    if "seeds" not in _STORES:
        database = Database(f"sqlite:///{tmp_path_factory.mktemp('claims') / 'seeds.db'}")
        database.migrate()
        seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))
        ingest_paths(database, [str(path) for path in seeds])
        extract_documents(database)
        _STORES["seeds"] = database
    return _STORES["seeds"]


def test_worker_estimates_across_seeds_form_one_conflicting_series(
    pipeline_store: Database,
) -> None:
    with pipeline_store.session() as session:
        (series,) = claim_series(session, measure="dprk_workers_in:russia")
        assert list_claims(session, measure="dprk_workers_in:russia")
    documents = {estimate.claim.document_id for estimate in series.estimates}
    values = set(series.values)
    assert series.distinct_values >= 3
    assert len(documents) >= 3
    assert {30_000, 13_000, 10_000, 511} <= values
    assert series.status == "conflicting"
    assert all(estimate.claim.sentence for estimate in series.estimates)


def test_claim_quality_through_ingest_dates_meets_the_target(pipeline_store: Database) -> None:
    """No gold dates here: every as-of is resolved against the date ingest found or inferred."""
    rows = {row["kind"]: row for row in _bench().evaluate(pipeline_store, GOLD)}
    assert rows["claim"]["f1"] >= 0.8, rows
    with pipeline_store.session() as session:
        kinds = {row.date_kind for row in session.scalars(select(DocumentRow))}
    assert "inferred" in kinds  # the test would be hollow if every seed declared its date


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
