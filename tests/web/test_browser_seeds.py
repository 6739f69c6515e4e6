"""The seeds flow in headless Chromium: the real articles and the OFAC list, every stage run.

Ingest the seed articles, extract, load the OFAC SDN snapshot, resolve and screen; then, as an
analyst: open Korea Rungrado General Trading Corporation, see its OFAC designation and the
Arrowcrest Limited link, open its network, the claims timeline with conflicting worker counts,
and screen "Kim Chong-un". Needs ../shared (skips without it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.resolve import resolve_entities
from sanctionwatch.screen.lists.formats import detect_format
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.store import Database
from sanctionwatch.web import assets
from web_live_server import live_server, shot

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.slow]

RUNGRADO = "Korea Rungrado General Trading Corporation"


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import SHARED_DIR

    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} not present")
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}")
    database.migrate()
    report = ingest_paths(database, [SHARED_DIR / "corpus" / "seeds"])
    assert report.ok, report.failures
    extract_documents(database)
    sdn: Path = SHARED_DIR / "data" / "sanctions" / "ofac_sdn_2024-05-03.csv"
    fmt = detect_format(sdn)
    assert fmt is not None
    load_list_file(database, sdn, fmt)
    resolve_entities(database)
    screen_all(database)
    app = create_app(ApiSettings(database_url=database.url), database=database)
    with live_server(app) as base_url:
        yield base_url
    database.dispose()


def test_seeds_walkthrough(browser: object, seeded_site: str) -> None:
    page = browser.new_page(base_url=seeded_site)  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/ui/")
    page.get_by_label("Search names and documents").first.fill(RUNGRADO)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=RUNGRADO, exact=True).first.click()
    page.wait_for_url("**/ui/entities/**")
    assert RUNGRADO.lower() in page.get_by_role("heading", level=1).inner_text().lower()
    designations = page.inner_text("section[aria-labelledby=h-sanctions]")
    matches = page.locator("section[aria-labelledby=h-matches]")
    ofac = designations + (matches.inner_text() if matches.count() else "")
    assert "us_ofac_sdn" in ofac and "DPRK" in ofac
    assert "Arrowcrest Limited" in page.inner_text("section[aria-labelledby=h-relations]")
    shot(page, "seeds-entity")

    page.get_by_role("link", name="Network view").click()
    page.wait_for_selector("#graph-table")
    assert "Arrowcrest Limited" in page.inner_text("#graph-table")
    if assets.vendor_present():
        page.wait_for_function("window.sanctionwatchGraph?.nodes().length >= 2")
    shot(page, "seeds-network")

    page.get_by_role("link", name="Claims timeline").click()
    page.wait_for_selector("#claims-table")
    assert "workers" in page.get_by_role("heading", level=2).inner_text().lower()
    conflicting = page.locator("#claims-table tr.conflicting")
    assert conflicting.count() >= 2
    values = {row.get_attribute("data-value") for row in conflicting.all()}
    assert len(values) >= 2, "conflicting estimates disagree on the number"
    shot(page, "seeds-claims")

    page.get_by_role("link", name="Screen").first.click()
    page.get_by_label("Name").fill("Kim Chong-un")
    page.get_by_role("button", name="Screen").click()
    first = page.locator("#screen-results tbody tr").first
    text = first.inner_text()
    assert re.search(r"kim jong[- ]?un|jong[- ]?un kim", text, re.IGNORECASE), text
    assert "match" in text
    shot(page, "seeds-screen")
    assert errors == []
    page.close()
