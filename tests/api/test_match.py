"""yente-compatible /match: request/response shape, three-band scores, errors, yente-client."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from yente_client import Client
from yente_client.entities import Person

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from web_live_server import live_server
from web_sample_graph import SampleGraph, insert_sample_graph


def _match(client: TestClient, body: dict[str, Any], **params: Any) -> Any:
    return client.post("/match/default", json=body, params=params)


def test_match_response_has_yente_shape(client: TestClient, graph: SampleGraph) -> None:
    body = {"queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim Chong-un"]}}}}
    response = _match(client, body)
    assert response.status_code == 200
    assert response.headers["x-batch-size"] == "1"
    data = response.json()
    assert set(data) >= {"responses", "limit", "matcher"}
    answer = data["responses"]["q1"]
    assert answer["status"] == 200
    assert answer["query"]["schema"] == "Person"
    top = answer["results"][0]
    assert top["id"] == graph.kim
    assert top["caption"] == "KIM Jong Un"
    assert top["schema"] == "Person"
    assert top["datasets"] == ["un_sc"]
    assert top["properties"]["birthDate"] == ["1984-01-08"]
    assert top["match"] is True and 0.7 <= top["score"] <= 1.0
    assert set(top["features"]) == set(top["explanations"])
    assert top["explanation"], "the matcher explains itself in words"
    explanation = next(iter(top["explanations"].values()))
    assert explanation["query"] == "Kim Chong-un"
    assert answer["total"] == {"value": 1, "relation": "eq"}


def test_threshold_sets_match_and_cutoff_drops(client: TestClient) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": "Kim Chong-un"}}}}
    strict = _match(client, body, threshold=0.99).json()["responses"]["a"]
    assert strict["results"] and not strict["results"][0]["match"]
    assert strict["total"]["value"] == 0
    dropped = _match(client, body, cutoff=0.99).json()["responses"]["a"]
    assert dropped["results"] == []


def test_exclude_ids_schema_and_dataset_scope(client: TestClient, graph: SampleGraph) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    excluded = _match(client, body, exclude_entity_ids=[graph.kim]).json()
    assert excluded["responses"]["a"]["results"] == []
    assert client.post("/match/us_ofac_sdn", json=body).json()["responses"]["a"]["results"] == []
    assert client.post("/match/un_sc", json=body).json()["responses"]["a"]["results"]
    company = {"queries": {"c": {"schema": "Company", "properties": {"name": ["Kim Jong Un"]}}}}
    assert _match(client, company).json()["responses"]["c"]["results"] == []


@pytest.mark.parametrize(
    ("body", "params", "status", "needle"),
    [
        ({"queries": {}}, {}, 400, "No queries"),
        ({"queries": {"a": None}}, {}, 400, "No queries"),
        ({"queries": {"a": {"schema": "Spaceship", "properties": {}}}}, {}, 400, "Spaceship"),
        ({"queries": {"a": {"schema": "Sanction", "properties": {}}}}, {}, 400, "not matchable"),
        (
            {"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}},
            {"algorithm": "magic"},
            400,
            "magic",
        ),
        (
            {
                "queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}},
                "config": {"nm_bogus": 1},
            },
            {},
            400,
            "nm_bogus",
        ),
        (
            {"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}},
            {"exclude_entity_ids": [f"id{i}" for i in range(51)]},
            422,
            "at most 50",
        ),
        ({"nothing": 1}, {}, 422, "queries"),
    ],
)
def test_bad_match_requests_are_clear_4xx(
    client: TestClient, body: dict[str, Any], params: dict[str, Any], status: int, needle: str
) -> None:
    response = _match(client, body, **params)
    assert response.status_code == status, response.text
    assert needle in response.json()["detail"]


def test_unknown_dataset_is_404_and_batch_limit_400(client: TestClient) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": ["x"]}}}}
    response = client.post("/match/nowhere", json=body)
    assert response.status_code == 404
    assert response.json()["detail"] == "No such dataset."
    many = {
        "queries": {str(i): {"schema": "Person", "properties": {"name": ["x"]}} for i in range(101)}
    }
    assert _match(client, many).status_code == 400


def test_algorithms_lists_the_default(client: TestClient) -> None:
    data = client.get("/algorithms").json()
    assert data["best"] in {a["name"] for a in data["algorithms"]}


def test_yente_client_talks_to_the_running_app(sqlite_database: Database) -> None:
    ids = insert_sample_graph(sqlite_database)
    app = create_app(ApiSettings(database_url=sqlite_database.url), database=sqlite_database)
    with live_server(app) as base_url, Client(base_url=base_url, api_key=None) as yente:
        assert yente.healthz().status == "ok"
        response = yente.match(Person(name=["Kim Chong-un"]), datasets=["default"], limit=3)
        assert response.top is not None
        assert response.top.id == ids.kim
        assert response.top.match
        assert response.top.contributing_explanations
        assert response.total.value == 1
        algorithms = yente.algorithms()
        assert algorithms.best


def test_unknown_query_properties_are_ignored_like_yente(client: TestClient) -> None:
    body = {"queries": {"a": {"schema": "Person", "properties": {"name": "Kim Jong Un", "x": "y"}}}}
    answer = _match(client, body).json()["responses"]["a"]
    assert answer["results"][0]["caption"] == "KIM Jong Un"
    assert "x" not in answer["query"]["properties"]
