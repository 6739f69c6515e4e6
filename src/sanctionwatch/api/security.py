"""Guards of the HTTP surface: a body size limit, a host check, JSON errors only (tokens and
roles are in :mod:`.auth`).

Bad input gets a 4xx with a one-line JSON message; nothing ever returns a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("sanctionwatch.api")


class BodySizeLimit:
    """Refuse request bodies larger than ``max_bytes`` (declared or streamed) with 413, and URLs
    carrying NUL characters (no database can store them) with 400."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await _refuse(send, "NUL characters are not allowed in URLs.", 400)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _refuse(send, "Content-Length is not a number.", 400)
                    return
                if declared > self.max_bytes:
                    await _refuse(send, self._message(), 413)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await _refuse(send, self._message(), 413)

    def _message(self) -> str:
        return f"Request body too large (limit {self.max_bytes} bytes)."


class HostCheck:
    """Refuse requests whose ``Host`` header names a host this server does not answer to.

    A browser page on another site can rebind its own name to 127.0.0.1 and then read a
    loopback server as if it were same-origin (DNS rebinding); the browser still sends the
    attacker's name in ``Host``, so checking it closes that door. One header compare per
    request.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = frozenset(name.lower() for name in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"")
            if host_name(host.decode("latin-1")) not in self.allowed:
                await _refuse(
                    send,
                    "Unknown Host header: browse this server by one of its names "
                    "(set SANCTIONWATCH_ALLOWED_HOSTS to add one).",
                    400,
                )
                return
        await self.app(scope, receive, send)


def host_name(header: str) -> str:
    """The host of a ``Host`` header without the port (``[::1]:8000`` gives ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class _BodyTooLargeError(Exception):
    pass


async def _refuse(send: Send, message: str, status: int) -> None:
    response = JSONResponse({"detail": message}, status_code=status)
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        if error.get("type") == "json_invalid":
            return "Malformed JSON in the request body."
        parts.append(f"{location or 'body'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid request."


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette reports only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """Every error becomes ``{"detail": "..."}``; unexpected ones are logged, not shown."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers: dict[str, Any] | None = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {"Allow": ", ".join(allowed_methods(request))}
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Internal error; the server log has details."}, 500)
