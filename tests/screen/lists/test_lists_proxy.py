"""The list downloader reads no proxy from the environment (``trust_env=False``); it uses one
only when set explicitly (``SANCTIONWATCH_LISTS_PROXY``), and asks it for the checked address.
Real servers on loopback, no mocks of httpx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sanctionwatch.screen.lists.sources import ListSource
from sanctionwatch.screen.lists.update import DownloadError, checked_proxy, download
from sanctionwatch.settings import load_settings

BODY = b'{"id": "proxy-test-entry", "schema": "Thing"}\n'
NAME = "lists.proxy.test"
"""A name no DNS knows: the test resolver gives it 127.0.0.1."""


@dataclass
class Seen:
    """Request lines and Host headers a server received."""

    requests: list[tuple[str, str]] = field(default_factory=list)


def _serve(stack: ExitStack, seen: Seen) -> int:
    """A server on 127.0.0.1 answering every GET with the list (as a list site, or as a proxy
    that fetched it), recording what it was asked."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.requests.append((self.path, self.headers.get("Host", "")))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, *_args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    stack.callback(thread.join, 5)
    stack.callback(httpd.server_close)
    stack.callback(httpd.shutdown)
    return int(httpd.server_address[1])


@pytest.fixture
def site_and_proxy() -> Iterator[tuple[int, Seen, int, Seen]]:
    with ExitStack() as stack:
        site, proxy = Seen(), Seen()
        yield _serve(stack, site), site, _serve(stack, proxy), proxy


def _resolver(host: str, _port: int) -> list[str]:
    return ["127.0.0.1"] if host == NAME else []


def _source(port: int) -> ListSource:
    return ListSource(
        id="proxy_list", format="ftm-json", url=f"http://{NAME}:{port}/list.json", timeout=5.0
    )


def test_a_proxy_in_the_environment_is_not_used(
    site_and_proxy: tuple[int, Seen, int, Seen], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_port, site, proxy_port, proxy = site_and_proxy
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy_port}")
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    download(_source(site_port), tmp_path / "list.json", allow_private=True, resolver=_resolver)
    assert (tmp_path / "list.json").read_bytes() == BODY
    assert proxy.requests == []
    assert site.requests == [("/list.json", f"{NAME}:{site_port}")]


def test_an_explicit_proxy_is_asked_for_the_checked_address(
    site_and_proxy: tuple[int, Seen, int, Seen], tmp_path: Path
) -> None:
    site_port, site, proxy_port, proxy = site_and_proxy
    download(
        _source(site_port),
        tmp_path / "list.json",
        allow_private=True,
        resolver=_resolver,
        proxy=f"http://127.0.0.1:{proxy_port}",
    )
    assert (tmp_path / "list.json").read_bytes() == BODY
    assert site.requests == []  # the proxy answered for it
    assert proxy.requests == [(f"http://127.0.0.1:{site_port}/list.json", f"{NAME}:{site_port}")]


def test_the_explicit_proxy_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANCTIONWATCH_LISTS_PROXY", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    assert load_settings().lists_proxy is None
    monkeypatch.setenv("SANCTIONWATCH_LISTS_PROXY", " http://proxy.internal:3128 ")
    assert load_settings().lists_proxy == "http://proxy.internal:3128"


@pytest.mark.parametrize(
    "proxy", ["proxy.internal:3128", "socks5://proxy.internal:1080", "http://:3128", "ftp://p:21"]
)
def test_a_bad_proxy_setting_is_refused_without_repeating_it(proxy: str) -> None:
    with pytest.raises(DownloadError, match="SANCTIONWATCH_LISTS_PROXY") as raised:
        checked_proxy(proxy)
    assert proxy not in str(raised.value)


def test_a_proxy_password_is_not_echoed() -> None:
    with pytest.raises(DownloadError) as raised:
        checked_proxy("socks5://user:s3cret@proxy.internal:1080")
    assert "s3cret" not in str(raised.value)
    assert checked_proxy("https://user:s3cret@proxy.internal:443") is not None
