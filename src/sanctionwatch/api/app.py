"""The application factory: one FastAPI app serving the JSON API and the web pages."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctionwatch import __version__
from sanctionwatch.api.auth import Authenticator
from sanctionwatch.api.match_audit import AuditWriter
from sanctionwatch.api.ratelimit import SharedFailureBudget
from sanctionwatch.api.routes import AppState, build_router
from sanctionwatch.api.screening import MatcherScreener, Screener
from sanctionwatch.api.security import BodySizeLimit, HostCheck, install_error_handlers
from sanctionwatch.api.settings import ApiSettings, load_api_settings
from sanctionwatch.store import Database

log = logging.getLogger("sanctionwatch.api")


def default_screener(database: Database) -> Screener:
    """The screener ``/match`` uses: the screen stage's matcher over the lists in the store."""
    return MatcherScreener(database)


def _warm_up(screener: Screener) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Build the screening index before the server accepts connections, so no request waits
    for it (with several workers, connections go to the ones already serving); on shutdown,
    write what the /match audit trail still has queued."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(_quietly(screener.datasets))
        yield
        state: AppState = app.state.sanctionwatch
        if state.audit is not None:
            state.audit.flush()

    return lifespan


def _quietly(function: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            function()
        except Exception:  # the first request reports the problem
            log.exception("warming up the screening index failed")

    return run


def create_app(
    settings: ApiSettings,
    database: Database | None = None,
    screener: Screener | None = None,
) -> FastAPI:
    """Build the app over ``settings.database_url`` (migrated on start) or ``database``."""
    if database is None:
        database = Database(settings.database_url)
        database.migrate()
    screener = screener or default_screener(database)
    app = FastAPI(
        lifespan=_warm_up(screener),
        title="SanctionWatch",
        version=__version__,
        description="Sourced knowledge graph of sanctions evasion: documents, entities with "
        "provenance, relations, claims, red flags and yente-compatible screening.",
    )
    audit = AuditWriter(database) if settings.audit_matches else None
    app.state.sanctionwatch = AppState(
        settings=settings, database=database, screener=screener, audit=audit
    )
    app.state.auth = Authenticator(
        database,
        settings.api_token,
        settings.reads_open,
        settings.token_cache_seconds,
        SharedFailureBudget(
            database, settings.auth_failure_limit, settings.auth_failure_window_seconds
        ),
        settings.client_ip_header,
    )
    install_error_handlers(app)
    app.include_router(build_router(screener))
    if settings.include_web:
        from sanctionwatch.web.pages import mount_web

        mount_web(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.allowed_hosts:
        app.add_middleware(HostCheck, allowed=settings.allowed_hosts)
    app.add_middleware(ServerTiming)
    publish_plain_errors(app)
    return app


class ServerTiming:
    """Adds ``server-timing: app;dur=<ms>`` to every response: the time the app spent on the
    request (parsing to last header), so load tests can tell server time from queueing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", ()), (b"server-timing", b"app;dur=%.2f" % spent)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


def publish_plain_errors(app: FastAPI) -> None:
    """Make ``/openapi.json`` say what the API sends: every error is ``{"detail": "..."}``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schemas = spec.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = {
                    "title": "HTTPValidationError",
                    "type": "object",
                    "properties": {"detail": {"type": "string", "title": "Detail"}},
                    "required": ["detail"],
                }
                schemas.pop("ValidationError", None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory sanctionwatch.api.app:app_from_env`` (settings from env)."""
    return create_app(load_api_settings())
