"""Writes need the token; bad input is a clear 4xx, never a 500 or a stack trace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.flags.engine import evaluate_flags
from sanctionwatch.resolve import resolve_entities
from sanctionwatch.store import Database
from web_sample_graph import TEST_TOKEN as TOKEN

ARTICLE = (
    b"<html><head><title>Shipments</title></head><body><p>"
    + b"A ship left port. " * 30
    + b"</p></body></html>"
)


def _upload(client: TestClient, data: bytes, name: str = "note.html", token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/documents", files={"file": (name, data)}, headers=headers)


def test_upload_needs_the_right_token(client: TestClient) -> None:
    assert _upload(client, ARTICLE, token=None).status_code == 401
    wrong = _upload(client, ARTICLE, token="nope")
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    created = _upload(client, ARTICLE)
    assert created.status_code == 201, created.text
    document_id = created.json()["document_id"]
    assert client.get(f"/documents/{document_id}").json()["summary"]["title"] == "Shipments"
    again = _upload(client, ARTICLE)
    assert again.status_code == 200
    assert again.json()["created"] is False


def test_writes_are_refused_without_a_configured_token(sqlite_client: TestClient) -> None:
    response = _upload(sqlite_client, ARTICLE, token="anything")
    assert response.status_code == 403
    assert "SANCTIONWATCH_API_TOKEN" in response.json()["detail"]
    review = sqlite_client.post("/flags/f1/review", json={"state": "dismissed"})
    assert review.status_code == 403


def test_flag_review_validates_state(client: TestClient, database: Database) -> None:
    resolve_entities(database)  # flags read the resolved graph
    evaluate_flags(database)
    flag_id = client.get("/flags").json()["results"][0]["flag_id"]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    ok = client.post(f"/flags/{flag_id}/review", json={"state": "dismissed"}, headers=headers)
    assert ok.status_code == 200
    assert client.get("/flags", params={"state": "dismissed"}).json()["total"] == 1
    evaluate_flags(database)  # a re-run keeps the analyst's decision
    assert client.get("/flags", params={"state": "dismissed"}).json()["total"] == 1
    bad = client.post(f"/flags/{flag_id}/review", json={"state": "deleted"}, headers=headers)
    assert bad.status_code == 422
    missing = client.post("/flags/f1/review", json={"state": "dismissed"}, headers=headers)
    assert missing.status_code == 404


def test_huge_bodies_are_413(client: TestClient) -> None:
    big = b"x" * 70_000
    response = client.post(
        "/match/default", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert _upload(client, big, name="big.txt").status_code == 413


def test_upload_refuses_unreadable_files_with_a_reason(client: TestClient) -> None:
    response = _upload(client, b"\x00\x01\x02 binary", name="tool.exe")
    assert response.status_code == 400
    assert "tool.exe" in response.json()["detail"]


def test_malformed_json_is_a_clear_422(client: TestClient) -> None:
    response = client.post(
        "/match/default", content=b'{"queries": {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "Malformed JSON in the request body."}


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE statements; --",
        '" OR 1=1 --',
        "%_%",
        "\\",
        "<script>alert(1)</script>",
        "Rungrado' UNION SELECT id FROM documents --",
    ],
)
def test_injection_attempts_are_plain_text(client: TestClient, text: str) -> None:
    for path in ("/search", "/entities", "/documents"):
        response = client.get(path, params={"q": text})
        assert response.status_code in (200, 400, 422), response.text
        assert "Traceback" not in response.text
    assert client.get("/search", params={"q": "%"}).json()["entities"]["total"] == 0
    assert client.get("/entities").json()["total"] > 0
    page = client.get("/ui/search", params={"q": text})
    assert page.status_code in (200, 422)
    assert "<script>alert(1)</script>" not in page.text


def test_nul_characters_are_refused_not_crashing(client: TestClient) -> None:
    for path in ("/search", "/entities", "/documents", "/ui/search"):
        response = client.get(path, params={"q": "a\u0000b"})
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]
    upload = client.post(
        "/documents",
        files={"file": ("a\u0000b.txt", b"Plain text about ships. " * 20)},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert upload.status_code == 201, upload.text


def test_unknown_routes_and_errors_are_json(client: TestClient) -> None:
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert client.get("/graph/x", params={"depth": 99}).status_code == 422


def test_cors_is_off_by_default_and_on_when_configured(database: Database) -> None:
    closed = TestClient(create_app(ApiSettings(database_url=database.url), database=database))
    response = closed.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    settings = ApiSettings(database_url=database.url, cors_origins=("https://ok.example",))
    opened = TestClient(create_app(settings, database=database))
    allowed = opened.get("/healthz", headers={"Origin": "https://ok.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://ok.example"
