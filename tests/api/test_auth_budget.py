"""Wrong tokens are budgeted per client and per account: the 11th within 5 minutes gets 429
with Retry-After, and after the window a good token works again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from sanctionwatch.api.app import create_app
from sanctionwatch.api.auth import client_address
from sanctionwatch.api.ratelimit import MAX_KEYS, FailureBudget
from sanctionwatch.api.settings import ApiSettings, load_api_settings
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def token(sqlite_database: Database) -> str:
    with sqlite_database.session() as session:
        return add_user(session, "viewer-7", "viewer")[1]


@pytest.fixture
def app(sqlite_database: Database, token: str, clock: Clock) -> FastAPI:
    settings = ApiSettings(database_url=sqlite_database.url, host="0.0.0.0", read_uploads=False)
    built = create_app(settings, database=sqlite_database)
    built.state.auth.failures = FailureBudget(10, 300, clock=clock)
    return built


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, client=("203.0.113.5", 4000)) as made:
        yield made


def test_eleventh_bad_token_is_429_and_a_good_token_works_after_the_window(
    client: TestClient, token: str, clock: Clock
) -> None:
    for attempt in range(10):
        clock.now += 1
        assert client.get("/entities", headers=bearer(f"sw_bad{attempt}")).status_code == 401
    refused = client.get("/entities", headers=bearer("sw_bad-eleven"))
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == 300 - 9  # the first failure leaves then
    assert "Too many wrong tokens" in refused.json()["detail"]
    # Past the budget the client is refused whatever it sends: a lucky guess is not told apart.
    assert client.get("/entities", headers=bearer(token)).status_code == 429
    clock.now += 292
    assert client.get("/entities", headers=bearer(token)).status_code == 200


def test_other_clients_are_not_held_back(app: FastAPI, client: TestClient, token: str) -> None:
    for _ in range(11):
        client.get("/entities", headers=bearer("sw_bad"))
    with TestClient(app, client=("198.51.100.7", 4000)) as other:
        assert other.get("/entities", headers=bearer(token)).status_code == 200
        assert other.get("/entities", headers=bearer("sw_bad")).status_code == 401


def test_good_tokens_spend_nothing(client: TestClient, token: str) -> None:
    for _ in range(30):
        assert client.get("/entities", headers=bearer(token)).status_code == 200


def test_one_account_attacked_from_many_addresses(app: FastAPI, token: str) -> None:
    for number in range(10):
        with TestClient(app, client=(f"192.0.2.{number + 1}", 4000)) as spread:
            assert spread.get("/alerts.atom", auth=("reader", "sw_bad")).status_code == 401
    with TestClient(app, client=("192.0.2.99", 4000)) as fresh:
        assert fresh.get("/alerts.atom", auth=("READER", "sw_bad")).status_code == 429
        assert fresh.get("/alerts.atom", auth=("other", token)).status_code == 200


def test_budget_counts_in_a_sliding_window(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    budget = FailureBudget(3, 60, clock=clock)
    for _ in range(3):
        assert budget.retry_after(["k"]) is None
        budget.fail(["k"])
        clock.now += 10
    assert budget.retry_after(["k"]) == 30  # failures at 50, 60, 70; now 80; 50 leaves at 110
    assert [r.getMessage() for r in caplog.records] == [
        "k: 3 wrong tokens within 60 s; refusing its token checks (429) until the window has passed"
    ]
    clock.now += 30
    assert budget.retry_after(["k"]) is None
    assert budget.retry_after(["other"]) is None
    assert FailureBudget(0, 60, clock=clock).retry_after(["k"]) is None


def test_budget_memory_stays_bounded(clock: Clock) -> None:
    budget = FailureBudget(2, 60, clock=clock)
    budget.fail([f"early-{n}" for n in range(MAX_KEYS)])
    clock.now += 61
    budget.fail(["late"])
    assert len(budget._failures) == 1


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "headers": headers, "client": (peer, 1)})


def test_forwarded_address_is_trusted_only_from_a_local_proxy() -> None:
    assert client_address(_request("127.0.0.1", "10.1.1.1, 203.0.113.9"), "x-forwarded-for") == (
        "203.0.113.9"
    )
    assert client_address(_request("198.51.100.1", "203.0.113.9"), "x-forwarded-for") == (
        "198.51.100.1"
    )
    assert client_address(_request("127.0.0.1", "203.0.113.9"), None) == "127.0.0.1"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONWATCH_AUTH_FAILURE_LIMIT", "4")
    monkeypatch.setenv("SANCTIONWATCH_AUTH_FAILURE_WINDOW", "30")
    monkeypatch.setenv("SANCTIONWATCH_CLIENT_IP_HEADER", "X-Forwarded-For")
    settings = load_api_settings()
    assert (settings.auth_failure_limit, settings.auth_failure_window_seconds) == (4, 30.0)
    assert settings.client_ip_header == "X-Forwarded-For"
