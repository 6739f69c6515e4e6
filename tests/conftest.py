"""Shared fixtures: a migrated store on SQLite and, where a server is given, on PostgreSQL.

Tests that take ``database`` run once per backend. PostgreSQL runs when
``SANCTIONWATCH_TEST_PG_URL`` names a server (``.ci/run`` starts one); with
``SANCTIONWATCH_REQUIRE_PG=1`` a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sanctionwatch.store import Database, normalise_url

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", REPO_ROOT.parent / "shared"))
PG_URL = os.environ.get("SANCTIONWATCH_TEST_PG_URL")
REQUIRE_PG = os.environ.get("SANCTIONWATCH_REQUIRE_PG") == "1"


def _postgres_database() -> Iterator[Database]:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("SANCTIONWATCH_REQUIRE_PG=1 but SANCTIONWATCH_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set SANCTIONWATCH_TEST_PG_URL)")
    schema = f"sw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    database = Database(f"{PG_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        database.migrate()
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        db.migrate()
        yield db
        db.dispose()
    else:
        yield from _postgres_database()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite store only, for tests whose subject is not the backend."""
    db = Database(f"sqlite:///{tmp_path / 'test.db'}")
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` (seed articles, real list snapshots); skips where it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} not present")
    return SHARED_DIR
