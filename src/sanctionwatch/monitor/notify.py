"""Telling analysts about alerts outside the app: an Atom feed and a signed webhook.

``alerts_atom(session)`` renders the newest alerts as Atom 1.0 (the web app mounts it at
``/alerts.atom``). ``post_webhook`` POSTs alerts as JSON with an HMAC-SHA256 signature of the
exact body in ``X-SanctionWatch-Signature: sha256=<hex>`` and retries with exponential back-off;
the receiver recomputes the HMAC with the shared secret and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.monitor.alerts import alert_dict
from sanctionwatch.monitor.fetch import USER_AGENT, Fetcher, FetchError
from sanctionwatch.monitor.tables import AlertRow
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
    attempts: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``body`` signed; retry on network errors and 408/429/5xx after 1, 2, 4 ... s."""
    checker = fetcher or Fetcher(host_delay=0)
    try:
        checker.check_url(url)
    except FetchError as error:
        return Delivery(False, 0, None, str(error))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(body, secret),
    }
    status: int | None = None
    problem: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            response = httpx.post(
                url, content=body, headers=headers, timeout=checker.timeout, trust_env=False
            )
            status = response.status_code
            if status < 300:
                return Delivery(True, attempt, status)
            problem = f"HTTP {status}"
            if status not in RETRY_STATUSES:
                return Delivery(False, attempt, status, problem)
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    return Delivery(
        False, attempts, status, f"{url}: gave up after {attempts} attempts ({problem})"
    )
