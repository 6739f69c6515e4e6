"""The loopback server answers only to loopback names: a rebinding web page is refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.security import host_name
from sanctionwatch.api.settings import ApiSettings, serving_settings
from sanctionwatch.store import Database


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:8000", "localhost"), ("[::1]:8000", "::1"), ("127.0.0.1", "127.0.0.1")],
)
def test_host_name_drops_the_port(header: str, name: str) -> None:
    assert host_name(header) == name


def test_loopback_server_refuses_a_foreign_host_header(sqlite_database: Database) -> None:
    settings = serving_settings(ApiSettings(database_url=sqlite_database.url), "127.0.0.1", 8000)
    assert settings.reads_open and "localhost" in settings.allowed_hosts
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        rebound = client.get("/entities", headers={"Host": "attacker.example:8000"})
        assert rebound.status_code == 400
        assert "Unknown Host header" in rebound.json()["detail"]
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
            assert client.get("/entities", headers={"Host": host}).status_code == 200


def test_public_binding_needs_tokens_instead_of_a_host_list(sqlite_database: Database) -> None:
    settings = serving_settings(ApiSettings(database_url=sqlite_database.url), "0.0.0.0", 8000)
    assert not settings.reads_open and settings.allowed_hosts == ()
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        assert client.get("/entities", headers={"Host": "sw.example.org"}).status_code == 401
