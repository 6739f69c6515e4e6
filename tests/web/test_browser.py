"""End to end in headless Chromium against a real uvicorn server, as an analyst would click.

Set ``SANCTIONWATCH_REQUIRE_BROWSER=1`` to fail (not skip) when Chromium is missing.
Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from sanctionwatch.web import assets
from web_live_server import live_server, shot
from web_sample_graph import SampleGraph, insert_sample_graph

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, SampleGraph]]:
    database = Database(f"sqlite:///{tmp_path / 'e2e.db'}")
    database.migrate()
    ids = insert_sample_graph(database)
    app = create_app(ApiSettings(database_url=database.url), database=database)
    with live_server(app) as base_url:
        yield base_url, ids
    database.dispose()


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
    shot(page, "entity")

    page.get_by_role("link", name="Network view").click()
    page.wait_for_selector("#graph-table")
    assert "Arrowcrest Limited" in page.inner_text("#graph-table")
    if assets.vendor_present():
        page.wait_for_function(
            "window.sanctionwatchGraph && window.sanctionwatchGraph.nodes().length >= 2"
        )
        page.wait_for_selector("#graph canvas")
    shot(page, "network")

    page.get_by_role("link", name="Claims timeline").click()
    page.wait_for_selector("#claims-table")
    conflicting = page.locator("#claims-table tr.conflicting")
    assert conflicting.count() >= 2
    figures = " ".join(conflicting.all_inner_texts())
    assert len({f for f in ("30,000", "13,000") if f in figures}) == 2
    if assets.vendor_present():
        page.wait_for_function("window.sanctionwatchChart !== undefined")
    shot(page, "claims")

    page.get_by_role("link", name="Screen").first.click()
    page.get_by_label("Name").fill("Kim Chong-un")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_selector("#screen-results")
    results = page.inner_text("#screen-results")
    assert "KIM Jong Un" in results and "match" in results
    shot(page, "screen")

    page.goto(f"/ui/documents/{ids.document_id}")
    page.get_by_role("link", name="Arrowcrest Limited").first.click()
    page.wait_for_url(f"**/ui/entities/{ids.arrowcrest}")
    shot(page, "reader-to-entity")
    assert errors == []
    page.close()
