"""The URL checks and pinned connections every downloader shares (feeds and sanctions lists),
against real servers on loopback addresses: no mocks of httpx."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from sanctionwatch.monitor.fetch import Fetcher, FetchError
from sanctionwatch.netguard import (
    ConnectFailedError,
    Resolver,
    URLRefusedError,
    check_url,
    internal_refusal,
    open_pinned,
    refusal,
)
from sanctionwatch.screen.lists.sources import ListSource
from sanctionwatch.screen.lists.update import DownloadError, download

BODY = b'{"id": "list-entry", "schema": "Thing"}\n'
NAME = "lists.netguard.test"
"""A name no DNS knows: a download works only by connecting to an address it was given."""


@dataclass
class Served:
    """A list served on 127.0.0.1:port, and a second loopback address on the same port."""

    port: int
    hosts: list[str] = field(default_factory=list)


def _serve(stack: ExitStack, address: str, port: int, served: Served) -> int:
    """Serve the list on ``address:port`` (0: any free port) until the stack closes."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hosts.append(self.headers.get("Host", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, *_args: object) -> None:
            return

    httpd = ThreadingHTTPServer((address, port), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    stack.callback(thread.join, 5)
    stack.callback(httpd.server_close)
    stack.callback(httpd.shutdown)
    return int(httpd.server_address[1])


def _silent_listener(stack: ExitStack) -> int:
    """A port on 127.0.0.2 whose accept queue is full: new connections are never answered
    (the kernel drops their SYNs), so connecting times out as to a dead host."""
    listener = stack.enter_context(closing(socket.socket()))
    listener.bind(("127.0.0.2", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    for _ in range(4):
        filler = stack.enter_context(closing(socket.socket()))
        filler.settimeout(0.3)
        try:
            filler.connect(("127.0.0.2", port))
        except OSError:
            return port
    pytest.skip("this kernel accepts every connection on a full queue; no connect timeout")


@pytest.fixture
def silent_then_served() -> Iterator[Served]:
    """127.0.0.2:port never answers the connection; 127.0.0.1:port serves the list."""
    with ExitStack() as stack:
        try:
            port = _silent_listener(stack)
            served = Served(port)
            _serve(stack, "127.0.0.1", port, served)
        except OSError as exc:
            pytest.skip(f"cannot listen on two loopback addresses here ({exc})")
        yield served


@pytest.fixture
def refused_then_served() -> Iterator[Served]:
    """127.0.0.2:port refuses connections (nothing listens); 127.0.0.1:port serves the list."""
    with ExitStack() as stack:
        served = Served(0)
        served.port = _serve(stack, "127.0.0.1", 0, served)
        yield served


def _names(*addresses: str) -> Resolver:
    def resolver(host: str, _port: int) -> list[str]:
        return list(addresses) if host == NAME else []

    return resolver


def _source(port: int, timeout: float = 5.0) -> ListSource:
    return ListSource(
        id="test_list", format="ftm-json", url=f"http://{NAME}:{port}/list.json", timeout=timeout
    )


def test_a_list_download_passes_a_silent_address(
    silent_then_served: Served, tmp_path: Path
) -> None:
    port = silent_then_served.port
    resolver = _names("127.0.0.2", "127.0.0.1")
    digest = download(
        _source(port, timeout=1.0),
        tmp_path / "list.json",
        allow_private=True,
        resolver=resolver,
    )
    assert (tmp_path / "list.json").read_bytes() == BODY and len(digest) == 64
    assert silent_then_served.hosts == [f"{NAME}:{port}"]


def test_a_list_download_passes_a_refusing_address(
    refused_then_served: Served, tmp_path: Path
) -> None:
    port = refused_then_served.port
    resolver = _names("127.0.0.2", "127.0.0.1")
    download(_source(port), tmp_path / "list.json", allow_private=True, resolver=resolver)
    assert (tmp_path / "list.json").read_bytes() == BODY
    assert refused_then_served.hosts == [f"{NAME}:{port}"]


def test_the_feed_fetcher_passes_a_silent_address(silent_then_served: Served) -> None:
    """The same connection code serves the monitor's fetcher."""
    port = silent_then_served.port
    fetcher = Fetcher(
        allow_private=True,
        host_delay=0,
        timeout=1.0,
        resolver=_names("127.0.0.2", "127.0.0.1"),
    )
    with fetcher:
        result = fetcher.get(f"http://{NAME}:{port}/feed.json")
    assert result.status == 200 and result.content == BODY
    assert silent_then_served.hosts == [f"{NAME}:{port}"]


def test_every_address_failing_names_each(tmp_path: Path) -> None:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    resolver = _names("127.0.0.2", "127.0.0.1")
    with pytest.raises(DownloadError, match="cannot connect") as error:
        download(_source(port), tmp_path / "x", allow_private=True, resolver=resolver)
    assert "127.0.0.2:" in str(error.value) and "127.0.0.1:" in str(error.value)
    assert not (tmp_path / "x").exists() or (tmp_path / "x").read_bytes() == b""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:99999/list.json", "port is not a number"),
        ("http://127.0.0.1:http/list.json", "port is not a number"),
        ("ftp://example.org/list.json", "only http:// and https://"),
        ("http:///list.json", "only http:// and https://"),
        ("http://metadata.google.internal/x", "cloud metadata host"),
        ("http://127.0.0.1/x", "loopback address; refused"),
        ("http://[::ffff:10.0.0.1]/x", "private address; refused"),
    ],
)
def test_refused_urls_are_named_with_the_reason(url: str, message: str) -> None:
    with pytest.raises(URLRefusedError, match=message) as error:
        check_url(url, allow_private=False)
    assert str(error.value).startswith(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/list.json", "gopher://127.0.0.1/"])
def test_both_downloaders_refuse_a_bad_url_before_connecting(url: str, tmp_path: Path) -> None:
    source = ListSource(id="test_list", format="ftm-json", url=url)
    with pytest.raises(DownloadError) as listed:
        download(source, tmp_path / "x", allow_private=True)
    with pytest.raises(FetchError) as fetched:
        Fetcher(allow_private=True, host_delay=0).get(url)
    assert str(listed.value) == str(fetched.value)
    assert not (tmp_path / "x").exists()


def test_unresolvable_names_and_empty_answers() -> None:
    with pytest.raises(URLRefusedError, match="cannot resolve host"):
        check_url("http://no-such-host.invalid/list.xml", allow_private=True)
    with pytest.raises(URLRefusedError, match="resolves to no address"):
        check_url("http://feeds.example.org/", allow_private=False, resolver=lambda *_: [])


def test_allow_private_and_a_test_refusal_hook() -> None:
    assert check_url("http://127.0.0.1:8080/x", allow_private=True) == ["127.0.0.1"]
    local = check_url(
        "http://feeds.example.org/",
        allow_private=False,
        resolver=lambda *_: ["127.0.0.1"],
        refuse=lambda address: None if address == "127.0.0.1" else refusal(address),
    )
    assert local == ["127.0.0.1"]


def test_open_pinned_sends_the_name_and_reports_every_failed_address(
    refused_then_served: Served,
) -> None:
    port = refused_then_served.port
    url = f"http://{NAME}:{port}/list.json"
    with httpx.Client() as client:
        with open_pinned(client, url, ["127.0.0.2", "127.0.0.1"]) as response:
            assert response.read() == BODY
        failed = pytest.raises(ConnectFailedError, match=r"127\.0\.0\.2: .*; try again later")
        with failed, open_pinned(client, url, ["127.0.0.2"]):
            pass
    assert refused_then_served.hosts == [f"{NAME}:{port}"]


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "fd12::1", "::1"])
def test_internal_refusal_lets_internal_addresses_through(address: str) -> None:
    assert refusal(address) is not None and internal_refusal(address) is None


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "169.254.170.2", "fd00:ec2::254", "0.0.0.0", "224.0.0.1", "240.0.0.1", "x"],
)
def test_internal_refusal_still_refuses_metadata_and_unusable(address: str) -> None:
    assert internal_refusal(address) == refusal(address) is not None


def test_refusal_hint_is_the_callers() -> None:
    with pytest.raises(URLRefusedError, match=r"a private address; refused \(ask the admin\)$"):
        check_url("http://10.0.0.1/", allow_private=False, hint="ask the admin")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("2002:7f00:1::1", "a 6to4 address of 127.0.0.1, a loopback address"),
        ("2002:a9fe:a9fe::", "a 6to4 address of 169.254.169.254, a cloud metadata address"),
        ("2002:0a00:0005:1::7", "a 6to4 address of 10.0.0.5, a private address"),
        ("fec0::1", "a site-local address"),
        ("fed3:1:2::9", "a site-local address"),
    ],
)
def test_ipv6_forms_of_inner_addresses_are_refused(address: str, reason: str) -> None:
    """Python counts 6to4 and site-local addresses as global: they are refused all the same."""
    assert refusal(address) == reason
    with pytest.raises(URLRefusedError, match=reason):
        check_url("http://feed.example.test/", allow_private=False, resolver=lambda *_: [address])


def test_a_6to4_address_of_a_public_host_is_public() -> None:
    assert refusal("2002:5db8:d822::1") is None  # 93.184.216.34


def test_internal_receivers_may_sit_on_site_local_but_not_behind_6to4() -> None:
    assert internal_refusal("fec0::5") is None
    assert internal_refusal("2002:7f00:1::1") == refusal("2002:7f00:1::1") is not None


@pytest.mark.parametrize("url", ["http://[::1/feed", "https://[fe80::1/x", "http://a]/"])
def test_an_unparsable_url_is_refused_not_raised(url: str) -> None:
    """``urlsplit`` raises ValueError on an unclosed IPv6 bracket: callers catch only the
    refusal, so an analyst's typo must not end a whole monitor run with a traceback."""
    with pytest.raises(URLRefusedError, match=r"not a valid URL .*; check the address$"):
        check_url(url, allow_private=False)
    with pytest.raises(FetchError, match="not a valid URL"):
        Fetcher(allow_private=True, host_delay=0).get(url)
