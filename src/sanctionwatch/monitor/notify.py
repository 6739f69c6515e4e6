"""Telling analysts about alerts outside the app: an Atom feed and a signed webhook.

``alerts_atom(session)`` renders the newest alerts as Atom 1.0 (the web app mounts it at
``/alerts.atom``). ``post_webhook`` POSTs alerts as JSON with an HMAC-SHA256 signature of the
exact body in ``X-SanctionWatch-Signature: sha256=<hex>`` and retries with exponential back-off;
the receiver recomputes the HMAC with the shared secret and compares in constant time. The
hook's address is checked and pinned as a feed's is (:mod:`sanctionwatch.netguard`): no
private or loopback target unless allowed, no DNS rebinding between the check and the POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.monitor.alerts import alert_dict
from sanctionwatch.monitor.fetch import USER_AGENT, Fetcher
from sanctionwatch.monitor.tables import AlertRow
from sanctionwatch.netguard import (
    ConnectFailedError,
    Refusal,
    UntrustedCertificateError,
    URLRefusedError,
    check_url,
    internal_refusal,
    open_pinned,
)
from sanctionwatch.settings import load_settings
from sanctionwatch.store.base import utcnow

ATOM_NS = "http://www.w3.org/2005/Atom"
SIGNATURE_HEADER = "X-SanctionWatch-Signature"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def alerts_atom(session: Session, base_url: str = "http://localhost:8000", limit: int = 100) -> str:
    """The newest ``limit`` alerts as an Atom feed (entry links point at ``base_url``)."""
    rows = list(session.scalars(select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)))
    root = Element("feed", xmlns=ATOM_NS)
    SubElement(root, "title").text = "SanctionWatch alerts"
    SubElement(root, "id").text = f"{base_url.rstrip('/')}/alerts.atom"
    updated = max((row.updated_at for row in rows), default=utcnow())
    SubElement(root, "updated").text = updated.isoformat()
    SubElement(root, "link", rel="self", href=f"{base_url.rstrip('/')}/alerts.atom")
    author = SubElement(root, "author")
    SubElement(author, "name").text = "SanctionWatch monitor"
    for row in rows:
        entry = SubElement(root, "entry")
        SubElement(entry, "id").text = f"{base_url.rstrip('/')}/alerts/{row.id}"
        SubElement(entry, "title").text = f"#{row.id} [{row.kind}, {row.status}] {row.title}"
        SubElement(entry, "updated").text = row.updated_at.isoformat()
        SubElement(entry, "published").text = row.created_at.isoformat()
        SubElement(entry, "link", href=f"{base_url.rstrip('/')}/alerts/{row.id}")
        SubElement(entry, "category", term=row.kind)
        SubElement(entry, "summary").text = _summary(row)
    return tostring(root, encoding="unicode", xml_declaration=True)


def _summary(row: AlertRow) -> str:
    parts = [row.evidence or ""]
    if row.score is not None:
        parts.append(f"score {row.score:.2f}")
    if row.list_version:
        parts.append(f"list {row.list_version}")
    if row.reopen_reason:
        parts.append(f"reopened: {row.reopen_reason}")
    return " · ".join(part for part in parts if part)


def sign(body: bytes, secret: str) -> str:
    """The signature header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), header)


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    attempts: int
    status: int | None
    error: str | None = None


def webhook_body(alerts: Sequence[AlertRow]) -> bytes:
    payload: dict[str, Any] = {
        "sent_at": utcnow().isoformat(),
        "alerts": [alert_dict(row) for row in alerts],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def post_webhook(
    url: str,
    body: bytes,
    secret: str,
    *,
    fetcher: Fetcher | None = None,
    allow_hosts: frozenset[str] | None = None,
    attempts: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``body`` signed; retry on network errors and 408/429/5xx after 1, 2, 4 ... s.

    The hook is checked like a feed (:mod:`sanctionwatch.netguard`): a private, loopback or
    link-local address is refused unless the fetcher allows private URLs
    (``SANCTIONWATCH_ALLOW_PRIVATE=1``) or the hook's host is in ``allow_hosts`` (default
    ``SANCTIONWATCH_WEBHOOK_ALLOW_HOSTS``: internal receivers, never a metadata address). Every
    attempt connects to an address checked once, before the first, so a DNS answer that
    changes cannot steer the signed alerts inward; redirects are not followed. Credentials in
    the URL (``https://user:pass@host/...``) go as basic auth. Errors name the hook by scheme,
    host and port only: a hook's path is often its secret.
    """
    owned = fetcher is None
    checker = fetcher or Fetcher(host_delay=0)
    try:
        addresses = _checked_addresses(url, checker, allow_hosts)
    except URLRefusedError as error:
        return Delivery(False, 0, None, str(error).replace(url, hook_name(url), 1))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(body, secret),
        **_basic_auth(url),
    }
    try:
        return _deliver(checker, url, addresses, body, headers, attempts, backoff, sleep)
    finally:
        if owned:
            checker.close()


def hook_name(url: str) -> str:
    """``url`` as errors and logs show it: scheme, host and port (no credentials, no path)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "webhook"
    host = parts.hostname or "?"
    shown = f"[{host}]" if ":" in host else host
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"webhook {parts.scheme}://{shown}{port}{rest}"


def _basic_auth(url: str) -> dict[str, str]:
    """The ``Authorization`` header for credentials in the hook's URL (``user:pass@host``),
    as an HTTP client sends them: the pinned request's URL carries an address, not them."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return {}
    pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}


def _checked_addresses(url: str, fetcher: Fetcher, allow_hosts: frozenset[str] | None) -> list[str]:
    if allow_hosts is None:
        allow_hosts = load_settings().webhook_allow_hosts
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        host = ""  # check_url refuses the URL
    listed = host in allow_hosts
    return check_url(
        url,
        allow_private=fetcher.allow_private,
        resolver=fetcher.resolver,
        refuse=_allow_internal(fetcher.refuse) if listed else fetcher.refuse,
        hint=(
            "allow-listed hosts still never reach this kind of address; check the hook's DNS"
            if listed
            else f"add {host} to SANCTIONWATCH_WEBHOOK_ALLOW_HOSTS if it is your internal receiver"
        ),
    )


def _allow_internal(refuse: Refusal) -> Refusal:
    """``refuse`` relaxed for an allow-listed host: internal addresses pass, metadata not."""

    def relaxed(address: str) -> str | None:
        return refuse(address) and internal_refusal(address)

    return relaxed


def _deliver(
    fetcher: Fetcher,
    url: str,
    addresses: list[str],
    body: bytes,
    headers: dict[str, str],
    attempts: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> Delivery:
    status: int | None = None
    problem: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            with open_pinned(
                fetcher.client, url, addresses, headers, method="POST", content=body
            ) as response:
                status = response.status_code
            if status < 300:
                return Delivery(True, attempt, status)
            problem = f"HTTP {status}"
            if status not in RETRY_STATUSES:
                return Delivery(False, attempt, status, f"{hook_name(url)}: {problem}")
        except UntrustedCertificateError as exc:
            message = str(exc).replace(url, hook_name(url), 1)
            return Delivery(False, attempt, None, message)
        except (ConnectFailedError, httpx.HTTPError) as exc:
            problem = f"{type(exc).__name__}: {str(exc).replace(url, '').strip(': ')}"
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return Delivery(
        False, attempts, status, f"{hook_name(url)}: gave up after {attempts} attempts ({problem})"
    )
