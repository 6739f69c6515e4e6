"""The fetcher against a real local server: SSRF refusals, redirects, 304, size, timeouts."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from tests.monitor.conftest import LocalServer, Page

from sanctionwatch.monitor.fetch import USER_AGENT, Fetcher, FetchError, pinned, refusal


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
        fetcher._request = lambda url, headers, address=None: (None, target)  # type: ignore[method-assign]
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


class RebindingResolver:
    """A resolver hook answering like a rebinding attacker's DNS server: the first lookup of a
    name gets ``first``, every later one gets ``then``."""

    def __init__(self, first: str, then: str) -> None:
        self.first, self.then = first, then
        self.calls: list[str] = []

    def __call__(self, host: str, _port: int) -> list[str]:
        self.calls.append(host)
        return [self.first if len(self.calls) == 1 else self.then]


def local_is_public(address: str) -> str | None:
    """Treat the test server's 127.0.0.1 as a public site; everything else as usual."""
    return None if address == "127.0.0.1" else refusal(address)


def echo_host(request: BaseHTTPRequestHandler) -> None:
    body = request.headers.get("Host", "").encode()
    request.send_response(200)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


def _named(local_server: LocalServer, path: str, host: str = "feeds.rebind.test") -> str:
    return local_server.url(path).replace("127.0.0.1", host)


def test_connects_to_the_checked_address_not_a_second_lookup(local_server: LocalServer) -> None:
    """The name does not exist in real DNS: the fetch works only because the connection goes
    to the address that was resolved and checked, and the resolver is asked once."""
    local_server.routes["/a"] = echo_host  # type: ignore[assignment]
    resolver = RebindingResolver("127.0.0.1", "10.0.0.7")
    fetcher = Fetcher(allow_private=False, host_delay=0, resolver=resolver, refuse=local_is_public)
    url = _named(local_server, "/a")
    result = fetcher.get(url)
    assert result.url == url and result.content.decode() == url.split("/")[2]
    assert resolver.calls == ["feeds.rebind.test"]


def test_redirect_is_resolved_and_checked_again(local_server: LocalServer) -> None:
    """A redirect back to the same name is looked up again; the rebound private answer is
    refused before any connection, so the server never sees the second request."""
    final = _named(local_server, "/final")
    local_server.routes["/r"] = redirect_to(final)  # type: ignore[assignment]
    local_server.routes["/final"] = Page(b"inside")
    resolver = RebindingResolver("127.0.0.1", "10.0.0.7")
    fetcher = Fetcher(allow_private=False, host_delay=0, resolver=resolver, refuse=local_is_public)
    with pytest.raises(FetchError, match=r"resolves to 10\.0\.0\.7, a private address"):
        fetcher.get(_named(local_server, "/r"))
    assert [path for path, _agent in local_server.requests] == ["/r"]
    assert resolver.calls == ["feeds.rebind.test", "feeds.rebind.test"]


def test_pinned_request_keeps_the_name_for_host_header_and_tls() -> None:
    target, host, sni = pinned("https://news.example.org/feed?x=1#top", "93.184.216.34")
    assert (target, host, sni) == (
        "https://93.184.216.34:443/feed?x=1",
        "news.example.org",
        "news.example.org",
    )
    target, host, sni = pinned("http://news.example.org:8080/", "2606:2800:220:1::1")
    assert (target, host, sni) == (
        "http://[2606:2800:220:1::1]:8080/",
        "news.example.org:8080",
        None,
    )


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1"])
def test_a_redirect_to_loopback_spelt_another_way_is_refused(
    local_server: LocalServer, host: str
) -> None:
    """The system resolver reads decimal, hex and short IPv4 forms as 127.0.0.1: the
    hop is refused before it connects, so the real server sees only the first request."""
    local_server.routes["/r"] = redirect_to(local_server.url("/inside").replace("127.0.0.1", host))
    local_server.routes["/inside"] = Page(b"secret")
    fetcher = Fetcher(allow_private=False, host_delay=0, refuse=local_is_public_once())
    with pytest.raises(FetchError, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        fetcher.get(local_server.url("/r"))
    assert [path for path, _agent in local_server.requests] == ["/r"]


def local_is_public_once() -> Callable[[str], str | None]:
    """127.0.0.1 passes as a public site for the first check only (the feed), not the hop."""
    seen: list[str] = []

    def refuse(address: str) -> str | None:
        seen.append(address)
        return None if seen == ["127.0.0.1"] else refusal(address)

    return refuse
