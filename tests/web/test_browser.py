"""End to end in headless Chromium against a real uvicorn server, as an analyst would click.

Set ``SANCTIONWATCH_REQUIRE_BROWSER=1`` to fail (not skip) when Chromium is missing.
Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from sanctionwatch.web import assets
from web_live_server import live_server
from web_sample_graph import SampleGraph, insert_sample_graph

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
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


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, SampleGraph]]:
    database = Database(f"sqlite:///{tmp_path / 'e2e.db'}")
    database.migrate()
    ids = insert_sample_graph(database)
    app = create_app(ApiSettings(database_url=database.url), database=database)
    with live_server(app) as base_url:
        yield base_url, ids
    database.dispose()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_analyst_walkthrough(browser: object, site: tuple[str, SampleGraph]) -> None:
    base_url, ids = site
    page = browser.new_page(base_url=base_url)  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/ui/")
    page.get_by_label("Search names and documents").first.fill("Korea Rungrado")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Korea Rungrado General Trading Corporation").first.click()
    page.wait_for_url("**/ui/entities/**")
    heading = page.get_by_role("heading", level=1)
    assert "Korea Rungrado General Trading Corporation" in heading.inner_text()
    body = page.inner_text("main")
    assert "us_ofac_sdn" in body  # the OFAC designation (listed entity or screening match)
    assert "Arrowcrest Limited" in body
    _shot(page, "entity")

    page.get_by_role("link", name="Network view").click()
    page.wait_for_selector("#graph-table")
    assert "Arrowcrest Limited" in page.inner_text("#graph-table")
    if assets.vendor_present():
        page.wait_for_function(
            "window.sanctionwatchGraph && window.sanctionwatchGraph.nodes().length >= 2"
        )
        page.wait_for_selector("#graph canvas")
    _shot(page, "network")

    page.get_by_role("link", name="Claims timeline").click()
    page.wait_for_selector("#claims-table")
    conflicting = page.locator("#claims-table tr.conflicting")
    assert conflicting.count() >= 2
    figures = " ".join(conflicting.all_inner_texts())
    assert len({f for f in ("30,000", "13,000") if f in figures}) == 2
    if assets.vendor_present():
        page.wait_for_function("window.sanctionwatchChart !== undefined")
    _shot(page, "claims")

    page.get_by_role("link", name="Screen").first.click()
    page.get_by_label("Name").fill("Kim Chong-un")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_selector("#screen-results")
    results = page.inner_text("#screen-results")
    assert "KIM Jong Un" in results and "match" in results
    _shot(page, "screen")

    page.goto(f"/ui/documents/{ids.document_id}")
    page.get_by_role("link", name="Arrowcrest Limited").first.click()
    page.wait_for_url(f"**/ui/entities/{ids.arrowcrest}")
    _shot(page, "reader-to-entity")
    assert errors == []
    page.close()
