"""The pinned HTTPS path against a real TLS server on 127.0.0.1: the connection goes to the
checked address while SNI, the ``Host`` header and the certificate check keep the name.

Certificates are made here (a throwaway CA and a server certificate for the name, with
``trustme``); loopback is explicitly allowed for the test's own server only.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import trustme

from sanctionwatch.monitor.fetch import Fetcher, FetchError, refusal
from sanctionwatch.netguard import pinned
from sanctionwatch.screen.lists.sources import ListSource
from sanctionwatch.screen.lists.update import DownloadError, download

FEED_HOST = "feeds.pinning.test"
"""A name no DNS knows: the fetch can only work by connecting to the checked address."""
BODY = b'{"id": "feed-item", "schema": "Thing"}\n'


class Authority:
    """A throwaway certificate authority (trustme) and client contexts that trust only it."""

    def __init__(self) -> None:
        self.ca = trustme.CA()

    def issue(self, dns_name: str) -> trustme.LeafCert:
        return self.ca.issue_cert(dns_name)

    def client_context(self) -> ssl.SSLContext:
        """Full verification (chain and host name) against this authority alone."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        context.load_verify_locations(cadata=self.ca.cert_pem.bytes().decode())
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        return context


class TlsServer:
    """HTTPS on 127.0.0.1 with a certificate for one name; records SNI names and Host headers."""

    def __init__(self, certificate: trustme.LeafCert) -> None:
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        certificate.configure_cert(context)
        context.sni_callback = self._record_sni
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.hosts.append(self.headers.get("Host", ""))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY)

            def log_message(self, *_args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _record_sni(self, _sock: object, name: str | None, _context: object) -> None:
        self.server_names.append(name)

    def __enter__(self) -> TlsServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def authority() -> Authority:
    return Authority()


@pytest.fixture
def server(authority: Authority) -> Iterator[TlsServer]:
    with TlsServer(authority.issue(FEED_HOST)) as running:
        yield running


class OneLookup:
    """Resolves ``FEED_HOST`` to 127.0.0.1 and remembers every question."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, host: str, _port: int) -> list[str]:
        self.calls.append(host)
        return ["127.0.0.1"] if host == FEED_HOST else []


def loopback_allowed(address: str) -> str | None:
    """The one exception this test makes: its own server's loopback address may be reached."""
    return None if address == "127.0.0.1" else refusal(address)


def _fetcher(context: ssl.SSLContext, resolver: OneLookup) -> Fetcher:
    return Fetcher(
        allow_private=False,
        host_delay=0,
        timeout=5,
        resolver=resolver,
        refuse=loopback_allowed,
        tls_context=context,
    )


def test_pinned_https_sends_the_name_in_sni_and_host(
    server: TlsServer, authority: Authority
) -> None:
    url = f"https://{FEED_HOST}:{server.port}/feed.json"
    target, host_header, sni = pinned(url, "127.0.0.1")
    assert (target, host_header, sni) == (
        f"https://127.0.0.1:{server.port}/feed.json",
        f"{FEED_HOST}:{server.port}",
        FEED_HOST,
    )
    resolver = OneLookup()
    with _fetcher(authority.client_context(), resolver) as fetcher:
        result = fetcher.get(url)
    assert result.status == 200 and result.content == BODY and result.url == url
    assert server.server_names == [FEED_HOST]
    assert server.hosts == [f"{FEED_HOST}:{server.port}"]
    assert resolver.calls == [FEED_HOST]  # resolved once, then connected to that address


def test_a_certificate_from_another_authority_is_refused(server: TlsServer) -> None:
    stranger = Authority()
    with (
        _fetcher(stranger.client_context(), OneLookup()) as fetcher,
        pytest.raises(FetchError) as err,
    ):
        fetcher.get(f"https://{FEED_HOST}:{server.port}/feed.json")
    assert f"TLS certificate of {FEED_HOST} did not verify" in str(err.value)
    assert "unable to get local issuer certificate" in str(err.value)
    assert server.hosts == []  # no request was sent over the unverified connection


def test_the_certificate_must_name_the_host_not_the_address(authority: Authority) -> None:
    """A valid certificate for another name: verification checks the name we asked for."""
    with TlsServer(authority.issue("other.pinning.test")) as other:
        fetcher = _fetcher(authority.client_context(), OneLookup())
        with fetcher, pytest.raises(FetchError) as err:
            fetcher.get(f"https://{FEED_HOST}:{other.port}/feed.json")
        assert other.server_names == [FEED_HOST]
        assert other.hosts == []
    assert "did not verify (Hostname mismatch" in str(err.value)


def test_the_default_trust_store_does_not_know_a_private_ca(server: TlsServer) -> None:
    fetcher = Fetcher(
        allow_private=False, host_delay=0, timeout=5, resolver=OneLookup(), refuse=loopback_allowed
    )
    with fetcher, pytest.raises(FetchError, match="did not verify"):
        fetcher.get(f"https://{FEED_HOST}:{server.port}/feed.json")
    assert server.hosts == []


def test_list_downloads_pin_the_same_way(authority: Authority, tmp_path: Path) -> None:
    """The list updater resolves for itself (the system resolver: ``localhost``), with
    private addresses explicitly allowed for this test."""
    with TlsServer(authority.issue("localhost")) as local:
        source = ListSource(
            id="test_list", format="ftm-json", url=f"https://localhost:{local.port}/list.json"
        )
        transport = httpx.HTTPTransport(verify=authority.client_context())
        digest = download(source, tmp_path / "list.json", allow_private=True, transport=transport)
        assert (tmp_path / "list.json").read_bytes() == BODY and len(digest) == 64
        assert local.server_names == ["localhost"]
        assert local.hosts == [f"localhost:{local.port}"]
        wrong = httpx.HTTPTransport(verify=Authority().client_context())
        with pytest.raises(DownloadError):
            download(source, tmp_path / "again.json", allow_private=True, transport=wrong)
        assert len(local.hosts) == 1
