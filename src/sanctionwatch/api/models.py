"""Response models of the JSON API (with the read model's classes, what ``/openapi.json``
publishes).

Documents, entities, facts, relations, the graph and search hits are the dataclasses of
:mod:`sanctionwatch.api.readmodel`, published as they are; the models here are the API's own:
pages, messages, request bodies, claims, flags, the yente catalogue and the match audit.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from sanctionwatch.api.readmodel import DocumentRef, EntitySummary, SearchHit, UtcDatetime

T = TypeVar("T")


class ApiModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(ApiModel, Generic[T]):
    """One page of a listing: ``results`` plus how many there are in all."""

    total: int
    limit: int
    offset: int
    results: list[T]


class Message(ApiModel):
    detail: str


class Status(ApiModel):
    status: str


class EdgeEntity(ApiModel):
    id: str
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, list[str]]
    sources: list[DocumentRef]

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class SearchResults(ApiModel):
    q: str
    entities: Page[EntitySummary]
    documents: Page[SearchHit]


class ClaimPoint(ApiModel):
    claim_id: str
    measure: str
    measure_label: str
    value: float
    value_low: float | None
    value_high: float | None
    unit: str | None
    qualifier: str | None
    as_of: str | None = Field(description="When the figure was true: YYYY, YYYY-MM or a date.")
    as_of_kind: str | None
    subject_id: str | None
    subject: str | None
    asserter: str | None
    document_id: str | None
    document_title: str | None
    sentence: str | None
    text: str | None
    start: int | None = Field(description="Offset of the figure in the original text.")
    end: int | None
    conflicting: bool = Field(description="Contradicted by another source for the same year.")
    as_of_phrase: str | None = Field(
        default=None, description="The words that date the figure ('as of early December')."
    )
    as_of_rule: str | None = Field(
        default=None, description="How the as-of date was resolved (see docs/claims.md)."
    )
    as_of_note: str | None = Field(default=None, description="What it was resolved against.")


class ClaimSeries(ApiModel):
    key: str
    measure: str
    subject: str | None
    unit: str | None
    status: str = Field(description="single, consistent, changes over time or conflicting.")
    has_conflicts: bool
    points: list[ClaimPoint]


class Flag(ApiModel):
    flag_id: str
    rule: str
    title: str
    severity: str
    entity_ids: list[str]
    explanation: str
    evidence: list[str]
    state: str
    note: str | None
    reviewed_at: UtcDatetime | None


class FlagReview(BaseModel):
    state: str = Field(pattern="^(open|confirmed|dismissed)$", examples=["dismissed"])
    note: str | None = Field(default=None, max_length=2000)


class UploadResult(ApiModel):
    document_id: str
    created: bool
    detail: str


class JudgmentIn(BaseModel):
    """An analyst's judgment on whether two entities are the same thing."""

    left: str = Field(pattern=r"^[A-Za-z0-9._:\-]{1,128}$")
    right: str = Field(pattern=r"^[A-Za-z0-9._:\-]{1,128}$")
    judgment: str = Field(pattern="^(same|not_same|unsure)$", examples=["same"])
    user: str = Field(default="api", min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class JudgmentOut(ApiModel):
    canonical_id: str
    members: list[str]
    contradictions: list[str]
    detail: str


class CatalogDataset(ApiModel):
    name: str
    title: str
    version: str | None = None
    entity_count: int | None = None
    updated_at: UtcDatetime | None = None
    load: bool
    index_current: bool
    children: list[str]


class Catalog(ApiModel):
    datasets: list[CatalogDataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class MatchAudit(ApiModel):
    id: int
    at: UtcDatetime
    dataset: str
    algorithm: str
    matcher: str
    list_versions: dict[str, str]
    query_key: str
    query: dict[str, Any]
    threshold: float
    cutoff: float
    results: list[dict[str, Any]]
