"""Guards for fetching untrusted URLs, shared by every stage that downloads: which addresses
may be reached (no SSRF), and how to connect to exactly the address that was checked (no DNS
rebinding): the URL carries the IP, the ``Host`` header and TLS server name carry the name.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit, urlunsplit

REFUSED_HOSTNAMES = frozenset({"metadata", "metadata.google.internal", "instance-data"})
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class UnresolvableHostError(OSError):
    """A host name that does not resolve."""


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
