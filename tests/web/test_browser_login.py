"""In headless Chromium: a server that needs tokens, an analyst logs in and clears an alert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.monitor.alerts import raise_alert
from sanctionwatch.monitor.audit import entries
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user
from web_live_server import live_server, shot
from web_sample_graph import insert_sample_graph

pytestmark = pytest.mark.browser


@pytest.fixture
def locked_site(tmp_path: Path) -> Iterator[tuple[str, Database, str]]:
    database = Database(f"sqlite:///{tmp_path / 'login.db'}")
    database.migrate()
    insert_sample_graph(database)
    with database.session() as session:
        token = add_user(session, "ana", "analyst")[1]
        raise_alert(
            session,
            fingerprint="browser:1",
            kind="screening_hit",
            title="Sample Trading Corp matches a designated company",
            entity_ids=[],
        )
    settings = ApiSettings(database_url=database.url, require_read_token=True, read_uploads=False)
    with live_server(create_app(settings, database=database)) as base_url:
        yield base_url, database, token
    database.dispose()


def test_analyst_logs_in_and_clears_an_alert(
    browser: object, locked_site: tuple[str, Database, str]
) -> None:
    base_url, database, token = locked_site
    page = browser.new_page(base_url=base_url)  # type: ignore[attr-defined]
    page.goto("/ui/alerts")
    page.wait_for_url("**/ui/login?next=*")
    page.get_by_label("API token").fill(token)
    shot(page, "login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/ui/alerts")
    assert "ana (analyst)" in page.inner_text("header")
    assert page.locator("input[name=token]").count() == 0  # the session replaces the token
    page.get_by_label("Note").first.fill("a different company")
    page.get_by_role("button", name="Clear").first.click()
    page.wait_for_url("**/ui/alerts?message=*")
    assert "is now cleared" in page.inner_text("main")
    shot(page, "alerts-after-login")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/ui/login")
    page.goto("/ui/alerts")
    page.wait_for_url("**/ui/login?next=*")
    with database.session() as session:
        decisions = [(e.actor, e.decision) for e in entries(session) if e.event == "decision"]
    assert decisions == [("ana", "clear")]
