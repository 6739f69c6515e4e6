"""Response models of the JSON API (they are what ``/openapi.json`` publishes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

T = TypeVar("T")


def _as_utc(value: datetime) -> datetime:
    """Timestamps are stored in UTC; SQLite forgets the zone, so put it back."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


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


class DocumentSummary(ApiModel):
    id: str
    title: str | None
    source: str
    url: str | None
    publisher: str | None
    published_at: str | None
    media_type: str
    byte_size: int
    ingested_at: UtcDatetime | None


class Mention(ApiModel):
    start: int = Field(description="Offset in the cleaned text.")
    end: int
    original_start: int = Field(description="Offset in the original text.")
    original_end: int
    text: str
    entity_id: str
    caption: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    prop: str

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class DocumentDetail(ApiModel):
    summary: DocumentSummary
    clean_text: str
    authors: list[str]
    date_kind: str | None
    previous_version_id: str | None
    mentions: list[Mention]
    statement_count: int


class Fact(ApiModel):
    prop: str
    label: str
    value: str
    display: str
    linked_entity_id: str | None
    dataset: str
    origin: str
    origin_version: str
    document_id: str | None
    document_title: str | None
    start: int | None
    end: int | None
    sentence: str | None
    confidence: float
    first_seen: UtcDatetime | None


class EntitySummary(ApiModel):
    id: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    caption: str
    datasets: list[str]
    designated: bool
    countries: list[str]

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class Relation(ApiModel):
    id: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    label: str
    direction: str
    other_id: str
    other_caption: str
    other_designated: bool
    facts: list[Fact]

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class Sanction(ApiModel):
    id: str
    dataset: str
    authority: list[str]
    program: list[str]
    reason: list[str]
    start_date: list[str]
    source_url: list[str]
    facts: list[Fact]


class DocumentRef(ApiModel):
    id: str
    title: str


class EntityDetail(ApiModel):
    summary: EntitySummary
    members: list[str]
    properties: dict[str, list[str]]
    facts: list[Fact]
    relations: list[Relation]
    sanctions: list[Sanction]
    documents: list[DocumentRef]


class EdgeEntity(ApiModel):
    id: str
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, list[str]]
    sources: list[DocumentRef]

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class GraphNode(ApiModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    designated: bool
    flagged: bool

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class GraphEdge(ApiModel):
    id: str
    source: str
    target: str
    label: str
    schema_: str = Field(alias="schema", validation_alias="schema")
    flagged: bool

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class Graph(ApiModel):
    root: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


class SearchHit(ApiModel):
    document: DocumentSummary
    snippet: str


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
