"""Fetching feeds and pages without becoming a proxy into the local network (no SSRF).

Every URL, the first and each redirect hop, is checked before a connection is made: only
http(s), and every address the host resolves to must be public (no private, loopback,
link-local/metadata, unspecified, multicast or reserved ranges) unless private URLs are
allowed (``SANCTIONWATCH_ALLOW_PRIVATE=1``, tests and local use only). Bodies are streamed and
cut at a size limit; redirects are followed by hand; validators (ETag, Last-Modified) make
repeated polls cheap; requests to one host are spaced by a polite delay.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from sanctionwatch import __version__
from sanctionwatch.settings import load_settings

USER_AGENT = (
    f"SanctionWatch/{__version__} (sanctions-evasion research monitor; "
    "polls feeds politely, honours ETag/Last-Modified)"
)
MAX_REDIRECTS = 5
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
REFUSED_HOSTNAMES = frozenset({"metadata", "metadata.google.internal", "instance-data"})
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)

Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A fetch that failed or was refused; the message names the URL and what to do."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One answer: 200 with a body, or 304 (``not_modified``) with none."""

    url: str
    status: int
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r} ({exc.strerror})") from None
    return sorted({str(info[4][0]) for info in infos})


def refusal(address: str) -> str | None:
    """Why an address must not be fetched from, or None if it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


@dataclass
class Fetcher:
    """An HTTP client for untrusted URLs; one per monitor run (it remembers per-host timing)."""

    allow_private: bool = field(default_factory=lambda: load_settings().allow_private_urls)
    max_bytes: int = field(default_factory=lambda: load_settings().max_document_bytes)
    timeout: float = 20.0
    host_delay: float = 1.0
    resolver: Resolver = system_resolver
    _last_request: dict[str, float] = field(default_factory=dict)
    _client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=False,
                timeout=httpx.Timeout(self.timeout),
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check_url(self, url: str) -> None:
        """Raise :class:`FetchError` unless ``url`` is http(s) to a host we may reach."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http:// and https:// URLs with a host can be fetched")
        if self.allow_private:
            return
        host = parts.hostname.rstrip(".").lower()
        if host in REFUSED_HOSTNAMES:
            raise FetchError(f"{url}: {host} is a cloud metadata host and is never fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in self.resolver(host, port):
            reason = refusal(address)
            if reason:
                raise FetchError(
                    f"{url}: host {host} resolves to {address}, {reason}; refused "
                    "(set SANCTIONWATCH_ALLOW_PRIVATE=1 only for tests and local use)"
                )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` conditionally, following up to five redirects, each re-checked."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self.check_url(current)
            self._pace(current)
            result, location = self._request(current, headers)
            if location is None:
                assert result is not None
                return result
            current = urljoin(current, location)
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects; check the address")

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.host_delay - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _request(self, url: str, headers: dict[str, str]) -> tuple[FetchResult | None, str | None]:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location header")
                    return None, location
                if response.status_code == 304:
                    return FetchResult(url, 304, etag=etag_of(response)), None
                if response.status_code >= 400:
                    raise FetchError(f"{url}: the server answered HTTP {response.status_code}")
                content = self._read_limited(url, response)
                return (
                    FetchResult(
                        url,
                        response.status_code,
                        content,
                        response.headers.get("content-type"),
                        etag_of(response),
                        response.headers.get("last-modified"),
                    ),
                    None,
                )
        except httpx.TimeoutException:
            raise FetchError(
                f"{url}: no answer within {self.timeout:g} s (timeout); try again later"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None

    def _read_limited(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(self._too_large(url, int(declared)))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(self._too_large(url, size))
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, url: str, size: int) -> str:
        return (
            f"{url}: response larger than the limit of {self.max_bytes:,} bytes "
            f"(stopped at {size:,}); raise SANCTIONWATCH_MAX_DOCUMENT_BYTES if it is genuine"
        )


def etag_of(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("etag")
    return value
