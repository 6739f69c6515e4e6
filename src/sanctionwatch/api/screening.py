"""yente-compatible screening: ``POST /match/{dataset}`` request and response, and the screener.

The wire format follows yente's ``EntityMatchQuery``/``EntityMatchResponse`` so existing clients
work unchanged: ``queries`` of ``{schema, properties}``; ``responses`` → ``results`` with ``score``,
``match``, ``features`` (legacy ``{name: score}`` map) and ``explanations`` (per-feature score,
weight and the query/candidate values that were aligned). Scores below ``cutoff`` are dropped,
``match`` is ``score >= threshold`` and ``total.value`` counts the matches.

Scoring belongs to the screen stage; :class:`Screener` is the small interface the endpoint
needs and :class:`MatcherScreener` fills it with the stage's index and matcher.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator
from sqlalchemy import func, select

from sanctionwatch.screen.index import ScreeningIndex
from sanctionwatch.screen.index_store import cached_list_index
from sanctionwatch.screen.matcher import CODE_VERSION, MATCHER_VERSION, MatchResult, load_weights
from sanctionwatch.screen.screening import read_list_entities
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

log = logging.getLogger("sanctionwatch.api")

LIST_ORIGIN_PREFIX = "list:"
ALL_LISTS_SCOPES = ("default", "sanctions", "all")
DEFAULT_LIMIT = 5
DEFAULT_THRESHOLD = 0.7
DEFAULT_CUTOFF = 0.5
MAX_EXCLUDED_IDS = 50


class MatchRequestError(ValueError):
    """A /match request that cannot be answered; the message is shown to the client (400)."""


class UnknownDatasetError(LookupError):
    """A /match dataset (scope) that the store does not hold (404 "No such dataset.")."""


# ---------------------------------------------------------------- wire models


MATCHABLE_SCHEMATA = list[JsonValue](sorted(s.name for s in model.schemata.values() if s.matchable))


class EntityExample(BaseModel):
    """One query entity: an FtM schema and its properties (a value may be a list or a string)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=200)
    schema_: str = Field(
        alias="schema",
        max_length=64,
        examples=["Person"],
        json_schema_extra={"enum": MATCHABLE_SCHEMATA},
    )
    properties: dict[str, list[str] | str] = Field(
        default_factory=dict, examples=[{"name": ["Kim Jong Un"], "nationality": ["kp"]}]
    )


class EntityMatchQuery(BaseModel):
    """Body of ``POST /match/{dataset}``; ``queries`` keys are echoed back in ``responses``."""

    model_config = ConfigDict(extra="ignore")

    queries: dict[str, EntityExample] = Field(json_schema_extra={"minProperties": 1})
    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("queries", mode="before")
    @classmethod
    def _skip_null_queries(cls, value: Any) -> Any:
        """As in yente, ``null`` entries are skipped (a batch of only nulls is then empty)."""
        if isinstance(value, dict):
            return {key: query for key, query in value.items() if query is not None}
        return value


class FeatureExplanation(BaseModel):
    score: float
    weight: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntity(BaseModel):
    id: str
    caption: str
    schema_: str = Field(alias="schema", serialization_alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureExplanation]
    explanation: list[str] = Field(
        default_factory=list, description="The matcher's reasons, in words (SanctionWatch)."
    )
    list_version: str | None = Field(default=None, description="Version of the list entry.")
    sanctions: list[dict[str, Any]] = Field(
        default_factory=list, description="Designations of the list entity (SanctionWatch)."
    )

    model_config = ConfigDict(populate_by_name=True)


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: TotalSpec
    query: dict[str, Any]


class MatcherInfo(BaseModel):
    name: str
    description: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: MatcherInfo
    limit: int


class AlgorithmInfo(BaseModel):
    name: str
    description: str
    config: dict[str, str] = Field(default_factory=dict)


class AlgorithmsResponse(BaseModel):
    algorithms: list[AlgorithmInfo]
    default: str
    best: str


# ---------------------------------------------------------------- the screener interface


@dataclass(frozen=True)
class Candidate:
    """One scored list entity for a query (``explanations`` as yente's FeatureExplanation)."""

    entity: EntityProxy
    score: float
    explanations: dict[str, dict[str, Any]]
    datasets: list[str]
    reasons: list[str] = field(default_factory=list)
    list_version: str | None = None
    sanctions: list[dict[str, Any]] = field(default_factory=list)
    shape: dict[str, Any] | None = None
    """The entity's ``id``, ``caption``, ``schema`` and ``properties`` if the screener keeps
    them ready (else they are computed from ``entity``)."""


@dataclass(frozen=True)
class MatchOptions:
    algorithm: str
    limit: int
    cutoff: float
    datasets: frozenset[str] | None
    exclude_ids: frozenset[str] = frozenset()
    exclude_schemata: frozenset[str] = frozenset()
    weights: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


class Screener(Protocol):
    """What ``/match`` needs from the screen stage."""

    def algorithms(self) -> list[AlgorithmInfo]: ...

    def best_algorithm(self) -> str: ...

    def datasets(self) -> list[str]: ...

    def ready(self) -> bool:
        """True when :meth:`match` answers from memory (no index to build, no I/O to wait on)."""
        ...

    def match(self, query: EntityProxy, options: MatchOptions) -> list[Candidate]: ...


# ---------------------------------------------------------------- the screen stage's matcher


@dataclass(frozen=True)
class _Lists:
    """One consistent view of the lists: the index, the entities and their JSON shape."""

    stamp: tuple[int, str]
    index: ScreeningIndex
    entities: dict[str, EntityProxy]
    datasets: list[str]
    shapes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``id``, ``caption``, ``schema`` and ``properties`` of each entity, filled on first use."""

    def shape(self, entity: EntityProxy) -> dict[str, Any]:
        key = entity.id or ""
        found = self.shapes.get(key)
        if found is None:
            found = {
                "id": key,
                "caption": entity.caption,
                "schema": entity.schema.name,
                "properties": {p: list(v) for p, v in entity.to_dict()["properties"].items()},
            }
            self.shapes[key] = found
        return found


class MatcherScreener:
    """``/match`` over the screen stage's :class:`ScreeningIndex` of the lists in the store.

    The index is built once per process (at start-up by the app's lifespan, or by the first
    request) and kept in memory; requests never touch the database. A background thread checks
    every ``recheck_seconds`` whether the list statements changed and, if so, builds a new index
    and swaps it in, so a list update needs no restart and no request waits for the rebuild.
    """

    def __init__(self, database: Database, recheck_seconds: float = 30.0) -> None:
        self._database = database
        self._recheck_seconds = recheck_seconds
        self._build_lock = threading.Lock()
        self._lists: _Lists | None = None
        self._checked_at = 0.0
        self._checking = False

    @property
    def name(self) -> str:
        return f"sanctionwatch-matcher-v{CODE_VERSION}"

    def algorithms(self) -> list[AlgorithmInfo]:
        return [_algorithm_info(self.name)]

    def best_algorithm(self) -> str:
        return self.name

    def datasets(self) -> list[str]:
        return list(self._current().datasets)

    def ready(self) -> bool:
        return self._lists is not None

    def warm(self) -> None:
        """Build the index now (the app's lifespan calls this in a thread at start-up)."""
        self._current()

    def _current_stamp(self) -> tuple[int, str]:
        with self._database.session() as session:
            count, latest = session.execute(
                select(func.count(StatementRow.id), func.max(StatementRow.last_seen)).where(
                    StatementRow.origin.like(f"{LIST_ORIGIN_PREFIX}%")
                )
            ).one()
        return int(count or 0), str(latest)

    def _build(self, stamp: tuple[int, str]) -> _Lists:
        """The lists' index as ``sanctionwatch screen`` keeps it on disk (reused while its key
        of index format, matcher version and list fingerprint holds, else rebuilt and written
        for every process), plus the full list entities the responses show."""
        cached = cached_list_index(self._database)
        if not cached.reused:
            log.info("screening index for /match built from the store (%s)", cached.reason)
        with self._database.session() as session:
            snapshot = read_list_entities(session)
        return _Lists(
            stamp=stamp,
            index=cached.index,
            entities={e.id: e for e in snapshot.entities if e.id},
            datasets=sorted({d for ds in snapshot.datasets.values() for d in ds}),
        )

    def _current(self) -> _Lists:
        """The lists in memory (built on first use); starts a background re-check when due."""
        lists = self._lists
        if lists is None:
            with self._build_lock:
                if self._lists is None:
                    self._lists = self._build(self._current_stamp())
                    self._checked_at = time.monotonic()
                return self._lists
        if time.monotonic() - self._checked_at >= self._recheck_seconds and not self._checking:
            self._checking = True
            threading.Thread(target=self._recheck, name="match-index-recheck", daemon=True).start()
        return lists

    def _recheck(self) -> None:
        try:
            stamp = self._current_stamp()
            current = self._lists
            if current is None or stamp != current.stamp:
                with self._build_lock:
                    self._lists = self._build(stamp)
        except Exception:  # the old index keeps serving; the next check tries again
            log.exception("re-checking the sanctions lists for /match failed")
        finally:
            self._checked_at = time.monotonic()
            self._checking = False

    def match(self, query: EntityProxy, options: MatchOptions) -> list[Candidate]:
        lists = self._current()
        wanted = options.limit + len(options.exclude_ids)
        if options.datasets is not None or options.exclude_schemata:
            wanted = max(wanted * 5, 50)
        weights = load_weights()
        all_weights = weights.name | weights.evidence
        results: list[Candidate] = []
        for hit in lists.index.search(query, limit=wanted, threshold=options.cutoff):
            listed = hit.entity
            if listed.id in options.exclude_ids or listed.schema in options.exclude_schemata:
                continue
            if options.datasets is not None and options.datasets.isdisjoint(listed.datasets):
                continue
            entity = lists.entities.get(listed.id)
            if entity is None:
                continue
            results.append(
                Candidate(
                    entity=entity,
                    score=hit.score,
                    explanations=_explanations(hit.result, all_weights),
                    datasets=listed.datasets,
                    reasons=list(hit.result.explanation),
                    list_version=listed.version,
                    sanctions=listed.sanctions,
                    shape=lists.shape(entity),
                )
            )
            if len(results) >= options.limit:
                break
        return results


@lru_cache(maxsize=8)
def _algorithm_info(name: str) -> AlgorithmInfo:
    return AlgorithmInfo(
        name=name,
        description="Name features (transliteration-aware token alignment, Korean "
        "syllables, phonetics, legal forms) plus birth date, country and identifier "
        f"evidence, combined by fitted weights ({MATCHER_VERSION}).",
    )


def _explanations(result: MatchResult, weights: dict[str, float]) -> dict[str, dict[str, Any]]:
    """yente-style explanations: each feature's value, its weight and the aligned names."""
    explained = {}
    query, candidate = result.query_name, result.candidate_name
    for feature, value in result.features.items():
        weight = weights.get(feature, 0.0)
        explained[feature] = {
            "score": round(value, 4),
            "weight": round(weight, 4),
            "detail": f"{feature} = {value:.2f}, contributes {value * weight:+.2f} to the logit",
            "query": query,
            "candidate": candidate,
        }
    return explained


# ---------------------------------------------------------------- the endpoint's logic


@dataclass(frozen=True)
class MatchParams:
    """Query parameters of ``/match``, as yente names them."""

    limit: int = DEFAULT_LIMIT
    threshold: float = DEFAULT_THRESHOLD
    cutoff: float = DEFAULT_CUTOFF
    algorithm: str = "best"
    include_dataset: Sequence[str] = ()
    exclude_dataset: Sequence[str] = ()
    exclude_schema: Sequence[str] = ()
    exclude_entity_ids: Sequence[str] = ()


SCHEMA_NAMES = list[JsonValue](sorted(model.schemata))


class MatchQueryString(BaseModel):
    """The query string of ``POST /match/{dataset}`` (yente's parameters), validated in one
    step: FastAPI resolving a dozen separate query parameters cost more than the screening."""

    model_config = ConfigDict(extra="ignore")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=500)
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    cutoff: float = Field(DEFAULT_CUTOFF, ge=0.0, le=1.0)
    algorithm: str = Field("best", max_length=64)
    include_dataset: list[str] = Field(default_factory=list)
    exclude_dataset: list[str] = Field(default_factory=list)
    exclude_schema: list[str] = Field(
        default_factory=list,
        json_schema_extra={"items": {"type": "string", "enum": SCHEMA_NAMES}},
    )
    exclude_entity_ids: list[str] = Field(default_factory=list, max_length=MAX_EXCLUDED_IDS)
    topics: list[str] = Field(default_factory=list)
    changed_since: str | None = Field(None, max_length=40)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> MatchQueryString:
        """Validate ``key=value`` pairs (list parameters repeat; the last scalar value wins)."""
        values: dict[str, Any] = {}
        for key, value in pairs:
            if key in _LIST_PARAMETERS:
                values.setdefault(key, []).append(value)
            else:
                values[key] = value
        return cls.model_validate(values)

    def params(self, max_limit: int) -> MatchParams:
        return MatchParams(
            limit=min(self.limit, max_limit),
            threshold=self.threshold,
            cutoff=self.cutoff,
            algorithm=self.algorithm,
            include_dataset=self.include_dataset,
            exclude_dataset=self.exclude_dataset,
            exclude_schema=self.exclude_schema,
            exclude_entity_ids=self.exclude_entity_ids,
        )

    @classmethod
    def openapi_parameters(cls, algorithms: list[JsonValue]) -> list[dict[str, Any]]:
        """The fields as OpenAPI query parameters (``algorithms`` are the allowed names)."""
        schema = cls.model_json_schema()
        parameters = []
        for name, field_schema in schema["properties"].items():
            if name == "algorithm":
                field_schema = {**field_schema, "enum": algorithms}
            if field_schema.get("type") == "array" and "default" not in field_schema:
                field_schema = {**field_schema, "default": []}
            parameters.append(
                {"name": name, "in": "query", "required": False, "schema": field_schema}
            )
        return parameters


_LIST_PARAMETERS = frozenset(
    name
    for name, info in MatchQueryString.model_fields.items()
    if getattr(info.annotation, "__origin__", None) is list
)


def parse_example(example: EntityExample) -> EntityProxy:
    """An FtM entity from a query example; unknown schemata and properties are refused."""
    schema = model.get(example.schema_)
    if schema is None:
        raise MatchRequestError(f"Cannot parse example entity: unknown schema {example.schema_!r}")
    if not schema.matchable:
        raise MatchRequestError(
            f"Cannot parse example entity: schema {schema.name!r} is not matchable"
        )
    entity = model.make_entity(schema)
    entity.id = example.id or "query"
    for prop, values in example.properties.items():
        # As yente does, properties the schema lacks are ignored rather than refused.
        if prop in schema.properties:
            try:
                entity.add(prop, values, cleaned=False)
            except InvalidData as exc:
                raise MatchRequestError(f"Cannot parse example entity: {exc}") from exc
    return entity


def _scope(screener: Screener, dataset: str, params: MatchParams) -> frozenset[str] | None:
    known = set(screener.datasets())
    if dataset in ALL_LISTS_SCOPES:
        scope: set[str] | None = None
    elif dataset in known:
        scope = {dataset}
    else:
        raise UnknownDatasetError("No such dataset.")
    for extra in params.include_dataset:
        if extra in known:  # as in yente, names outside the catalogue are ignored
            scope = (scope or set()) | {extra}
    if params.exclude_dataset:
        scope = (scope if scope is not None else known) - set(params.exclude_dataset)
    return frozenset(scope) if scope is not None else None


def _algorithm(screener: Screener, name: str) -> str:
    names = {a.name for a in screener.algorithms()}
    if name == "best":
        return screener.best_algorithm()
    if name not in names:
        raise MatchRequestError(
            f"Unknown algorithm {name!r}; choose one of: best, {', '.join(sorted(names))}"
        )
    return name


def _validate_config(screener: Screener, algorithm: str, config: dict[str, Any]) -> None:
    info = next(a for a in screener.algorithms() if a.name == algorithm)
    unknown = sorted(set(config) - set(info.config))
    if unknown:
        raise MatchRequestError(f"Unknown config keys for {algorithm}: {', '.join(unknown)}")


def entity_shape(entity: EntityProxy) -> dict[str, Any]:
    """``id``, ``caption``, ``schema`` and ``properties`` of an entity, as yente sends them."""
    return {
        "id": entity.id or "",
        "caption": entity.caption,
        "schema": entity.schema.name,
        "properties": {p: list(v) for p, v in entity.to_dict()["properties"].items()},
    }


def _result(candidate: Candidate, threshold: float) -> dict[str, Any]:
    """One result of ``responses.*.results`` (the shape of :class:`ScoredEntity`)."""
    explanations = candidate.explanations
    return {
        **(candidate.shape or entity_shape(candidate.entity)),
        "datasets": candidate.datasets,
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": round(candidate.score, 4),
        "match": candidate.score >= threshold,
        "features": {name: e["score"] for name, e in explanations.items()},
        "explanations": explanations,
        "explanation": candidate.reasons,
        "list_version": candidate.list_version,
        "sanctions": candidate.sanctions,
    }


def match_payload(
    screener: Screener,
    dataset: str,
    body: EntityMatchQuery,
    params: MatchParams,
    max_batch: int,
    on_query: Callable[[str, EntityProxy, list[Candidate]], None] | None = None,
) -> dict[str, Any]:
    """Screen every query of ``body`` and shape the answer as yente does (plain JSON data in
    the shape of :class:`EntityMatchResponse`, so the API sends it without re-validating)."""
    scope = _scope(screener, dataset, params)
    queries = dict(body.queries)
    if not queries:
        raise MatchRequestError("No queries provided.")
    if len(queries) > max_batch:
        raise MatchRequestError(f"Too many queries in one batch (at most {max_batch}).")
    if len(params.exclude_entity_ids) > MAX_EXCLUDED_IDS:
        raise MatchRequestError(f"exclude_entity_ids: at most {MAX_EXCLUDED_IDS} ids")
    if not 0.0 <= params.cutoff <= 1.0 or not 0.0 <= params.threshold <= 1.0:
        raise MatchRequestError("threshold and cutoff must lie between 0 and 1")
    for schema_name in params.exclude_schema:
        if model.get(schema_name) is None:
            raise MatchRequestError(f"exclude_schema: unknown schema {schema_name!r}")
    algorithm = _algorithm(screener, params.algorithm)
    _validate_config(screener, algorithm, body.config)
    options = MatchOptions(
        algorithm=algorithm,
        limit=params.limit,
        cutoff=params.cutoff,
        datasets=scope,
        exclude_ids=frozenset(params.exclude_entity_ids),
        exclude_schemata=frozenset(params.exclude_schema),
        weights=dict(body.weights),
        config=dict(body.config),
    )
    parsed = {key: parse_example(example) for key, example in queries.items()}
    responses: dict[str, Any] = {}
    for key, entity in parsed.items():
        candidates = screener.match(entity, options)
        if on_query is not None:
            on_query(key, entity, candidates)
        results = [_result(c, params.threshold) for c in candidates]
        query_echo = entity.to_dict()
        if queries[key].id is None:
            query_echo.pop("id", None)
        responses[key] = {
            "status": 200,
            "results": results,
            "total": {"value": sum(1 for r in results if r["match"]), "relation": "eq"},
            "query": query_echo,
        }
    info = next(a for a in screener.algorithms() if a.name == algorithm)
    return {
        "responses": responses,
        "matcher": {"name": info.name, "description": info.description},
        "limit": params.limit,
    }


def run_match(
    screener: Screener,
    dataset: str,
    body: EntityMatchQuery,
    params: MatchParams,
    max_batch: int,
    on_query: Callable[[str, EntityProxy, list[Candidate]], None] | None = None,
) -> EntityMatchResponse:
    """:func:`match_payload` as the validated response model (for Python callers)."""
    payload = match_payload(screener, dataset, body, params, max_batch, on_query)
    return EntityMatchResponse.model_validate(payload)
