"""Guards for fetching untrusted URLs, shared by every stage that downloads (the feed fetcher,
the list updater): which URLs and addresses may be reached (no SSRF, :func:`check_url`), and
how to connect to exactly the address that was checked (no DNS rebinding, :func:`open_pinned`):
the URL carries the IP, the ``Host`` header and TLS server name carry the name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpx

REFUSED_HOSTNAMES = frozenset({"metadata", "metadata.google.internal", "instance-data"})
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


Resolver = Callable[[str, int], list[str]]
"""Every address a host resolves to (tests swap in their own answers)."""
Refusal = Callable[[str], str | None]
"""Why an address must not be fetched from, or None (tests let their local server through)."""
PRIVATE_HINT = "set SANCTIONWATCH_ALLOW_PRIVATE=1 only for tests and local use"


class UnresolvableHostError(OSError):
    """A host name that does not resolve."""


class URLRefusedError(ValueError):
    """A URL that must not be fetched (scheme, port, host or address); the message names it."""


class ConnectFailedError(OSError):
    """No checked address of the host took the connection (refused, unreachable, timed out)."""


class UntrustedCertificateError(OSError):
    """The server's TLS certificate did not verify for the host name; nothing was sent."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal is its own answer)."""
    if is_ip(host):
        return [host]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnresolvableHostError(f"cannot resolve host {host!r} ({exc.strerror})") from None
    return sorted({str(info[4][0]) for info in infos})


def refusal(address: str) -> str | None:
    """Why an address must not be fetched from, or None if it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour is not None:
        inner = refusal(str(ip.sixtofour))
        if inner:  # a 6to4 relay would carry the request to that IPv4 address
            return f"a 6to4 address of {ip.sixtofour}, {inner}"
    checks = (
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (_is_site_local(ip), "a site-local address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-public address"),
    )
    return next((reason for refused, reason in checks if refused), None)


def internal_refusal(address: str) -> str | None:
    """Why an address must not be reached even on a host the operator allow-listed as an
    internal service: loopback and private addresses pass; cloud metadata, IPv4 link-local
    (169.254.0.0/16 also serves container credentials, e.g. 169.254.170.2), unspecified,
    multicast and reserved addresses never do (an allow-listed name may still resolve there)."""
    reason = refusal(address)
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return reason
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    credentials = isinstance(ip, ipaddress.IPv4Address) and ip.is_link_local
    unusable = ip in METADATA_ADDRESSES or credentials or ip.is_unspecified or ip.is_multicast
    lan = ip.is_private or ip.is_link_local or _is_site_local(ip)
    internal = ip.is_loopback or (lan and not ip.is_reserved)
    return None if internal and not unusable else reason


def _is_site_local(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """IPv6 ``fec0::/10``: deprecated, but still a LAN range where it is used, and one
    Python's ``is_private`` and ``is_global`` leave out (it counts as global)."""
    return isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def pinned(url: str, address: str) -> tuple[str, str, str | None]:
    """``url`` rewritten to connect to ``address``, with the ``Host`` header and TLS server
    name (None for plain http or an IP literal) that keep naming the original host."""
    parts = urlsplit(url)
    hostname = (parts.hostname or "").rstrip(".")
    port = default_port(parts)
    literal = f"[{address}]" if ":" in address else address
    target = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    shown = f"[{hostname}]" if ":" in hostname else hostname
    default = port == (443 if parts.scheme == "https" else 80)
    host_header = shown if default else f"{shown}:{port}"
    sni = hostname if parts.scheme == "https" and not is_ip(hostname) else None
    return target, host_header, sni


def check_url(
    url: str,
    *,
    allow_private: bool,
    resolver: Resolver = resolve,
    refuse: Refusal = refusal,
    hint: str = PRIVATE_HINT,
) -> list[str]:
    """The addresses ``url``'s host resolves to, every one checked; connect only to these.

    :class:`URLRefusedError` unless ``url`` is http(s) with a valid port and a host whose every
    address is public (private, loopback, link-local, metadata and other non-public addresses
    and metadata host names pass only when ``allow_private``). ``hint`` ends the message of a
    refused address: what the caller's user may set to reach it.
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed IPv6 bracket, say
        raise URLRefusedError(f"{url}: not a valid URL ({exc}); check the address") from None
    try:
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        raise URLRefusedError(f"{url}: the port is not a number from 0 to 65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise URLRefusedError(f"{url}: only http:// and https:// URLs with a host can be fetched")
    host = parts.hostname.rstrip(".").lower()
    if host in REFUSED_HOSTNAMES and not allow_private:
        raise URLRefusedError(f"{url}: {host} is a cloud metadata host and is never fetched")
    try:
        addresses = [host] if is_ip(host) else resolver(host, default_port(parts))
    except UnresolvableHostError as exc:
        raise URLRefusedError(f"{url}: {exc}") from None
    if not addresses:
        raise URLRefusedError(f"{url}: host {host} resolves to no address")
    for address in addresses if not allow_private else ():
        reason = refuse(address)
        if reason:
            raise URLRefusedError(
                f"{url}: host {host} resolves to {address}, {reason}; refused ({hint})"
            )
    return addresses


@contextmanager
def open_pinned(
    client: httpx.Client,
    url: str,
    addresses: Sequence[str],
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "GET",
    content: bytes | None = None,
) -> Iterator[httpx.Response]:
    """GET ``url`` (streamed; or ``method`` with ``content``, as a webhook POSTs) from the
    first checked address that takes the connection.

    A refused, unreachable or timed-out connection moves on to the next address
    (:class:`ConnectFailedError` when none is left); a certificate that does not verify stops
    at once (:class:`UntrustedCertificateError`): another address of the host would not make
    an impersonation any safer. Redirects are the caller's to check and follow.
    """
    response = _connect_any(client, url, addresses, headers or {}, method, content)
    try:
        yield response
    finally:
        response.close()


def _connect_any(
    client: httpx.Client,
    url: str,
    addresses: Sequence[str],
    headers: Mapping[str, str],
    method: str = "GET",
    content: bytes | None = None,
) -> httpx.Response:
    problems = []
    for address in addresses:
        target, host_header, sni = pinned(url, address)
        request = client.build_request(
            method,
            target,
            content=content,
            headers={**headers, "Host": host_header},
            extensions={"sni_hostname": sni} if sni else {},
        )
        try:
            return client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise UntrustedCertificateError(_untrusted(url, str(exc))) from None
            problems.append(f"{address}: {str(exc) or type(exc).__name__}")
    raise ConnectFailedError(f"{url}: cannot connect ({'; '.join(problems)}); try again later")


def _untrusted(url: str, detail: str) -> str:
    reason = detail.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0].strip()
    host = urlsplit(url).hostname or url
    return (
        f"{url}: the TLS certificate of {host} did not verify ({reason}); not fetched "
        "(the site may be misconfigured or impersonated; check the address)"
    )
