"""Wrong tokens counted by one server process count in every other on the same database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from sanctionwatch.api.app import create_app
from sanctionwatch.api.ratelimit import (
    FailureBudget,
    SharedFailureBudget,
    failure_counts,
    nth_newest_failure,
)
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user
from sanctionwatch.users.tables import AuthFailureRow

KEYS = ["client:203.0.113.5", "prefix:sw_abcdefgh"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _rows(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuthFailureRow)) or 0)


def test_two_workers_share_one_budget(database: Database) -> None:
    clock = Clock()
    first = SharedFailureBudget(database, limit=10, window_seconds=300, clock=clock)
    second = SharedFailureBudget(database, limit=10, window_seconds=300, clock=clock)
    for attempt in range(10):
        clock.now += 1
        assert (first if attempt % 2 else second).retry_after(KEYS) is None
        (first if attempt % 2 else second).fail(KEYS)
    # Each worker saw five failures, within its own budget; together they are ten.
    clock.now += 1
    assert first.retry_after(KEYS) == second.retry_after(KEYS) == 300 - 10
    third = SharedFailureBudget(database, limit=10, window_seconds=300, clock=clock)
    assert third.retry_after(["client:203.0.113.5"]) == 290
    assert third.retry_after(["client:198.51.100.7"]) is None
    assert third.retry_after(["client:203.0.113.5"], shared=False) == 290  # remembered
    fourth = SharedFailureBudget(database, limit=10, window_seconds=300, clock=clock)
    assert fourth.retry_after(["client:203.0.113.5"], shared=False) is None  # memory only
    clock.now += 289
    assert first.retry_after(KEYS) == 1
    clock.now += 1
    assert first.retry_after(KEYS) is None  # the oldest failure has left the window
    assert _rows(database) == 20


def test_expired_failures_are_deleted_as_new_ones_come(database: Database) -> None:
    clock = Clock()
    budget = SharedFailureBudget(database, limit=3, window_seconds=60, clock=clock)
    for _ in range(3):
        budget.fail(["client:a"])
    assert budget.retry_after(["client:a"]) == 60
    clock.now += 61
    budget.fail(["client:b"])
    assert _rows(database) == 1
    assert budget.retry_after(["client:a"]) is None
    assert (
        SharedFailureBudget(database, limit=3, window_seconds=60, clock=clock).retry_after(
            ["client:a", "client:b"]
        )
        is None
    )


def test_a_refusal_found_in_the_database_is_remembered(database: Database) -> None:
    clock = Clock()
    writer = SharedFailureBudget(database, limit=2, window_seconds=100, clock=clock)
    reader = SharedFailureBudget(database, limit=2, window_seconds=100, clock=clock)
    writer.fail(["client:a"])
    writer.fail(["client:a"])
    assert reader.retry_after(["client:a"]) == 100
    with database.session() as session:
        session.execute(AuthFailureRow.__table__.delete())
    clock.now += 10
    # No query needed (and none made: the rows are gone) until the refusal ends.
    assert reader.retry_after(["client:a"], shared=False) == 90
    clock.now += 90
    assert reader.retry_after(["client:a"]) is None


def test_an_ended_refusal_leaves_the_others_remembered(database: Database) -> None:
    clock = Clock()
    writer = SharedFailureBudget(database, limit=1, window_seconds=100, clock=clock)
    reader = SharedFailureBudget(database, limit=1, window_seconds=100, clock=clock)
    writer.fail(["client:a"])
    clock.now += 50
    writer.fail(["client:b"])
    assert reader.retry_after(["client:a"]) == 50 and reader.retry_after(["client:b"]) == 100
    clock.now += 50
    assert reader.retry_after(["client:a"], shared=False) is None
    assert reader.retry_after(["client:b"], shared=False) == 50


def test_disabled_budget_writes_nothing(database: Database) -> None:
    budget = SharedFailureBudget(database, limit=0)
    budget.fail(["client:a"])
    assert budget.retry_after(["client:a"]) is None and _rows(database) == 0


@pytest.fixture
def token(database: Database) -> str:
    with database.session() as session:
        return add_user(session, "viewer-9", "viewer")[1]


def test_two_server_processes_refuse_the_eleventh_wrong_token(
    database: Database, token: str
) -> None:
    """Two apps over one database stand for two uvicorn workers."""
    settings = ApiSettings(database_url=database.url, host="0.0.0.0", read_uploads=False)
    apps = [create_app(settings, database=database) for _ in range(2)]
    assert all(isinstance(app.state.auth.failures, SharedFailureBudget) for app in apps)
    clients = [TestClient(app, client=("203.0.113.5", 4000)) for app in apps]
    try:
        for attempt in range(10):
            sent = {"Authorization": f"Bearer sw_wrong{attempt}"}
            assert clients[attempt % 2].get("/entities", headers=sent).status_code == 401
        for client in clients:
            refused = client.get("/entities", headers={"Authorization": "Bearer sw_more"})
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 250
        # A token neither process remembers is refused too: a lucky guess is not told apart.
        assert (
            clients[0].get("/entities", headers={"Authorization": f"Bearer {token}"}).status_code
            == 429
        )
    finally:
        for client in clients:
            client.close()


def test_the_in_memory_budget_ignores_shared() -> None:
    budget = FailureBudget(limit=1, window_seconds=10)
    budget.fail(["k"])
    assert budget.retry_after(["k"], shared=False) == budget.retry_after(["k"]) == 10


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class LoopProbe(FailureBudget):
    """Records, for every call that may touch the database, whether it ran on the event loop."""

    def __init__(self) -> None:
        super().__init__(limit=10, window_seconds=300)
        self.calls: list[tuple[str, bool]] = []

    def retry_after(self, keys: Iterable[str], shared: bool = True) -> int | None:
        if shared:
            self.calls.append(("retry_after", _on_event_loop()))
        return super().retry_after(keys, shared)

    def fail(self, keys: Iterable[str]) -> None:
        self.calls.append(("fail", _on_event_loop()))
        super().fail(keys)


def test_budget_queries_and_writes_run_off_the_event_loop(database: Database) -> None:
    settings = ApiSettings(database_url=database.url, host="0.0.0.0", read_uploads=False)
    app = create_app(settings, database=database)
    probe = app.state.auth.failures = LoopProbe()
    with TestClient(app, client=("203.0.113.5", 4000)) as client:
        for _ in range(2):  # the second time the wrong token is remembered: no shared read
            sent = client.get("/entities", headers={"Authorization": "Bearer sw_wrong"})
            assert sent.status_code == 401
    assert probe.calls == [("retry_after", False), ("fail", False), ("fail", False)]


KEY_TIME_INDEX = "ix_auth_failures_key_failed_at"


def _plan(session: Session, query: Select[str, int] | Select[float]) -> str:
    bind = session.get_bind()
    compiled = query.compile(bind, compile_kwargs={"literal_binds": True})
    connection = session.connection()
    if bind.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        return " ".join(str(row[-1]) for row in rows)
    connection.exec_driver_sql("ANALYZE auth_failures")
    # The test table is small: forbid the sequential scan to see which index the planner picks.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))


def test_the_limiters_queries_use_the_key_time_index(database: Database) -> None:
    rows = [
        {"key": f"client:198.51.100.{number % 250}/{number // 250}", "failed_at": 1e9 + number}
        for number in range(3000)
    ]
    with database.session() as session:
        session.execute(insert(AuthFailureRow), rows)
    since = 1e9 + 100
    with database.session() as session:
        counts = _plan(session, failure_counts([*KEYS, "client:198.51.100.7/3"], since))
        newest = _plan(session, nth_newest_failure("client:198.51.100.7/3", since, 10))
    assert KEY_TIME_INDEX in counts, counts
    assert KEY_TIME_INDEX in newest, newest
    if database.dialect == "sqlite":  # answered from the index alone, no table lookups
        assert "COVERING INDEX" in counts and "COVERING INDEX" in newest, (counts, newest)
