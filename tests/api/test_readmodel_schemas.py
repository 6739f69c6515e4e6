"""The read model's dataclasses are the API's response schemas: one definition, UTC times."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from sanctionwatch.api import models, readmodel
from web_sample_graph import SampleGraph

PUBLISHED = (
    "DocumentSummary",
    "Mention",
    "DocumentDetail",
    "Fact",
    "EntitySummary",
    "Relation",
    "Sanction",
    "DocumentRef",
    "EntityDetail",
    "GraphNode",
    "GraphEdge",
    "Graph",
    "SearchHit",
)


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_read_model_class_is_published_once(name: str, sqlite_client: TestClient) -> None:
    cls = getattr(readmodel, name)
    assert dataclasses.is_dataclass(cls)
    component = sqlite_client.app.openapi()["components"]["schemas"][name]  # type: ignore[attr-defined]
    assert list(component["properties"]) == [f.name for f in dataclasses.fields(cls)]
    assert component["required"] == [f.name for f in dataclasses.fields(cls)]
    duplicate = getattr(models, name, cls)
    assert duplicate is cls, f"api.models defines its own {name}"
    assert not (isinstance(duplicate, type) and issubclass(duplicate, BaseModel))


def test_offsets_keep_their_descriptions(sqlite_client: TestClient) -> None:
    schemas = sqlite_client.app.openapi()["components"]["schemas"]  # type: ignore[attr-defined]
    mention = schemas["Mention"]["properties"]
    assert mention["start"]["description"] == "Offset in the cleaned text."
    assert mention["original_start"]["description"] == "Offset in the original text."


def _fact(first_seen: datetime | None) -> readmodel.Fact:
    return readmodel.Fact(
        prop="name",
        label="Name",
        value="Kim",
        display="Kim",
        linked_entity_id=None,
        dataset="documents",
        origin="extract:entities",
        origin_version="1",
        document_id=None,
        document_title=None,
        start=None,
        end=None,
        sentence=None,
        confidence=1.0,
        first_seen=first_seen,
    )


def test_views_hold_utc_times_whatever_the_store_returned() -> None:
    naive = datetime(2024, 3, 1, 12, 30)
    assert _fact(naive).first_seen == naive.replace(tzinfo=UTC)
    seoul = datetime(2024, 3, 1, 21, 30, tzinfo=timezone(timedelta(hours=9)))
    converted = _fact(seoul).first_seen
    assert converted is not None and converted.utcoffset() == timedelta(0)
    assert converted == seoul
    assert _fact(None).first_seen is None


def _is_utc(stamp: str) -> bool:
    parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return parsed.utcoffset() == timedelta(0)


def test_the_api_publishes_stored_times_in_utc(client: TestClient, graph: SampleGraph) -> None:
    documents = client.get("/documents").json()["results"]
    assert documents and all(_is_utc(d["ingested_at"]) for d in documents)
    detail = client.get(f"/entities/{graph.rungrado}").json()
    stamps = [fact["first_seen"] for fact in detail["facts"] if fact["first_seen"]]
    assert stamps and all(_is_utc(stamp) for stamp in stamps)
    assert [d["id"] for d in detail["documents"]] == [graph.document_id]
