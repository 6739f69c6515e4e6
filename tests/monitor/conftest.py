"""A local threaded HTTP server for the monitor tests: routes are set per test."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Page:
    """A static body answered with an ETag (and 304 when the client already has it)."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(self, request: BaseHTTPRequestHandler) -> None:
        etag = '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'
        if self.status == 200 and request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.end_headers()
            return
        request.send_response(self.status)
        request.send_header("Content-Type", self.content_type)
        request.send_header("Content-Length", str(len(self.body)))
        request.send_header("ETag", etag)
        for name, value in self.headers.items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(self.body)


class LocalServer:
    """Serves ``routes`` on 127.0.0.1 and records every request path and User-Agent."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, str]] = []
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.post_statuses: list[int] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                handler = server.routes.get(self.path)
                if handler is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    handler(self)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                server.posts.append((self.path, dict(self.headers.items()), body))
                status = server.post_statuses.pop(0) if server.post_statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANCTIONWATCH_ALLOW_PRIVATE", "1")
