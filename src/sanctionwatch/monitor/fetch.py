"""Fetching feeds and pages without becoming a proxy into the local network (no SSRF).

Every URL, the first and each redirect hop, is checked before a connection is made: only
http(s), and every address the host resolves to must be public (no private, loopback,
link-local/metadata, unspecified, multicast or reserved ranges) unless private URLs are
allowed (``SANCTIONWATCH_ALLOW_PRIVATE=1``, tests and local use only). Bodies are streamed and
cut at a size limit; redirects are followed by hand; validators (ETag, Last-Modified) make
repeated polls cheap; requests to one host are spaced by a polite delay.

No DNS rebinding: each host is resolved once per hop, the answer is checked, and the
connection goes to a checked address (the URL carries the IP; the ``Host`` header and the TLS
SNI/certificate check carry the name), so a resolver that answers differently the second time
cannot steer the request inward. Connections are not kept alive, so a TLS connection opened
for one name is never reused for another name on the same address.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from sanctionwatch import __version__
from sanctionwatch.netguard import (
    ConnectFailedError,
    Refusal,
    Resolver,
    UntrustedCertificateError,
    URLRefusedError,
    check_url,
    open_pinned,
    pinned,
    refusal,
    resolve,
)
from sanctionwatch.settings import load_settings

__all__ = ["USER_AGENT", "FetchError", "FetchResult", "Fetcher", "pinned", "refusal"]

USER_AGENT = (
    f"SanctionWatch/{__version__} (sanctions-evasion research monitor; "
    "polls feeds politely, honours ETag/Last-Modified)"
)
MAX_REDIRECTS = 5
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


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


@dataclass
class Fetcher:
    """An HTTP client for untrusted URLs; one per monitor run (it remembers per-host timing)."""

    allow_private: bool = field(default_factory=lambda: load_settings().allow_private_urls)
    max_bytes: int = field(default_factory=lambda: load_settings().max_document_bytes)
    timeout: float = 20.0
    host_delay: float = 1.0
    resolver: Resolver = resolve
    refuse: Refusal = refusal
    """Why an address must not be fetched from (None: it may); tests swap it to treat their
    local server as a public site."""
    tls_context: ssl.SSLContext | None = None
    """Certificates to trust (None: httpx's default CA bundle); a private CA for an internal
    feed, or a test's own. Verification is never switched off."""
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
                limits=httpx.Limits(max_keepalive_connections=0),
                verify=self.tls_context if self.tls_context is not None else True,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check_url(self, url: str) -> list[str]:
        """The addresses ``url``'s host resolves to, every one checked
        (:func:`sanctionwatch.netguard.check_url`); :class:`FetchError` unless it is http(s) to
        a host we may reach. Connect only to these addresses."""
        try:
            return check_url(
                url, allow_private=self.allow_private, resolver=self.resolver, refuse=self.refuse
            )
        except URLRefusedError as exc:
            raise FetchError(str(exc)) from None

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
            addresses = self.check_url(current)
            self._pace(current)
            result, location = self._request(current, headers, addresses)
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

    def _request(
        self, url: str, headers: dict[str, str], addresses: list[str]
    ) -> tuple[FetchResult | None, str | None]:
        """GET ``url`` over a connection to one of ``addresses`` (checked IPs), never
        re-resolving (:func:`sanctionwatch.netguard.open_pinned`)."""
        try:
            with open_pinned(self.client, url, addresses, headers) as response:
                return self._answer(url, response)
        except (ConnectFailedError, UntrustedCertificateError) as exc:
            raise FetchError(str(exc)) from None
        except httpx.TimeoutException:
            raise FetchError(
                f"{url}: no answer within {self.timeout:g} s (timeout); try again later"
            ) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None

    def _answer(self, url: str, response: httpx.Response) -> tuple[FetchResult | None, str | None]:
        """The result of a 200 or 304, or the location a redirect points to."""
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
        result = FetchResult(
            url,
            response.status_code,
            content,
            response.headers.get("content-type"),
            etag_of(response),
            response.headers.get("last-modified"),
        )
        return result, None

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
