"""The login form refuses cross-site posts (login CSRF) and wrong tokens run out of budget."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sanctionwatch.api.app import create_app
from sanctionwatch.api.ratelimit import FailureBudget
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user
from sanctionwatch.users.tables import WebSessionRow

FIELD = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def token(sqlite_database: Database) -> str:
    with sqlite_database.session() as session:
        return add_user(session, "analyst-9", "analyst")[1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def site(sqlite_database: Database, token: str, clock: Clock) -> Iterator[TestClient]:
    settings = ApiSettings(database_url=sqlite_database.url, host="0.0.0.0", read_uploads=False)
    app = create_app(settings, database=sqlite_database)
    app.state.auth.failures = FailureBudget(10, 300, clock=clock)
    with TestClient(app) as client:
        yield client


def _form_field(client: TestClient) -> str:
    found = FIELD.search(client.get("/ui/login").text)
    assert found is not None
    return found.group(1)


def _sessions(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(WebSessionRow)) or 0


def test_a_cross_site_login_post_is_refused(
    site: TestClient, sqlite_database: Database, token: str
) -> None:
    # Another site's form: the browser sends no strict cookie, and the attacker cannot read ours.
    forged = site.post("/ui/login", data={"token": token, "csrf": "x" * 43}, follow_redirects=False)
    assert forged.status_code == 403 and "another site" in forged.text
    assert "sw_session" not in forged.headers.get("set-cookie", "")
    assert _sessions(sqlite_database) == 0


def test_a_login_post_without_the_field_or_with_another_value_is_refused(
    site: TestClient, token: str
) -> None:
    real = _form_field(site)  # the cookie is set now, as for a visitor who saw our page
    assert site.post("/ui/login", data={"token": token}, follow_redirects=False).status_code == 403
    other = {"token": token, "csrf": real[::-1]}
    assert site.post("/ui/login", data=other, follow_redirects=False).status_code == 403
    good = {"token": token, "csrf": _form_field(site)}
    response = site.post("/ui/login", data=good, follow_redirects=False)
    assert response.status_code == 303 and "sw_session=" in response.headers["set-cookie"]


def test_the_login_cookie_is_strict_http_only_and_scoped_to_the_form(site: TestClient) -> None:
    response = site.get("/ui/login")
    cookie = response.headers["set-cookie"]
    found = FIELD.search(response.text)
    assert found is not None and f"sw_login_csrf={found.group(1)}" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui/login" in cookie


def test_eleventh_wrong_login_is_429_until_the_window_passes(
    site: TestClient, token: str, clock: Clock
) -> None:
    for _ in range(10):
        wrong = {"token": "sw_guess", "csrf": _form_field(site)}
        assert site.post("/ui/login", data=wrong, follow_redirects=False).status_code == 401
    wrong = {"token": "sw_guess", "csrf": _form_field(site)}
    refused = site.post("/ui/login", data=wrong, follow_redirects=False)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) == 300
    right = {"token": token, "csrf": _form_field(site)}
    assert site.post("/ui/login", data=right, follow_redirects=False).status_code == 429
    clock.now += 301
    assert site.post("/ui/login", data=right, follow_redirects=False).status_code == 303


def test_over_https_the_login_cookie_is_host_only(sqlite_database: Database, token: str) -> None:
    settings = ApiSettings(database_url=sqlite_database.url, host="0.0.0.0", read_uploads=False)
    app = create_app(settings, database=sqlite_database)
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/ui/login")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("__Host-sw_login_csrf=") and "Secure" in cookie
        assert "Path=/;" in cookie or cookie.endswith("Path=/")
        good = {"token": token, "csrf": _form_field(client)}
        response = client.post("/ui/login", data=good, follow_redirects=False)
        assert response.status_code == 303
        # A value planted under the plain name (as a sibling subdomain could) is not consulted.
        client.cookies.clear()
        client.cookies.set("sw_login_csrf", "p" * 43)
        planted = {"token": token, "csrf": "p" * 43}
        assert client.post("/ui/login", data=planted, follow_redirects=False).status_code == 403
