"""`lists update` against a local HTTP server serving the fixtures (never the internet)."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.screen.lists.sources import ListSource
from sanctionwatch.screen.lists.store import current_version, list_versions
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.screen.lists.update import DownloadError, update_source
from sanctionwatch.store import Database

FIXTURES = Path(__file__).parent / "fixtures"
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/consolidated.xml": (
        200,
        "application/xml",
        (FIXTURES / "un_consolidated.xml").read_bytes(),
    ),
    "/down.xml": (
        200,
        "text/html; charset=utf-8",
        (FIXTURES / "hostile" / "error_page.html").read_bytes(),
    ),
    "/liar.xml": (200, "application/xml", (FIXTURES / "hostile" / "error_page.html").read_bytes()),
    "/bomb.xml": (
        200,
        "application/xml",
        (FIXTURES / "hostile" / "billion_laughs.xml").read_bytes(),
    ),
    "/sdn.csv": (200, "text/csv", (FIXTURES / "ofac" / "sdn.csv").read_bytes()),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.xml":
            time.sleep(1.5)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/consolidated.xml")
            self.end_headers()
            return
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _source(url: str, **overrides: object) -> ListSource:
    values: dict[str, object] = {"id": "un_sc", "format": "un-xml", "url": url, "timeout": 5.0}
    values.update(overrides)
    return ListSource(**values)  # type: ignore[arg-type]


def test_update_stores_a_version_with_its_url(database: Database, server: str) -> None:
    url = f"{server}/consolidated.xml"
    result = update_source(database, _source(url), allow_private=True)
    assert result.entity_count == 5 and not result.unchanged
    again = update_source(database, _source(url), allow_private=True)
    assert again.unchanged
    with database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.location == url


def test_redirect_is_followed(sqlite_database: Database, server: str) -> None:
    result = update_source(sqlite_database, _source(f"{server}/moved"), allow_private=True)
    assert result.entity_count == 5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/down.xml", "HTML page"),
        ("/liar.xml", "HTML page"),
        ("/bomb.xml", "refused"),
        ("/missing.xml", "HTTP 404"),
    ],
)
def test_bad_downloads_keep_previous_version(
    sqlite_database: Database, server: str, path: str, message: str
) -> None:
    first = update_source(
        sqlite_database, _source(f"{server}/consolidated.xml"), allow_private=True
    )
    with pytest.raises(ListFormatError, match=message) as error:
        update_source(sqlite_database, _source(f"{server}{path}"), allow_private=True)
    assert "sanctionwatch-list-" not in str(error.value)
    with sqlite_database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.id == first.version_id
        assert len(list_versions(session, "un_sc")) == 1


def test_size_limit_enforced_while_streaming(sqlite_database: Database, server: str) -> None:
    source = _source(f"{server}/consolidated.xml", max_bytes=1000)
    with pytest.raises(DownloadError, match="larger than the limit of 1000 bytes"):
        update_source(sqlite_database, source, allow_private=True)


def test_sha256_pin(sqlite_database: Database, server: str) -> None:
    good = hashlib.sha256((FIXTURES / "un_consolidated.xml").read_bytes()).hexdigest()
    with pytest.raises(DownloadError, match="differs from the pinned"):
        update_source(
            sqlite_database,
            _source(f"{server}/consolidated.xml", sha256="0" * 64),
            allow_private=True,
        )
    result = update_source(
        sqlite_database, _source(f"{server}/consolidated.xml", sha256=good), allow_private=True
    )
    assert result.sha256 == good


def test_timeout(sqlite_database: Database, server: str) -> None:
    with pytest.raises(DownloadError, match="timed out"):
        update_source(
            sqlite_database, _source(f"{server}/slow.xml", timeout=0.3), allow_private=True
        )


def test_private_host_refused_without_permission(sqlite_database: Database, server: str) -> None:
    with pytest.raises(DownloadError, match="SANCTIONWATCH_ALLOW_PRIVATE"):
        update_source(sqlite_database, _source(f"{server}/consolidated.xml"), allow_private=False)


def test_csv_source_update(sqlite_database: Database, server: str) -> None:
    source = _source(f"{server}/sdn.csv", id="us_ofac_sdn", format="ofac-csv")
    result = update_source(sqlite_database, source, allow_private=True)
    assert result.source == "us_ofac_sdn" and result.entity_count == 6


def _sources_file(tmp_path: Path, server: str, path: str = "/consolidated.xml") -> Path:
    config = tmp_path / "sources.yaml"
    config.write_text(
        "version: 1\nsources:\n"
        f"  - id: un_sc\n    format: un-xml\n    url: {server}{path}\n    timeout: 5\n"
        f"  - id: us_ofac_sdn\n    format: ofac-csv\n    url: {server}/sdn.csv\n"
        "    enabled: false\n",
        encoding="utf-8",
    )
    return config


def test_cli_update_prints_summary_and_fails_truthfully(tmp_path: Path, server: str) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    config = _sources_file(tmp_path, server)
    ok = runner.invoke(
        app, ["lists", "update", "--sources", str(config), "--allow-private", "--db", db]
    )
    assert ok.exit_code == 0, ok.output
    assert "un_sc: version 1 loaded" in ok.output
    assert "us_ofac_sdn" not in ok.output  # disabled unless named
    bad = runner.invoke(
        app,
        [
            "lists",
            "update",
            "--sources",
            str(_sources_file(tmp_path, server, "/down.xml")),
            "--allow-private",
            "--db",
            db,
        ],
    )
    assert bad.exit_code == 1
    assert "HTML page" in bad.output and "previous version kept" in bad.output
    named = runner.invoke(
        app,
        [
            "lists",
            "update",
            "--sources",
            str(config),
            "--source",
            "us_ofac_sdn",
            "--allow-private",
            "--db",
            db,
            "--json",
        ],
    )
    assert named.exit_code == 0, named.output
    assert '"source": "us_ofac_sdn"' in named.output


def test_download_connects_to_the_address_it_checked(
    sqlite_database: Database, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The system resolver hook answers like a rebinding attacker: the first lookup of the
    name gives the local server, every later one an unroutable private address. The download
    works only because it connects to the first (checked) answer and never asks again."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host != "lists.rebind.test":
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.255.255.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = server.replace("127.0.0.1", "lists.rebind.test") + "/consolidated.xml"
    result = update_source(sqlite_database, _source(url, timeout=2.0), allow_private=True)
    assert result.entity_count > 0
    assert lookups == ["lists.rebind.test"]  # checked once; the connection did not ask again
