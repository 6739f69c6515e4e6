"""Watched sources: add, list, remove, and the canonical form of item URLs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.monitor.tables import SOURCE_KINDS, SourceItemRow, SourceRow

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "igshid"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class SourceError(ValueError):
    """A source that cannot be added or found; the message says what to do."""


def canonical_url(url: str) -> str:
    """One spelling per article: lower-case scheme and host, no default port, no fragment,
    no tracking parameters (utm_*, fbclid, ...), remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


@dataclass(frozen=True, slots=True)
class Source:
    """A plain copy of a source row, safe to use outside the session."""

    id: int
    url: str
    kind: str
    name: str
    etag: str | None
    last_modified: str | None
    last_polled: datetime | None
    status: str
    items: int = 0

    @classmethod
    def of(cls, row: SourceRow, items: int = 0) -> Source:
        return cls(
            row.id,
            row.url,
            row.kind,
            row.name,
            row.etag,
            row.last_modified,
            row.last_polled,
            row.status,
            items,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind,
            "name": self.name,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "last_polled": self.last_polled.isoformat() if self.last_polled else None,
            "status": self.status,
            "items": self.items,
        }


def add_source(session: Session, url: str, kind: str = "rss", name: str | None = None) -> Source:
    """Watch ``url``; refuses unknown kinds, non-http(s) URLs and duplicates."""
    if kind not in SOURCE_KINDS:
        raise SourceError(f"unknown source kind {kind!r}; use one of {', '.join(SOURCE_KINDS)}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{url}: a source must be an http:// or https:// URL with a host")
    canonical = canonical_url(url)
    existing = session.scalar(select(SourceRow).where(SourceRow.url == canonical))
    if existing is not None:
        raise SourceError(f"{canonical} is already watched as source {existing.id}")
    row = SourceRow(url=canonical, kind=kind, name=name or parts.hostname, status="new")
    session.add(row)
    session.flush()
    return Source.of(row)


def list_sources(session: Session) -> list[Source]:
    """Every watched source with how many items it has yielded."""
    rows = session.scalars(select(SourceRow).order_by(SourceRow.id))
    counts: dict[int, int] = {}
    for source_id in session.scalars(select(SourceItemRow.source_id)):
        counts[source_id] = counts.get(source_id, 0) + 1
    return [Source.of(row, counts.get(row.id, 0)) for row in rows]


def remove_source(session: Session, source_id: int) -> Source:
    """Stop watching a source (its documents stay; its item records go)."""
    row = session.get(SourceRow, source_id)
    if row is None:
        raise SourceError(f"there is no source {source_id}; see `sanctionwatch sources list`")
    source = Source.of(row)
    for item in session.scalars(select(SourceItemRow).where(SourceItemRow.source_id == row.id)):
        session.delete(item)
    session.delete(row)
    return source
