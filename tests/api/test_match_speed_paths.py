"""The fast /match path keeps its contract: query-string validation, the in-memory index that
follows list updates without a restart, the batched audit trail and the timing header."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.match_audit import AuditEntry, AuditWriter
from sanctionwatch.api.screening import (
    EntityMatchQuery,
    EntityMatchResponse,
    MatcherScreener,
    MatchParams,
    MatchQueryString,
    match_payload,
)
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import add_statements
from sanctionwatch.web.audit import AuditedQuery, audit_page
from web_sample_graph import insert_sample_graph

BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Chong-un"]}}}}


def test_query_string_lists_repeat_and_scalars_take_the_last_value() -> None:
    parsed = MatchQueryString.from_pairs(
        [
            ("limit", "3"),
            ("limit", "7"),
            ("exclude_schema", "Company"),
            ("exclude_schema", "Vessel"),
        ]
    )
    assert parsed.limit == 7
    assert parsed.exclude_schema == ["Company", "Vessel"]
    assert parsed.params(max_limit=5).limit == 5


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"limit": "0"}, "query.limit"),
        ({"threshold": "2"}, "query.threshold"),
        ({"cutoff": "x"}, "query.cutoff"),
        ({"algorithm": "a" * 65}, "query.algorithm"),
    ],
)
def test_bad_query_strings_are_422_naming_the_parameter(
    sqlite_client: TestClient, params: dict[str, str], needle: str
) -> None:
    response = sqlite_client.post("/match/default", json=BODY, params=params)
    assert response.status_code == 422
    assert needle in response.json()["detail"]


def test_every_response_says_how_long_the_server_worked(sqlite_client: TestClient) -> None:
    response = sqlite_client.post("/match/default", json=BODY)
    timing = response.headers["server-timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0
    assert "server-timing" in sqlite_client.get("/healthz").headers


def test_payload_has_the_published_response_shape(sqlite_database: Database) -> None:
    insert_sample_graph(sqlite_database)
    screener = MatcherScreener(sqlite_database)
    body = EntityMatchQuery.model_validate(BODY)
    payload = match_payload(screener, "default", body, MatchParams(), 10)
    model = EntityMatchResponse.model_validate(payload)
    assert model.model_dump(by_alias=True, mode="json") == payload


def test_index_follows_a_list_update_without_restart(sqlite_database: Database) -> None:
    insert_sample_graph(sqlite_database)
    screener = MatcherScreener(sqlite_database, recheck_seconds=0.0)
    body = EntityMatchQuery.model_validate(
        {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Son-gwon"]}}}}
    )
    before = match_payload(screener, "default", body, MatchParams(), 10)
    assert before["responses"]["q"]["results"] == []
    new = Statement(
        entity_id="un-sc-new-1",
        schema="Person",
        prop="name",
        value="RI Son Gwon",
        dataset="un_sc",
        origin="list:un_sc",
        origin_version="2",
    )
    with sqlite_database.session() as session:
        add_statements(session, [new])
    deadline = time.monotonic() + 20
    found: list[str] = []
    while not found and time.monotonic() < deadline:
        answer = match_payload(screener, "default", body, MatchParams(), 10)  # kicks the check
        found = [r["id"] for r in answer["responses"]["q"]["results"]]
        time.sleep(0.1)
    assert found == ["un-sc-new-1"]


def _entry(key: str) -> AuditEntry:
    query = AuditedQuery(key, {"schema": "Person", "properties": {"name": [key]}}, [])
    return AuditEntry("default", "m", "matcher", 0.7, 0.5, (query,))


def test_audit_writer_batches_and_flushes(sqlite_database: Database) -> None:
    writer = AuditWriter(sqlite_database, max_delay=0.05)
    for key in ("a", "b", "c"):
        writer.submit(_entry(key))
    writer.flush()
    with sqlite_database.session() as session:
        rows, total = audit_page(session, 10, 0)
    assert total == 3 and sorted(r.query_key for r in rows) == ["a", "b", "c"]
    writer.submit(_entry("d"))  # written by the thread on its own, without a flush
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with sqlite_database.session() as session:
            if audit_page(session, 10, 0)[1] == 4:
                break
        time.sleep(0.05)
    with sqlite_database.session() as session:
        assert audit_page(session, 10, 0)[1] == 4


def test_audit_is_off_unless_asked(sqlite_database: Database) -> None:
    insert_sample_graph(sqlite_database)
    app = create_app(ApiSettings(database_url=sqlite_database.url), database=sqlite_database)
    with TestClient(app) as client:
        assert client.post("/match/default", json=BODY).status_code == 200
    assert app.state.sanctionwatch.audit is None
    with sqlite_database.session() as session:
        assert audit_page(session, 10, 0)[1] == 0


def test_match_reuses_the_index_screen_stored(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanctionwatch.screen.index import ScreeningIndex
    from sanctionwatch.screen.index_store import cached_list_index

    insert_sample_graph(sqlite_database)
    assert not cached_list_index(sqlite_database).reused  # built and written, as `screen` does

    def no_builds(*args: object, **kwargs: object) -> ScreeningIndex:
        raise AssertionError("the stored index should have been reused")

    monkeypatch.setattr(ScreeningIndex, "build", no_builds)
    screener = MatcherScreener(sqlite_database)
    answer = match_payload(
        screener, "default", EntityMatchQuery.model_validate(BODY), MatchParams(), 10
    )
    assert answer["responses"]["q"]["results"], "the sample graph's Kim Jong Un is listed"
