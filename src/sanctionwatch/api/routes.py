"""The JSON API: documents, entities with provenance, relations, claims, flags, search, graph,
and yente-compatible screening. Every handler is a thin call into a read model or a stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    Response,
    UploadFile,
)
from fastapi.exceptions import RequestValidationError
from followthemoney import EntityProxy, model
from pydantic import JsonValue, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api import models, readmodel, stages
from sanctionwatch.api.auth import Analyst, actor, require_reader, require_role
from sanctionwatch.api.match_audit import AuditEntry, AuditWriter
from sanctionwatch.api.screening import (
    AlgorithmsResponse,
    Candidate,
    EntityMatchQuery,
    EntityMatchResponse,
    MatchQueryString,
    MatchRequestError,
    Screener,
    UnknownDatasetError,
    match_payload,
)
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.flags.engine import FlagError
from sanctionwatch.store import Database
from sanctionwatch.store.search import refresh_before_search
from sanctionwatch.store.statements import statements_for_entities
from sanctionwatch.web import reviews
from sanctionwatch.web.audit import AuditedQuery, audit_page

MAX_QUERY_CHARS = 200
ID_PATTERN = r"^[A-Za-z0-9._:\-]{1,128}$"


@dataclass
class AppState:
    """What every request needs: settings, the store and the screener."""

    settings: ApiSettings
    database: Database
    screener: Screener
    audit: AuditWriter | None = None
    """Batches the /match audit trail (present when ``settings.audit_matches`` is on)."""


async def app_state(request: Request) -> AppState:
    """The app's state (``async``: a plain function would cost every request a thread hop)."""
    state: AppState = request.app.state.sanctionwatch
    return state


State = Annotated[AppState, Depends(app_state)]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size (capped by the server).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
SearchText = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS)]
EntityId = Annotated[str, Path(pattern=ID_PATTERN, description="Entity id")]
SCHEMA_NAMES: list[JsonValue] = list(sorted(model.schemata))
SchemaQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        description="A FollowTheMoney schema name; its descendants match too.",
        json_schema_extra={"enum": SCHEMA_NAMES},
    ),
]


def page_limit(state: AppState, limit: int) -> int:
    return min(limit, state.settings.max_page_size)


require_writer = require_role("analyst")
"""Dependency of endpoints where analysts decide or add: a bearer token of an analyst or admin."""
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": models.Message, "description": "Missing or wrong token"},
    403: {"model": models.Message, "description": "The token's role may not do this"},
}
TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "model": models.Message,
        "description": "Missing or wrong token (reads need one when the server is not on "
        "loopback or SANCTIONWATCH_REQUIRE_READ_TOKEN is set)",
    },
    429: {
        "model": models.Message,
        "description": "Too many wrong tokens from this client or for this account "
        "(SANCTIONWATCH_AUTH_FAILURE_LIMIT within SANCTIONWATCH_AUTH_FAILURE_WINDOW): "
        "every token check is refused until Retry-After has passed",
        "headers": {
            "Retry-After": {
                "description": "Whole seconds until one more token check is allowed",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}
"""What every route that checks a token can answer (:func:`~.auth.checked_token`)."""


def _schema_or_400(schema: str | None) -> None:
    if schema:
        try:
            readmodel.schema_or_error(schema)
        except readmodel.UnknownSchemaError as exc:
            raise HTTPException(400, str(exc)) from exc


COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": models.Message, "description": "Bad request (the message says why)"},
    404: {"model": models.Message, "description": "Not found"},
    413: {"model": models.Message, "description": "Request body too large"},
}


def build_router(screener: Screener) -> APIRouter:
    # Everything but liveness/readiness needs a viewer when the server is beyond loopback.
    guarded = APIRouter(dependencies=[Depends(require_reader)], responses=TOKEN_RESPONSES)
    _match_routes(guarded, screener)  # first: the busiest route is matched in one step
    _document_routes(guarded)
    _entity_routes(guarded)
    _claim_and_flag_routes(guarded)
    from sanctionwatch.api.admin import admin_routes  # these modules import from routes.py
    from sanctionwatch.api.alerts import alert_routes

    alert_routes(guarded)
    admin_routes(guarded)
    router = APIRouter(responses=COMMON_RESPONSES)
    router.include_router(guarded)
    _system_routes(router)
    return router


def _system_routes(router: APIRouter) -> None:
    @router.get("/healthz", response_model=models.Status, tags=["system"])
    def healthz() -> models.Status:
        """Liveness: the process answers."""
        return models.Status(status="ok")

    @router.get("/readyz", response_model=models.Status, tags=["system"])
    def readyz(state: State) -> models.Status:
        """Readiness: the store answers."""
        with state.database.session() as session:
            readmodel.list_documents(session, None, 1, 0)
        return models.Status(status="ok")


def _document_routes(router: APIRouter) -> None:
    @router.get(
        "/documents", response_model=models.Page[readmodel.DocumentSummary], tags=["documents"]
    )
    def documents(
        state: State, q: SearchText = None, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, Any]:
        """Ingested documents, newest first; ``q`` filters on title and source."""
        limit = page_limit(state, limit)
        with state.database.session() as session:
            rows, total = readmodel.list_documents(session, q, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "results": rows}

    @router.post(
        "/documents",
        response_model=models.UploadResult,
        status_code=201,
        dependencies=[Depends(require_writer)],
        responses={
            400: {"model": models.Message},
            401: {"model": models.Message},
            403: {"model": models.Message},
            413: {"model": models.Message},
        },
        tags=["documents"],
    )
    async def upload(
        state: State,
        response: Response,
        background: BackgroundTasks,
        file: Annotated[UploadFile, File(description="Text, Markdown, HTML or PDF")],
        url: Annotated[str | None, Form(max_length=2000)] = None,
    ) -> models.UploadResult:
        """Upload a document (needs an analyst's token): it is ingested, cleaned and read."""
        result = await ingest_upload(state, file, url)
        return upload_result(result, response, queue_reading(state, background, result))

    @router.get(
        "/documents/{document_id}",
        response_model=readmodel.DocumentDetail,
        responses={404: {"model": models.Message}},
        tags=["documents"],
    )
    def document(
        state: State, document_id: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
    ) -> readmodel.DocumentDetail:
        """A document's metadata, cleaned text and the entity mentions in it (with spans)."""
        with state.database.session() as session:
            view = readmodel.get_document(session, document_id)
        if view is None:
            raise HTTPException(404, f"No document {document_id}.")
        return view


async def ingest_upload(state: AppState, file: UploadFile, url: str | None) -> stages.UploadOutcome:
    """Read an uploaded file (one byte past the limit, so an oversized one is refused rather
    than cut) and ingest it off the event loop."""
    data = await file.read(state.settings.max_document_bytes + 1)
    return await run_in_threadpool(
        stages.upload_document,
        state.database,
        data,
        file.filename or "upload",
        url or None,
        state.settings.max_document_bytes,
    )


def queue_reading(
    state: AppState, background: BackgroundTasks, result: stages.UploadOutcome
) -> bool:
    """Schedule the extractors for a newly stored upload (when the settings say so)."""
    created = result.ingest.status.value in ("added", "new_version")
    if created and state.settings.read_uploads:
        background.add_task(stages.read_new_documents, state.database)
        return True
    return False


def upload_result(
    result: stages.UploadOutcome, response: Response, queued: bool = False
) -> models.UploadResult:
    """201 for a new document, 200 for one already stored, 4xx with the reason otherwise."""
    outcome = result.ingest
    if outcome.failed or outcome.document_id is None:
        reason = outcome.reason or "the document could not be read"
        status = 413 if "over the" in reason and "limit" in reason else 400
        raise HTTPException(status, f"{outcome.source}: {reason}")
    created = outcome.status.value in ("added", "new_version")
    if not created:
        response.status_code = 200
    return models.UploadResult(
        document_id=outcome.document_id,
        created=created,
        detail=f"{outcome.source}: {outcome.status.value}"
        + ("; queued for reading by the extractors" if queued else ""),
    )


def _edge_entity(session: Session, edge: Any, statements: list[Any]) -> dict[str, Any]:
    doc_ids = {s.document_id for s in statements if s.document_id}
    titles = readmodel.document_titles(session, doc_ids)
    return {
        "id": edge.id,
        "schema": edge.schema.name,
        "caption": edge.caption,
        "properties": edge.to_dict()["properties"],
        "sources": [{"id": d, "title": t} for d, t in sorted(titles.items())],
    }


def _entity_routes(router: APIRouter) -> None:
    @router.get("/entities", response_model=models.Page[readmodel.EntitySummary], tags=["entities"])
    def entities(
        state: State,
        schema: SchemaQuery = None,
        q: SearchText = None,
        dataset: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Entities of an FtM ``schema`` (default every Thing) whose names contain ``q``."""
        _schema_or_400(schema)
        limit = page_limit(state, limit)
        with state.database.session() as session:
            rows, total = readmodel.list_entities(
                session, schema or None, q, limit, offset, dataset or None
            )
        return {"total": total, "limit": limit, "offset": offset, "results": rows}

    @router.get(
        "/entities/{entity_id}",
        response_model=readmodel.EntityDetail,
        responses={404: {"model": models.Message}},
        tags=["entities"],
    )
    def entity(state: State, entity_id: EntityId) -> readmodel.EntityDetail:
        """An entity: every property value with its statements' sources (document, span,
        sentence, origin), its relations and the designations against it."""
        with state.database.session() as session:
            view = readmodel.get_entity(session, entity_id)
        if view is None:
            raise HTTPException(404, f"No entity {entity_id}.")
        return view.detail()

    @router.post(
        "/resolve/judgments",
        response_model=models.JudgmentOut,
        responses=WRITE_RESPONSES,
        tags=["entities"],
    )
    def judge(state: State, body: models.JudgmentIn, principal: Analyst) -> models.JudgmentOut:
        """Record that two entities are (not) the same thing (needs an analyst's token)."""
        user = actor(principal, body.user)
        with state.database.session() as session:
            for entity_id in (body.left, body.right):
                if not statements_for_entities(session, [entity_id]):
                    raise HTTPException(404, f"No entity {entity_id}.")
            if body.left == body.right:
                raise HTTPException(400, "An entity is always the same as itself.")
            decision = stages.record_judgment(
                session, body.left, body.right, body.judgment, user, body.note
            )
            members = stages.cluster_members(session, decision.canonical_id)
        return models.JudgmentOut(
            canonical_id=decision.canonical_id,
            members=members,
            contradictions=decision.contradictions,
            detail=f"{body.left} {body.judgment} {body.right} recorded by {user}.",
        )

    @router.get("/relations", response_model=models.Page[models.EdgeEntity], tags=["entities"])
    def relations(
        state: State,
        schema: SchemaQuery = None,
        entity_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Relations (edge entities such as Ownership, Directorship), optionally of one entity."""
        _schema_or_400(schema)
        limit = page_limit(state, limit)
        with state.database.session() as session:
            edges, total = readmodel.list_relations(
                session, schema or None, entity_id, limit, offset
            )
            results = [_edge_entity(session, edge, stmts) for edge, stmts in edges]
        return {"total": total, "limit": limit, "offset": offset, "results": results}

    @router.get(
        "/graph/{entity_id}",
        response_model=readmodel.Graph,
        responses={404: {"model": models.Message}},
        tags=["entities"],
    )
    def graph(
        state: State,
        entity_id: EntityId,
        depth: Annotated[int, Query(ge=1, le=readmodel.MAX_GRAPH_DEPTH)] = 1,
    ) -> readmodel.Graph:
        """The neighbourhood of an entity: designated nodes and flagged links are marked."""
        with state.database.session() as session:
            links, nodes = stages.flag_marks(session)
            graph = readmodel.neighbourhood(session, entity_id, depth, links, nodes)
        if graph is None:
            raise HTTPException(404, f"No entity {entity_id}.")
        return graph

    @router.get("/search", response_model=models.SearchResults, tags=["search"])
    def search(
        state: State,
        q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Entities whose names contain ``q`` and documents whose text contains it."""
        limit = page_limit(state, limit)
        text = q.strip()
        ents: list[readmodel.EntitySummary] = []
        hits: list[readmodel.SearchHit] = []
        ent_total = doc_total = 0
        if text:  # blank text finds nothing rather than everything
            refresh_before_search(state.database)
            with state.database.session() as session:
                ents, ent_total, hits, doc_total = readmodel.search(session, text, limit, offset)
        return {
            "q": text,
            "entities": {"total": ent_total, "limit": limit, "offset": offset, "results": ents},
            "documents": {"total": doc_total, "limit": limit, "offset": offset, "results": hits},
        }


def _claim_and_flag_routes(router: APIRouter) -> None:
    @router.get("/claims", response_model=models.Page[models.ClaimPoint], tags=["claims"])
    def claims(state: State, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Quantitative claims (value, unit, as-of date, asserter) with their source sentence."""
        limit = page_limit(state, limit)
        with state.database.session() as session:
            rows, total = stages.list_claims(session, limit, offset)
        return {"total": total, "limit": limit, "offset": offset, "results": rows}

    @router.get("/claims/series", response_model=list[models.ClaimSeries], tags=["claims"])
    def claim_series(
        state: State, entity_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None
    ) -> list[dict[str, Any]]:
        """Every measure over time with each estimate; conflicting estimates are marked."""
        with state.database.session() as session:
            series = stages.list_claim_series(session, entity_id)
        return [
            {
                "key": s.key,
                "measure": s.measure,
                "subject": s.subject,
                "unit": s.unit,
                "status": s.status,
                "has_conflicts": s.has_conflicts,
                "points": s.points,
            }
            for s in series
        ]

    @router.get("/flags", response_model=models.Page[models.Flag], tags=["flags"])
    def flags(
        state: State,
        review_state: Annotated[
            str | None, Query(alias="state", pattern="^(open|confirmed|dismissed)$")
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Red flags raised by the rules, with analysts' review state."""
        limit = page_limit(state, limit)
        with state.database.session() as session:
            items = reviews.reviewed_flags(session, review_state)
        page = [_flag(item) for item in items[offset : offset + limit]]
        return {"total": len(items), "limit": limit, "offset": offset, "results": page}

    @router.post(
        "/flags/{flag_id}/review",
        response_model=models.Message,
        responses=WRITE_RESPONSES,
        tags=["flags"],
    )
    def review(
        state: State,
        flag_id: Annotated[str, Path(pattern=ID_PATTERN)],
        body: models.FlagReview,
        principal: Analyst,
    ) -> models.Message:
        """Confirm or dismiss a flag (needs an analyst's token)."""
        try:
            with state.database.session() as session:
                reviews.review_flag(
                    session, flag_id, body.state, body.note, reviewer=actor(principal, "api")
                )
        except FlagError as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        return models.Message(detail=f"Flag {flag_id} is now {body.state}.")


def _flag(item: reviews.ReviewedFlag) -> dict[str, Any]:
    flag = item.flag
    return {
        "flag_id": flag.flag_id,
        "rule": flag.rule,
        "title": flag.title,
        "severity": flag.severity,
        "entity_ids": flag.entity_ids,
        "explanation": flag.explanation,
        "evidence": flag.evidence,
        "state": item.state,
        "note": item.note,
        "reviewed_at": item.reviewed_at,
    }


def _match_routes(router: APIRouter, screener: Screener) -> None:
    algorithm_names: list[JsonValue] = ["best", *sorted(a.name for a in screener.algorithms())]

    @router.get(
        "/audit/matches",
        response_model=models.Page[models.MatchAudit],
        dependencies=[Depends(require_writer)],
        responses={401: {"model": models.Message}, 403: {"model": models.Message}},
        tags=["matching"],
    )
    def match_audit(state: State, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """The screening audit trail, newest first (needs an analyst's token; on with
        SANCTIONWATCH_AUDIT_MATCHES=1): query, list versions, matcher, results."""
        limit = page_limit(state, limit)
        if state.audit is not None:
            state.audit.flush()  # the trail includes every answered request
        with state.database.session() as session:
            rows, total = audit_page(session, limit, offset)
            results = [models.MatchAudit.model_validate(row) for row in rows]
        return {"total": total, "limit": limit, "offset": offset, "results": results}

    @router.get("/catalog", response_model=models.Catalog, tags=["matching"])
    def catalog(state: State) -> dict[str, Any]:
        """The lists screening uses, each with its loaded version (as yente's ``/catalog``)."""
        with state.database.session() as session:
            lists = stages.current_lists(session)
        datasets = [
            {
                "name": item.source,
                "title": item.source,
                "version": f"{item.version_id}-{item.sha256[:12]}",
                "entity_count": item.entity_count,
                "updated_at": item.loaded_at,
                "load": True,
                "index_current": True,
                "children": [],
            }
            for item in lists
        ]
        names = [item.source for item in lists]
        default = {"name": "default", "title": "All sanctions lists", "load": True}
        datasets.insert(0, {**default, "children": names, "index_current": True})
        return {"datasets": datasets, "current": ["default", *names], "outdated": []}

    @router.get("/algorithms", response_model=AlgorithmsResponse, tags=["matching"])
    def algorithms(state: State) -> AlgorithmsResponse:
        """Screening algorithms and their config keys (as yente's ``/algorithms``)."""
        best = state.screener.best_algorithm()
        return AlgorithmsResponse(algorithms=state.screener.algorithms(), default=best, best=best)

    @router.post(
        "/match/{dataset}",
        response_model=EntityMatchResponse,
        response_model_by_alias=True,
        responses={400: {"model": models.Message}, 404: {"model": models.Message}},
        tags=["matching"],
        openapi_extra={"parameters": MatchQueryString.openapi_parameters(algorithm_names)},
    )
    async def match(
        state: State,
        request: Request,
        dataset: Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$")],
        body: EntityMatchQuery,
    ) -> Response:
        """Screen example entities against the sanctions lists (yente-compatible).

        ``dataset`` is ``default``/``sanctions`` (every list) or one list's id (``us_ofac_sdn``).
        Results under ``cutoff`` are dropped; ``match`` means ``score >= threshold``. Query
        parameters as yente's: ``limit``, ``threshold``, ``cutoff``, ``algorithm``,
        ``include_dataset``, ``exclude_dataset``, ``exclude_schema``, ``exclude_entity_ids``.
        """
        try:
            query = MatchQueryString.from_pairs(request.query_params.multi_items())
        except ValidationError as exc:
            errors = [{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]
            raise RequestValidationError(errors) from exc
        params = query.params(state.settings.max_page_size)
        threshold, cutoff = params.threshold, params.cutoff
        # Screening is CPU work over an in-memory index: it runs on the event loop (no thread
        # hop); only building the index (once per process) is waited for in a thread.
        if not state.screener.ready():
            await run_in_threadpool(state.screener.datasets)
        audited: list[AuditedQuery] = []

        def remember(key: str, entity: EntityProxy, candidates: list[Candidate]) -> None:
            results = [
                {"id": c.entity.id, "score": round(c.score, 4), "match": c.score >= threshold}
                for c in candidates
            ]
            audited.append(AuditedQuery(key, entity.to_dict(), results))

        try:
            payload = match_payload(
                state.screener,
                dataset,
                body,
                params,
                state.settings.max_match_batch,
                on_query=remember if state.audit is not None else None,
            )
        except UnknownDatasetError as exc:
            raise HTTPException(404, str(exc)) from exc
        except MatchRequestError as exc:
            raise HTTPException(400, str(exc)) from exc
        if audited and state.audit is not None:
            matcher = payload["matcher"]
            state.audit.submit(
                AuditEntry(
                    dataset=dataset,
                    algorithm=matcher["name"],
                    matcher=matcher["description"],
                    threshold=threshold,
                    cutoff=cutoff,
                    queries=tuple(audited),
                )
            )
        # The payload has the response model's shape by construction (tests validate it), so
        # it is serialised once with orjson instead of being validated again by pydantic.
        return Response(
            content=orjson.dumps(payload),
            media_type="application/json",
            headers={"x-batch-size": str(len(payload["responses"]))},
        )
