from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from web_sample_graph import SampleGraph, insert_sample_graph

TOKEN = "web-token-0123456789"


@pytest.fixture
def graph(sqlite_database: Database) -> SampleGraph:
    return insert_sample_graph(sqlite_database)


@pytest.fixture
def pages(sqlite_database: Database, graph: SampleGraph) -> Iterator[TestClient]:
    settings = ApiSettings(database_url=sqlite_database.url, api_token=TOKEN, read_uploads=False)
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        yield client


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        if os.environ.get("SANCTIONWATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("SANCTIONWATCH_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()
