"""The fetcher against a real local server: SSRF refusals, redirects, 304, size, timeouts."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from tests.monitor.conftest import LocalServer, Page

from sanctionwatch.monitor.fetch import USER_AGENT, Fetcher, FetchError, refusal


def redirect_to(target: str) -> object:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", target)
        request.end_headers()

    return handler


def public_resolver(_host: str, _port: int) -> list[str]:
    """Pretend every host name is public (the redirect target is what is under test)."""
    return ["93.184.216.34"]


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.5", True),
        ("169.254.169.254", True),
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("fe80::1", True),
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
    ],
)
def test_address_classes(address: str, refused: bool) -> None:
    assert (refusal(address) is not None) is refused


def test_local_server_refused_without_the_setting(local_server: LocalServer) -> None:
    local_server.routes["/a"] = Page(b"hello")
    with Fetcher(allow_private=False, host_delay=0) as fetcher, pytest.raises(FetchError) as err:
        fetcher.get(local_server.url("/a"))
    assert "127.0.0.1" in str(err.value) and "SANCTIONWATCH_ALLOW_PRIVATE" in str(err.value)
    assert local_server.requests == []


def test_allowed_with_the_setting_and_sends_user_agent(
    local_server: LocalServer, allow_private: None
) -> None:
    local_server.routes["/a"] = Page(b"hello")
    with Fetcher(host_delay=0) as fetcher:
        result = fetcher.get(local_server.url("/a"))
    assert result.content == b"hello" and result.status == 200
    assert local_server.requests == [("/a", USER_AGENT)]


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data/", "file:///etc"]
)
def test_redirect_to_private_target_refused(target: str) -> None:
    """A public-looking first hop whose redirect points inward is stopped before connecting."""
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return [host] if host[0].isdigit() else public_resolver(host, port)

    fetcher = Fetcher(allow_private=False, host_delay=0, resolver=resolver)
    with pytest.raises(FetchError, match=r"refused|only http"):
        fetcher._request = lambda url, headers: (None, target)  # type: ignore[method-assign]
        fetcher.get("http://news.example.org/feed")
    assert calls[0] == "news.example.org"


def test_redirect_hops_rechecked_against_real_server(local_server: LocalServer) -> None:
    """With private URLs refused, even the redirecting server on loopback is never contacted;
    with them allowed, the redirect is followed to its target."""
    local_server.routes["/r"] = redirect_to("/final")  # type: ignore[assignment]
    local_server.routes["/final"] = Page(b"arrived")
    with pytest.raises(FetchError):
        Fetcher(allow_private=False, host_delay=0).get(local_server.url("/r"))
    result = Fetcher(allow_private=True, host_delay=0).get(local_server.url("/r"))
    assert result.content == b"arrived" and result.url.endswith("/final")


def test_redirect_loop_gives_up(local_server: LocalServer) -> None:
    local_server.routes["/loop"] = redirect_to("/loop")  # type: ignore[assignment]
    with pytest.raises(FetchError, match="redirects"):
        Fetcher(allow_private=True, host_delay=0).get(local_server.url("/loop"))


def test_second_poll_is_304(local_server: LocalServer) -> None:
    local_server.routes["/feed"] = Page(b"<rss/>", "application/rss+xml")
    fetcher = Fetcher(allow_private=True, host_delay=0)
    first = fetcher.get(local_server.url("/feed"))
    second = fetcher.get(local_server.url("/feed"), etag=first.etag)
    assert first.status == 200 and first.etag
    assert second.not_modified and second.content == b""


def _endless(size: int) -> object:
    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        block = b"x" * 65536
        for _ in range(size // len(block)):
            request.wfile.write(block)

    return handler


def test_fifty_megabyte_response_cut_at_limit(local_server: LocalServer) -> None:
    local_server.routes["/big"] = _endless(50 * 1024 * 1024)  # type: ignore[assignment]
    fetcher = Fetcher(allow_private=True, host_delay=0, max_bytes=1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(FetchError, match="larger than the limit of 1,048,576") as err:
        fetcher.get(local_server.url("/big"))
    assert time.perf_counter() - started < 10
    stopped_at = int(str(err.value).split("stopped at ")[1].split(")")[0].replace(",", ""))
    assert 1024 * 1024 < stopped_at < 2 * 1024 * 1024


def test_declared_length_over_limit_refused_before_reading(local_server: LocalServer) -> None:
    local_server.routes["/big"] = Page(b"y" * 5000)
    with pytest.raises(FetchError, match="larger than the limit"):
        Fetcher(allow_private=True, host_delay=0, max_bytes=1000).get(local_server.url("/big"))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A socket that accepts connections (backlog) but never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    yield sock.getsockname()[1]
    sock.close()


def test_server_that_never_answers_times_out(silent_port: int) -> None:
    fetcher = Fetcher(allow_private=True, host_delay=0, timeout=0.5)
    started = time.perf_counter()
    with pytest.raises(FetchError, match="timeout"):
        fetcher.get(f"http://127.0.0.1:{silent_port}/feed")
    assert time.perf_counter() - started < 5


def test_http_error_is_reported(local_server: LocalServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        Fetcher(allow_private=True, host_delay=0).get(local_server.url("/missing"))


def test_polite_delay_between_requests_to_one_host(local_server: LocalServer) -> None:
    local_server.routes["/a"] = Page(b"a")
    fetcher = Fetcher(allow_private=True, host_delay=0.3)
    started = time.perf_counter()
    fetcher.get(local_server.url("/a"))
    fetcher.get(local_server.url("/a"))
    assert time.perf_counter() - started >= 0.3
