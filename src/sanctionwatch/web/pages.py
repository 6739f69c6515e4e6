"""Server-rendered pages: reader, entity, network, claims timeline, flags, screening, upload.

Pages call the same read model as the JSON API; a little JS (with Cytoscape.js and Chart.js when
installed) adds the network drawing and the chart, and without it every page is a plain table.
"""

from __future__ import annotations

import inspect
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    FastAPI,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from followthemoney import model
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from sanctionwatch.api import readmodel, stages
from sanctionwatch.api.auth import WebAnalyst, actor, web_reader
from sanctionwatch.api.routes import (
    AppState,
    State,
    ingest_upload,
    queue_reading,
    upload_result,
)
from sanctionwatch.api.screening import (
    EntityExample,
    EntityMatchQuery,
    MatchParams,
    MatchRequestError,
    UnknownDatasetError,
    run_match,
)
from sanctionwatch.flags.engine import FlagError
from sanctionwatch.monitor.alerts import AlertError, alert_dict, list_alerts, review
from sanctionwatch.store.search import refresh_before_search
from sanctionwatch.web import assets, reviews
from sanctionwatch.web.dossier import DossierError, dossier_html
from sanctionwatch.web.login import build_login_pages, login_url

WEB_DIR = Path(__file__).parent
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
templates.env.globals["vendor_present"] = assets.vendor_present
PAGE_SIZE = 50
SCREEN_SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")


@dataclass(frozen=True)
class Segment:
    """A run of document text, linked to an entity when it is a mention."""

    text: str
    mention: readmodel.Mention | None = None


def _review_redirect(
    state: AppState,
    page: str,
    label: str,
    apply: Callable[[Session], str],
    not_found: type[Exception],
) -> RedirectResponse:
    """A review posted from a list page: ``apply`` it in one transaction (it returns the new
    status), then go back to ``/ui/<page>`` with a message; an unknown item is a 404."""
    try:
        with state.database.session() as session:
            status = apply(session)
    except not_found as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    return RedirectResponse(f"/ui/{page}?message={label}+is+now+{status}", status_code=303)


def segments(text: str, mentions: list[readmodel.Mention]) -> list[Segment]:
    """Cut ``text`` at non-overlapping mentions (sorted by start) for highlighting."""
    parts: list[Segment] = []
    cursor = 0
    for mention in mentions:
        if mention.start < cursor:
            continue
        if mention.start > cursor:
            parts.append(Segment(text[cursor : mention.start]))
        parts.append(Segment(text[mention.start : mention.end], mention))
        cursor = mention.end
    if cursor < len(text):
        parts.append(Segment(text[cursor:]))
    return parts


def script_json(data: Any) -> str:
    """JSON safe to embed in a ``<script>`` element (no ``</script>`` break-out)."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("web_session", getattr(request.state, "web_session", None))
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def screen_entity(
    state: AppState, schema: str, properties: dict[str, list[str]], dataset: str = "default"
) -> list[dict[str, Any]]:
    """Results of screening one example (for the entity page and the screening form)."""
    body = EntityMatchQuery(
        queries={"q": EntityExample.model_validate({"schema": schema, "properties": properties})}
    )
    response = run_match(state.screener, dataset, body, MatchParams(limit=10), 1)
    return [r.model_dump(by_alias=True) for r in response.responses["q"].results]


def _entity_matches(state: AppState, view: readmodel.EntityView) -> list[dict[str, Any]]:
    entity = view.entity
    if view.summary.designated or not entity.schema.matchable:
        return []
    wanted = ("name", "alias", "birthDate", "nationality", "country", "jurisdiction")
    props = {p: entity.get(p) for p in wanted if p in entity.schema.properties}
    props = {p: v for p, v in props.items() if v}
    if not props.get("name"):
        return []
    try:
        results = screen_entity(state, entity.schema.name, props)
    except (MatchRequestError, UnknownDatasetError):
        return []
    return [r for r in results if r["id"] not in view.members]


def build_pages() -> APIRouter:
    router = APIRouter(include_in_schema=False, dependencies=[Depends(web_reader)])

    @router.get("/ui/", response_class=HTMLResponse)
    def home(request: Request, state: State) -> HTMLResponse:
        with state.database.session() as session:
            docs, doc_total = readmodel.list_documents(session, None, 10, 0)
        return render(
            request,
            "home.html",
            documents=docs,
            doc_total=doc_total,
            lists=state.screener.datasets(),
        )

    @router.get("/ui/search", response_class=HTMLResponse)
    def search_page(
        request: Request,
        state: State,
        q: Annotated[str, Query(max_length=200)] = "",
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> HTMLResponse:
        text = q.strip()
        if not text:
            return render(request, "search.html", q="", entities=[], hits=[], totals=(0, 0))
        refresh_before_search(state.database)
        with state.database.session() as session:
            ents, ent_total, hits, doc_total = readmodel.search(session, text, PAGE_SIZE, offset)
        return render(
            request,
            "search.html",
            q=text,
            entities=ents,
            hits=hits,
            totals=(ent_total, doc_total),
            offset=offset,
        )

    @router.get("/ui/documents", response_class=HTMLResponse)
    def documents_page(
        request: Request, state: State, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0
    ) -> HTMLResponse:
        with state.database.session() as session:
            docs, total = readmodel.list_documents(session, None, PAGE_SIZE, offset)
        return render(request, "documents.html", documents=docs, total=total, offset=offset)

    @router.get("/ui/documents/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, state: State, document_id: str) -> HTMLResponse:
        with state.database.session() as session:
            view = readmodel.get_document(session, document_id)
        if view is None:
            raise HTTPException(404, f"No document {document_id}.")
        return render(
            request,
            "document.html",
            doc=view,
            segments=segments(view.clean_text, view.mentions),
        )

    @router.get("/ui/entities", response_class=HTMLResponse)
    def entities_page(
        request: Request,
        state: State,
        schema: Annotated[str | None, Query(max_length=64)] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> HTMLResponse:
        schema = schema or None
        if schema is not None and model.get(schema) is None:
            raise HTTPException(400, f"Unknown schema {schema!r}.")
        with state.database.session() as session:
            rows, total = readmodel.list_entities(session, schema, q or None, PAGE_SIZE, offset)
        return render(
            request,
            "entities.html",
            entities=rows,
            total=total,
            offset=offset,
            schema=schema or "",
            q=q or "",
        )

    @router.get("/ui/entities/{entity_id}", response_class=HTMLResponse)
    def entity_page(request: Request, state: State, entity_id: str) -> HTMLResponse:
        with state.database.session() as session:
            view = readmodel.get_entity(session, entity_id)
            if view is None:
                raise HTTPException(404, f"No entity {entity_id}.")
            flags = [
                f
                for f in reviews.reviewed_flags(session)
                if not set(f.flag.entity_ids).isdisjoint(view.members)
            ]
            series = stages.list_claim_series(session, entity_id)
        by_prop: dict[str, list[readmodel.Fact]] = defaultdict(list)
        for fact in view.facts:
            by_prop[fact.label].append(fact)
        return render(
            request,
            "entity.html",
            view=view,
            facts_by_prop=dict(by_prop),
            matches=_entity_matches(state, view),
            flags=flags,
            series=series,
        )

    @router.get("/ui/entities/{entity_id}/dossier", response_class=HTMLResponse)
    def dossier_page(state: State, entity_id: str) -> HTMLResponse:
        try:
            return HTMLResponse(dossier_html(state.database, entity_id))
        except DossierError as exc:
            raise HTTPException(404, str(exc)) from exc

    @router.get("/ui/network/{entity_id}", response_class=HTMLResponse)
    def network_page(
        request: Request,
        state: State,
        entity_id: str,
        depth: Annotated[int, Query(ge=1, le=readmodel.MAX_GRAPH_DEPTH)] = 2,
    ) -> HTMLResponse:
        with state.database.session() as session:
            links, nodes = stages.flag_marks(session)
            graph = readmodel.neighbourhood(session, entity_id, depth, links, nodes)
        if graph is None:
            raise HTTPException(404, f"No entity {entity_id}.")
        captions = {node.id: node.caption for node in graph.nodes}
        return render(
            request,
            "network.html",
            graph=graph,
            captions=captions,
            depth=depth,
            graph_json=script_json(asdict(graph)),
        )

    @router.get("/ui/claims", response_class=HTMLResponse)
    def claims_page(
        request: Request,
        state: State,
        series: Annotated[str | None, Query(max_length=300)] = None,
    ) -> HTMLResponse:
        with state.database.session() as session:
            all_series = stages.list_claim_series(session)
        chosen = next((s for s in all_series if s.key == series), None)
        if chosen is None and all_series:
            chosen = max(all_series, key=lambda s: (s.has_conflicts, len(s.points)))
        return render(request, "claims.html", all_series=all_series, chosen=chosen)

    @router.get("/ui/flags", response_class=HTMLResponse)
    def flags_page(
        request: Request,
        state: State,
        review_state: Annotated[
            str | None, Query(alias="state", pattern="^(open|confirmed|dismissed)?$")
        ] = None,
        message: Annotated[str | None, Query(max_length=200)] = None,
    ) -> HTMLResponse:
        with state.database.session() as session:
            items = reviews.reviewed_flags(session, review_state or None)
            captions = readmodel.entity_captions(
                session, {eid for item in items for eid in item.flag.entity_ids}
            )
        return render(
            request,
            "flags.html",
            items=items,
            captions=captions,
            state=review_state or "",
            message=message,
        )

    @router.post("/ui/flags/{flag_id}/review", response_class=RedirectResponse)
    def flag_review_form(
        state: State,
        flag_id: str,
        decision: Annotated[str, Form(pattern="^(open|confirmed|dismissed)$")],
        principal: WebAnalyst,
        note: Annotated[str, Form(max_length=2000)] = "",
    ) -> RedirectResponse:
        def apply(session: Session) -> str:
            reviewer = actor(principal, "web")
            reviews.review_flag(session, flag_id, decision, note or None, reviewer=reviewer)
            return decision

        return _review_redirect(state, "flags", f"Flag+{flag_id}", apply, FlagError)

    @router.get("/ui/alerts", response_class=HTMLResponse)
    def alerts_page(
        request: Request,
        state: State,
        status: Annotated[
            str | None, Query(pattern="^(open|confirmed|cleared|escalated)?$")
        ] = None,
        message: Annotated[str | None, Query(max_length=200)] = None,
    ) -> HTMLResponse:
        with state.database.session() as session:
            alerts = [alert_dict(row) for row in list_alerts(session, status or None)]
            captions = readmodel.entity_captions(
                session, {eid for alert in alerts for eid in alert["entity_ids"]}
            )
        return render(
            request,
            "alerts.html",
            alerts=alerts,
            captions=captions,
            status=status or "",
            message=message,
        )

    @router.post("/ui/alerts/{alert_id}/review", response_class=RedirectResponse)
    def alert_review_form(
        state: State,
        alert_id: int,
        decision: Annotated[str, Form(pattern="^(confirm|clear|escalate)$")],
        note: Annotated[str, Form(min_length=1, max_length=2000)],
        principal: WebAnalyst,
    ) -> RedirectResponse:
        def apply(session: Session) -> str:
            return review(session, alert_id, decision, note, actor(principal, "web")).status

        return _review_redirect(state, "alerts", f"Alert+{alert_id}", apply, AlertError)

    @router.get("/ui/screen", response_class=HTMLResponse)
    def screen_page(
        request: Request,
        state: State,
        name: Annotated[str, Query(max_length=200)] = "",
        schema: Annotated[str, Query(max_length=64)] = "Person",
        birth_date: Annotated[str, Query(alias="birthDate", max_length=40)] = "",
        country: Annotated[str, Query(max_length=40)] = "",
        dataset: Annotated[str, Query(max_length=64)] = "default",
    ) -> HTMLResponse:
        results: list[dict[str, Any]] = []
        error = None
        if name.strip():
            props = {"name": [name.strip()]}
            if birth_date.strip() and schema == "Person":
                props["birthDate"] = [birth_date.strip()]
            if country.strip():
                props["nationality" if schema == "Person" else "jurisdiction"] = [country.strip()]
            try:
                results = screen_entity(state, schema, props, dataset)
            except (MatchRequestError, UnknownDatasetError) as exc:
                error = str(exc)
        return render(
            request,
            "screen.html",
            name=name,
            schema=schema,
            birth_date=birth_date,
            country=country,
            dataset=dataset,
            datasets=state.screener.datasets(),
            schemata=SCREEN_SCHEMATA,
            results=results,
            error=error,
            status_code=400 if error else 200,
        )

    @router.get("/ui/upload", response_class=HTMLResponse)
    def upload_page(request: Request, state: State) -> HTMLResponse:
        return render(request, "upload.html", max_bytes=state.settings.max_document_bytes)

    @router.post("/ui/upload", response_class=HTMLResponse)
    async def upload_form(
        request: Request,
        state: State,
        background: BackgroundTasks,
        file: Annotated[UploadFile, File()],
        principal: WebAnalyst,
        url: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        result = await ingest_upload(state, file, url)
        try:
            uploaded = upload_result(result, Response(), queue_reading(state, background, result))
        except HTTPException as exc:
            return render(
                request,
                "upload.html",
                status_code=exc.status_code,
                max_bytes=state.settings.max_document_bytes,
                error=exc.detail,
            )
        return RedirectResponse(f"/ui/documents/{uploaded.document_id}", status_code=303)

    return router


def mount_web(app: FastAPI) -> None:
    """Add the pages and static files to ``app``; HTML errors for page routes."""
    app.include_router(build_pages())
    app.include_router(build_login_pages())
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    api_handler = app.exception_handlers.get(StarletteHTTPException)

    async def html_errors(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/ui") and isinstance(exc, StarletteHTTPException):
            if exc.status_code == 401 and request.method == "GET":
                return RedirectResponse(login_url(request), status_code=303)
            return render(request, "error.html", status_code=exc.status_code, detail=exc.detail)
        assert api_handler is not None
        response = api_handler(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, html_errors)
