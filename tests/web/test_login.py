"""Logging in to the web app with a token: session cookie, CSRF on forms, roles, logout."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.monitor.alerts import raise_alert
from sanctionwatch.monitor.audit import entries
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user, rotate_token
from sanctionwatch.users.tables import WebSessionRow
from web_sample_graph import insert_sample_graph

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def tokens(sqlite_database: Database) -> dict[str, str]:
    insert_sample_graph(sqlite_database)
    with sqlite_database.session() as session:
        return {role: add_user(session, f"{role}-1", role)[1] for role in ("viewer", "analyst")}


@pytest.fixture
def site(sqlite_database: Database, tokens: dict[str, str]) -> Iterator[TestClient]:
    """The web app as served beyond loopback (every page needs a login)."""
    settings = ApiSettings(database_url=sqlite_database.url, host="0.0.0.0", read_uploads=False)
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        yield client


def _alert(database: Database) -> int:
    with database.session() as session:
        row = raise_alert(
            session, fingerprint="web:1", kind="screening_hit", title="Hit", entity_ids=[]
        )
        assert row is not None
        return row.id


LOGIN_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _login_form(client: TestClient, token: str, next_url: str = "/ui/") -> dict[str, str]:
    """The login form as the login page fills it (its CSRF field; the cookie is set too)."""
    found = LOGIN_CSRF.search(client.get("/ui/login").text)
    assert found is not None
    return {"token": token, "next": next_url, "csrf": found.group(1)}


def _login(client: TestClient, token: str, next_url: str = "/ui/alerts") -> str:
    response = client.post(
        "/ui/login", data=_login_form(client, token, next_url), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def _csrf(client: TestClient) -> str:
    found = CSRF.search(client.get("/ui/alerts").text)
    assert found is not None
    return found.group(1)


def test_pages_send_a_stranger_to_the_login_page(site: TestClient) -> None:
    response = site.get("/ui/flags?state=open", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2Fflags%3Fstate%3Dopen"
    assert site.get("/entities").status_code == 401
    assert site.get("/ui/login").status_code == 200


def test_login_sets_a_strict_http_only_cookie_without_the_token(
    site: TestClient, tokens: dict[str, str]
) -> None:
    wrong = site.post("/ui/login", data=_login_form(site, "sw_wrong"), follow_redirects=False)
    assert wrong.status_code == 401 and "not valid" in wrong.text
    response = site.post(
        "/ui/login", data=_login_form(site, tokens["viewer"], "/ui/flags"), follow_redirects=False
    )
    cookies = response.headers.get_list("set-cookie")
    cookie = next(c for c in cookies if c.startswith("sw_session="))
    assert any(c.startswith("sw_login_csrf=") and "Max-Age=0" in c for c in cookies)
    assert response.headers["location"] == "/ui/flags"
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "sw_session=" in cookie
    assert tokens["viewer"] not in cookie
    page = site.get("/ui/flags")
    assert page.status_code == 200 and "viewer-1 (viewer)" in page.text
    assert site.get("/entities").status_code == 200  # the JSON API reads with the cookie too


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/ui\\@x"])
def test_login_never_redirects_off_site(
    site: TestClient, tokens: dict[str, str], target: str
) -> None:
    assert _login(site, tokens["viewer"], target) == "/ui/"


def test_forms_need_the_csrf_token_and_record_the_user(
    site: TestClient, sqlite_database: Database, tokens: dict[str, str]
) -> None:
    alert_id = _alert(sqlite_database)
    _login(site, tokens["analyst"])
    form = {"decision": "escalate", "note": "second look"}
    url = f"/ui/alerts/{alert_id}/review"
    assert site.post(url, data=form, follow_redirects=False).status_code == 403
    forged = site.post(url, data={**form, "csrf": "guess"}, follow_redirects=False)
    assert forged.status_code == 403 and "CSRF" in forged.text
    done = site.post(url, data={**form, "csrf": _csrf(site)}, follow_redirects=False)
    assert done.status_code == 303
    with sqlite_database.session() as session:
        assert [e.actor for e in entries(session) if e.event == "decision"] == ["analyst-1"]


def test_a_viewer_session_cannot_decide(
    site: TestClient, sqlite_database: Database, tokens: dict[str, str]
) -> None:
    alert_id = _alert(sqlite_database)
    _login(site, tokens["viewer"])
    form = {"decision": "clear", "note": "no", "csrf": _csrf(site)}
    refused = site.post(f"/ui/alerts/{alert_id}/review", data=form, follow_redirects=False)
    assert refused.status_code == 403 and "needs the analyst role" in refused.text


def test_rotating_the_token_ends_the_session_and_logout_deletes_it(
    site: TestClient, sqlite_database: Database, tokens: dict[str, str]
) -> None:
    _login(site, tokens["analyst"])
    assert site.get("/ui/alerts", follow_redirects=False).status_code == 200
    with sqlite_database.session() as session:
        _, new_token = rotate_token(session, "analyst-1")
    assert site.get("/ui/alerts", follow_redirects=False).status_code == 303
    _login(site, new_token)
    site.post("/ui/logout", data={"csrf": _csrf(site)}, follow_redirects=False)
    with sqlite_database.session() as session:
        assert session.scalars(select(WebSessionRow)).all() == []
    assert site.get("/ui/alerts", follow_redirects=False).status_code == 303
