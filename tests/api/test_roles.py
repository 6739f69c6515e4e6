"""Every role against every kind of endpoint: read, decide, administer (401 / 403 / 2xx).

The server is configured as if bound beyond loopback, so reading needs a token too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.monitor.alerts import raise_alert
from sanctionwatch.monitor.audit import entries
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user, rotate_token, set_disabled
from web_sample_graph import TEST_TOKEN, SampleGraph, insert_sample_graph

Call = Callable[[TestClient, dict[str, str], int], httpx.Response]
ROLES = ("viewer", "analyst", "admin")
NEEDS = {"read": "viewer", "decide": "analyst", "administer": "admin"}


@pytest.fixture
def graph(database: Database) -> SampleGraph:
    return insert_sample_graph(database)


@pytest.fixture
def tokens(database: Database, graph: SampleGraph) -> dict[str, str]:
    made = {}
    with database.session() as session:
        for role in ROLES:
            made[role] = add_user(session, f"{role}-user", role)[1]
    return made


@pytest.fixture
def remote(database: Database, tokens: dict[str, str]) -> Iterator[TestClient]:
    """The app as bound to 0.0.0.0: reads need a token, with the legacy admin token set."""
    config = ApiSettings(
        database_url=database.url, host="0.0.0.0", api_token=TEST_TOKEN, read_uploads=False
    )
    with TestClient(create_app(config, database=database)) as client:
        yield client


def _alert(database: Database) -> int:
    with database.session() as session:
        row = raise_alert(
            session,
            fingerprint="roles:hit",
            kind="screening_hit",
            title="A sample hit",
            entity_ids=["co-sample"],
        )
        assert row is not None
        return row.id


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _read(client: TestClient, headers: dict[str, str], _alert_id: int = 0) -> httpx.Response:
    return client.get("/entities", headers=headers)


def _match(client: TestClient, headers: dict[str, str], _alert_id: int = 0) -> httpx.Response:
    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Rungrado"]}}}}
    return client.post("/match/default", json=body, headers=headers)


def _decide(client: TestClient, headers: dict[str, str], alert_id: int) -> httpx.Response:
    body = {"decision": "escalate", "note": "look again"}
    return client.post(f"/alerts/{alert_id}/review", json=body, headers=headers)


def _administer(client: TestClient, headers: dict[str, str], _alert_id: int = 0) -> httpx.Response:
    return client.post(
        "/sources", json={"url": "https://news.example.org/feed.xml"}, headers=headers
    )


def _list_users(client: TestClient, headers: dict[str, str], _alert_id: int = 0) -> httpx.Response:
    return client.get("/users", headers=headers)


CALLS: dict[str, list[Call]] = {
    "read": [_read, _match],
    "decide": [_decide],
    "administer": [_administer, _list_users],
}


def _expected(role: str | None, kind: str) -> int:
    if role is None:
        return 401
    return 403 if ROLES.index(role) < ROLES.index(NEEDS[kind]) else 200


@pytest.mark.parametrize("kind", sorted(CALLS))
@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_against_each_kind_of_endpoint(
    remote: TestClient, database: Database, tokens: dict[str, str], role: str | None, kind: str
) -> None:
    alert_id = _alert(database)
    for call in CALLS[kind]:
        response = call(remote, _bearer(tokens[role] if role else None), alert_id)
        expected = _expected(role, kind)
        got = 200 if response.status_code in (200, 201) else response.status_code
        assert got == expected, (call.__name__, role, response.text)
        if expected == 403:
            assert f"needs the {NEEDS[kind]} role" in response.json()["detail"]
        if expected == 401:
            assert response.headers["www-authenticate"] == "Bearer"
            assert "needs" in response.json()["detail"]


def test_wrong_token_is_401_and_health_stays_open(remote: TestClient) -> None:
    assert _read(remote, _bearer("sw_not-a-real-token")).status_code == 401
    assert remote.get("/healthz").status_code == 200
    assert remote.get("/readyz").status_code == 200


def test_decisions_record_the_authenticated_user(
    remote: TestClient, database: Database, tokens: dict[str, str]
) -> None:
    alert_id = _alert(database)
    body = {"decision": "clear", "note": "not them", "user": "someone-else"}
    response = remote.post(
        f"/alerts/{alert_id}/review", json=body, headers=_bearer(tokens["analyst"])
    )
    assert response.status_code == 200, response.text
    with database.session() as session:
        actors = [e.actor for e in entries(session) if e.event == "decision"]
    assert actors == ["analyst-user"]


def test_legacy_token_is_an_admin_and_keeps_the_claimed_name(
    remote: TestClient, database: Database
) -> None:
    assert _administer(remote, _bearer(TEST_TOKEN)).status_code == 201
    assert _list_users(remote, _bearer(TEST_TOKEN)).status_code == 200
    alert_id = _alert(database)
    body = {"decision": "confirm", "note": "same company", "user": "ana"}
    assert (
        remote.post(
            f"/alerts/{alert_id}/review", json=body, headers=_bearer(TEST_TOKEN)
        ).status_code
        == 200
    )
    with database.session() as session:
        assert [e.actor for e in entries(session) if e.event == "decision"] == ["ana"]


def test_disabled_user_and_rotated_token_are_refused_at_once(
    remote: TestClient, database: Database, tokens: dict[str, str]
) -> None:
    assert _read(remote, _bearer(tokens["viewer"])).status_code == 200  # now cached
    with database.session() as session:
        set_disabled(session, "viewer-user")
    assert _read(remote, _bearer(tokens["viewer"])).status_code == 401
    assert _read(remote, _bearer(tokens["analyst"])).status_code == 200
    with database.session() as session:
        _, new = rotate_token(session, "analyst-user")
    assert _read(remote, _bearer(tokens["analyst"])).status_code == 401
    assert _read(remote, _bearer(new)).status_code == 200


def test_loopback_reads_are_open_but_writes_still_need_a_role(
    database: Database, tokens: dict[str, str]
) -> None:
    config = ApiSettings(database_url=database.url, host="127.0.0.1", read_uploads=False)
    with TestClient(create_app(config, database=database)) as client:
        assert _read(client, {}).status_code == 200
        assert _match(client, {}).status_code == 200
        assert _administer(client, {}).status_code == 401
        assert _administer(client, _bearer(tokens["analyst"])).status_code == 403
        assert _administer(client, _bearer(tokens["admin"])).status_code == 201
        assert client.get("/users").status_code == 401


def test_reads_can_be_locked_on_loopback_too(database: Database, tokens: dict[str, str]) -> None:
    config = ApiSettings(database_url=database.url, require_read_token=True)
    with TestClient(create_app(config, database=database)) as client:
        assert _read(client, {}).status_code == 401
        assert _read(client, _bearer(tokens["viewer"])).status_code == 200


def test_no_user_and_no_token_means_writes_are_disabled(sqlite_database: Database) -> None:
    insert_sample_graph(sqlite_database)
    config = ApiSettings(database_url=sqlite_database.url)
    with TestClient(create_app(config, database=sqlite_database)) as client:
        response = _administer(client, _bearer("anything"))
        assert response.status_code == 403
        assert "sanctionwatch users add" in response.json()["detail"]


def test_raw_tokens_never_reach_the_database(database: Database, tokens: dict[str, str]) -> None:
    with database.engine.connect() as connection:
        dump = " ".join(
            str(value)
            for table in ("users", "web_sessions")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
    assert "viewer-user" in dump
    for token in tokens.values():
        assert token not in dump and token[3:] not in dump
        assert token[:10] in dump  # the prefix that identifies it


def test_token_checks_are_remembered_not_looked_up_per_request(
    remote: TestClient, database: Database, tokens: dict[str, str]
) -> None:
    from sqlalchemy import event

    lookups: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if " users" in statement:
            lookups.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert _match(remote, _bearer(tokens["viewer"])).status_code == 200
            assert _match(remote, _bearer(TEST_TOKEN)).status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert len(lookups) == 1  # the first sight of the user's token; the legacy one needs none


def test_feed_readers_authenticate_with_basic_auth(
    remote: TestClient, tokens: dict[str, str]
) -> None:
    assert remote.get("/alerts.atom").status_code == 401
    assert remote.get("/alerts.atom", auth=("any-name", tokens["viewer"])).status_code == 200
    assert remote.get("/alerts.atom", auth=("any-name", "sw_wrong")).status_code == 401
    garbled = remote.get("/alerts.atom", headers={"Authorization": "Basic !!not-base64"})
    assert garbled.status_code == 401
