"""Downloading a configured list and storing it as a new version.

The download is streamed with a byte limit and timeouts; private and loopback hosts are refused
unless allowed (``SANCTIONWATCH_ALLOW_PRIVATE=1`` or ``allow_private=True``), also after
redirects, and each hop connects to an address that was checked (no DNS rebinding; the checks
are :mod:`sanctionwatch.netguard`'s, shared with the feed fetcher); an HTML
page where a list was expected is refused before parsing; a pinned SHA-256 must match. The file
is then parsed and stored by :func:`load_list_file`, so a bad download never replaces the
current version.

The client reads nothing from the environment (``trust_env=False``): no ``HTTPS_PROXY``,
``ALL_PROXY`` or ``.netrc``. A proxy is used only when one is set explicitly
(``SANCTIONWATCH_LISTS_PROXY`` or ``proxy=``); it is then asked for the checked address, so the
host checks hold through it too.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx

from sanctionwatch.netguard import (
    ConnectFailedError,
    Resolver,
    UntrustedCertificateError,
    URLRefusedError,
    check_url,
    open_pinned,
    resolve,
)
from sanctionwatch.screen.lists.sources import ListSource
from sanctionwatch.screen.lists.store import LoadResult, load_list_file
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow

MAX_REDIRECTS = 5
USER_AGENT = "sanctionwatch-lists/1 (+https://github.com/sanctionwatch)"
CSV_FORMATS = {"ofac-csv", "uk-csv", "eu-journal-csv"}
JSON_FORMATS = {"ftm-json", "derived-json"}


class DownloadError(ListFormatError):
    """The download failed or delivered something that is not the expected list."""


def check_host(url: str, allow_private: bool, resolver: Resolver = resolve) -> list[str]:
    """The checked addresses of ``url``'s host (:func:`sanctionwatch.netguard.check_url`);
    :class:`DownloadError` when the URL may not be fetched. Connect only to these."""
    try:
        return check_url(url, allow_private=allow_private, resolver=resolver)
    except URLRefusedError as exc:
        raise DownloadError(str(exc)) from None


def download(
    source: ListSource,
    destination: Path,
    *,
    allow_private: bool = False,
    transport: httpx.BaseTransport | None = None,
    resolver: Resolver = resolve,
    proxy: str | None = None,
) -> str:
    """Stream ``source.url`` into ``destination``; returns the SHA-256 of the bytes.

    Every hop is resolved once, checked, and connected to at a checked address (the name
    stays in the ``Host`` header and the TLS server name), so DNS rebinding cannot steer it;
    an address that refuses or does not answer the connection passes to the next one. With
    ``proxy`` (an ``http://`` or ``https://`` URL) every hop goes through that proxy; proxies
    of the environment are never used.
    """
    url = source.url
    timeout = httpx.Timeout(source.timeout, connect=min(source.timeout, 30.0))
    headers = {"User-Agent": USER_AGENT}
    limits = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(
        timeout=timeout,
        headers=headers,
        transport=transport,
        limits=limits,
        trust_env=False,
        proxy=checked_proxy(proxy),
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            addresses = check_host(url, allow_private, resolver)
            try:
                with open_pinned(client, url, addresses) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise DownloadError(f"{url}: HTTP {response.status_code} from server")
                    _check_content_type(source, url, response.headers.get("content-type", ""))
                    return _save(source, url, response, destination)
            except (ConnectFailedError, UntrustedCertificateError) as exc:
                raise DownloadError(str(exc)) from None
            except httpx.TimeoutException:
                raise DownloadError(f"{url}: timed out after {source.timeout:.0f}s") from None
            except httpx.HTTPError as exc:
                raise DownloadError(f"{url}: download failed ({type(exc).__name__})") from None
    raise DownloadError(f"{source.url}: more than {MAX_REDIRECTS} redirects")


def checked_proxy(proxy: str | None) -> str | None:
    """``proxy`` if it is an ``http://`` or ``https://`` URL with a host; DownloadError
    naming the setting otherwise (a mistyped proxy must not turn into a direct connection).
    The message never repeats the value: it may hold the proxy's password."""
    if proxy is None:
        return None
    try:
        parts = urlparse(proxy)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise DownloadError(
            "SANCTIONWATCH_LISTS_PROXY is not an http:// or https:// proxy URL with a host; "
            "fix it, or unset it to download directly"
        )
    return proxy


def _check_content_type(source: ListSource, url: str, content_type: str) -> None:
    if "text/html" in content_type.lower():
        raise DownloadError(
            f"{url}: server sent an HTML page (content-type {content_type}) instead of "
            f"the {source.format} list; the site may be down or the URL may have moved"
        )


def _save(source: ListSource, url: str, response: httpx.Response, destination: Path) -> str:
    digest = hashlib.sha256()
    size = 0
    first = b""
    with destination.open("wb") as handle:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > source.max_bytes:
                raise DownloadError(
                    f"{url}: larger than the limit of {source.max_bytes} bytes for {source.id}"
                )
            if len(first) < 512:
                first += chunk[: 512 - len(first)]
            digest.update(chunk)
            handle.write(chunk)
    _check_first_bytes(source, url, first)
    sha256 = digest.hexdigest()
    if source.sha256 and sha256 != source.sha256:
        raise DownloadError(f"{url}: SHA-256 {sha256} differs from the pinned {source.sha256}")
    return sha256


def _check_first_bytes(source: ListSource, url: str, first: bytes) -> None:
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        raise DownloadError(f"{url}: empty response")
    if head.startswith((b"<!doctype html", b"<html")):
        raise DownloadError(f"{url}: server sent an HTML page instead of the {source.format} list")
    if source.format in CSV_FORMATS | JSON_FORMATS:
        if head.startswith(b"<"):
            raise DownloadError(f"{url}: got markup where a {source.format} file was expected")
    elif not head.startswith(b"<"):
        raise DownloadError(f"{url}: does not start like XML (expected {source.format})")


def update_source(
    database: Database,
    source: ListSource,
    *,
    force: bool = False,
    allow_private: bool | None = None,
    transport: httpx.BaseTransport | None = None,
    resolver: Resolver = resolve,
    proxy: str | None = None,
) -> LoadResult:
    """Download, validate and store one source; the previous version stays on any failure.
    ``allow_private`` and ``proxy`` default to the settings (``SANCTIONWATCH_ALLOW_PRIVATE``,
    ``SANCTIONWATCH_LISTS_PROXY``)."""
    settings = load_settings()
    if allow_private is None:
        allow_private = settings.allow_private_urls
    proxy = proxy if proxy is not None else settings.lists_proxy
    fetched_at = utcnow()
    with tempfile.TemporaryDirectory(prefix="sanctionwatch-list-") as folder:
        name = Path(urlparse(source.url).path).name or f"{source.id}.download"
        target = Path(folder) / name
        download(
            source,
            target,
            allow_private=allow_private,
            transport=transport,
            resolver=resolver,
            proxy=proxy,
        )
        try:
            return load_list_file(
                database,
                target,
                source.format,
                source=source.id,
                force=force,
                location=source.url,
                fetched_at=fetched_at,
            )
        except ListFormatError as exc:
            # Name the URL, not the temporary file, in the one-line error.
            raise type(exc)(str(exc).replace(str(target), source.url)) from None
