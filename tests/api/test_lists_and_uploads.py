"""The API over real stage output: lists loaded by the lists stage, uploads read by extract."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from yente_client import Client
from yente_client.entities import Company

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.store import Database
from web_live_server import live_server
from web_sample_graph import TEST_TOKEN

EXAMPLE_LISTS = Path(__file__).resolve().parents[2] / "examples" / "lists"


def test_catalog_names_each_loaded_list_version(sqlite_database: Database) -> None:
    loaded = load_list_folder(sqlite_database, EXAMPLE_LISTS)
    sources = sorted(result.source for result in loaded)
    app = create_app(ApiSettings(database_url=sqlite_database.url), database=sqlite_database)
    with live_server(app) as base_url, Client(base_url=base_url) as yente:
        catalog = yente.datasets()
        names = [d.name for d in catalog.datasets]
        assert names == ["default", *sources]
        assert catalog.datasets[0].children == sources
        assert all(d.version and d.load for d in catalog.datasets[1:])
        hit = yente.match(Company(name=["Korea Rungrado General Trading Corp"]), limit=3).top
        assert hit is not None and "RUNGRADO" in hit.caption.upper()
        assert set(hit.datasets) <= set(sources)


def test_uploaded_document_is_read_by_the_extractors(sqlite_database: Database) -> None:
    settings = ApiSettings(database_url=sqlite_database.url, api_token=TEST_TOKEN)
    text = (
        b"Pyongyang Ocean Shipping Company chartered the vessel through a broker in Dalian. "
        b"The broker, Li Wei, told reporters that Pyongyang Ocean Shipping Company paid in cash."
    )
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        response = client.post(
            "/documents",
            files={"file": ("shipping.txt", text * 3)},
            headers={"Authorization": f"Bearer {TEST_TOKEN}"},
        )
        assert response.status_code == 201, response.text
        assert "queued for reading" in response.json()["detail"]
        document = client.get(f"/documents/{response.json()['document_id']}").json()
    assert document["statement_count"] > 0
    assert any("Pyongyang Ocean Shipping" in m["text"] for m in document["mentions"])


def test_match_audit_trail_pins_queries_to_list_versions(sqlite_database: Database) -> None:
    loaded = load_list_folder(sqlite_database, EXAMPLE_LISTS)
    settings = ApiSettings(
        database_url=sqlite_database.url, api_token=TEST_TOKEN, audit_matches=True
    )
    body = {"queries": {"a": {"schema": "Company", "properties": {"name": ["Rungrado"]}}}}
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        answer = client.post("/match/default", json=body).json()["responses"]["a"]
        assert client.get("/audit/matches").status_code == 401
        headers = {"Authorization": f"Bearer {TEST_TOKEN}"}
        audit = client.get("/audit/matches", headers=headers).json()
    assert audit["total"] == 1
    row = audit["results"][0]
    assert row["query_key"] == "a" and row["query"]["properties"]["name"] == ["Rungrado"]
    assert set(row["list_versions"]) == {result.source for result in loaded}
    assert [r["id"] for r in row["results"]] == [r["id"] for r in answer["results"]]
    assert row["matcher"] and row["threshold"] == 0.7
