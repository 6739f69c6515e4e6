from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from web_sample_graph import TEST_TOKEN, SampleGraph, insert_sample_graph

TOKEN = TEST_TOKEN


@pytest.fixture
def graph(database: Database) -> SampleGraph:
    return insert_sample_graph(database)


@pytest.fixture
def client(database: Database, graph: SampleGraph) -> Iterator[TestClient]:
    """The app over the sample graph, once per backend, with a write token configured."""
    settings = ApiSettings(
        database_url=database.url, api_token=TOKEN, max_body_bytes=64_000, read_uploads=False
    )
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


@pytest.fixture
def sqlite_client(sqlite_database: Database) -> Iterator[TestClient]:
    insert_sample_graph(sqlite_database)
    settings = ApiSettings(database_url=sqlite_database.url, api_token=None, max_body_bytes=64_000)
    with TestClient(create_app(settings, database=sqlite_database)) as test_client:
        yield test_client
