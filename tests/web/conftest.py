from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from web_sample_graph import SampleGraph, insert_sample_graph

TOKEN = "web-token-0123456789"


@pytest.fixture
def graph(sqlite_database: Database) -> SampleGraph:
    return insert_sample_graph(sqlite_database)


@pytest.fixture
def pages(sqlite_database: Database, graph: SampleGraph) -> Iterator[TestClient]:
    settings = ApiSettings(database_url=sqlite_database.url, api_token=TOKEN)
    with TestClient(create_app(settings, database=sqlite_database)) as client:
        yield client
