"""Polling sources: fetch a feed or page, find its new items, ingest them as documents.

Items are deduplicated twice: by canonical URL (an item a feed already gave is not fetched
again; an item another feed gave is linked to the existing document without a fetch) and by
content hash (ingestion stores the same bytes once, whatever the URL). Every item is its own
transaction, so a stop between items leaves nothing half-done.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser
from sqlalchemy import select

from sanctionwatch.ingest.formats import HTML, PDF, TEXT
from sanctionwatch.ingest.pipeline import ingest_bytes
from sanctionwatch.ingest.types import Status
from sanctionwatch.monitor.fetch import Fetcher, FetchError, FetchResult
from sanctionwatch.monitor.sources import Source, canonical_url
from sanctionwatch.monitor.tables import SourceItemRow, SourceRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.search import refresh_document_index

MEDIA_TYPES = {"text/html": HTML, "application/xhtml+xml": HTML, "application/pdf": PDF}
MEDIA_TYPES["text/plain"] = TEXT


class FeedError(ValueError):
    """A feed that cannot be read as RSS or Atom."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str | None


@dataclass
class SourcePoll:
    """What polling one source gave."""

    source: Source
    not_modified: bool = False
    items: int = 0
    seen_before: int = 0
    new_documents: list[str] = field(default_factory=list)
    linked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors and not (self.items or self.not_modified):
            return f"error: {self.errors[0]}"
        if self.not_modified:
            return "not modified"
        return f"ok: {len(self.new_documents)} new of {self.items} items"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.id,
            "name": self.source.name,
            "status": self.status,
            "items": self.items,
            "new_documents": self.new_documents,
            "linked": self.linked,
            "errors": self.errors,
        }


def parse_feed(content: bytes, feed_url: str) -> list[FeedItem]:
    """Items of an RSS 2.0 / Atom feed, links made absolute; :class:`FeedError` if unreadable."""
    parsed = feedparser.parse(io.BytesIO(content), resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FeedError(f"{feed_url}: not a readable RSS or Atom feed ({problem})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or _link_of(entry)
        if link:
            items.append(FeedItem(urljoin(feed_url, link), entry.get("title")))
    return items


def _link_of(entry: Any) -> str | None:
    for link in entry.get("links", []):
        if link.get("href"):
            return str(link["href"])
    guid = entry.get("id")
    return str(guid) if guid and str(guid).startswith(("http://", "https://")) else None


def media_type_of(result: FetchResult) -> str | None:
    """The ingest media type named by the Content-Type header (None: let ingest sniff)."""
    if not result.content_type:
        return None
    return MEDIA_TYPES.get(result.content_type.split(";", 1)[0].strip().lower())


def poll_source(
    database: Database,
    fetcher: Fetcher,
    source: Source,
    should_stop: Callable[[], bool] = lambda: False,
) -> SourcePoll:
    """Poll one source; errors are collected in the result, never raised."""
    poll = SourcePoll(source)
    result: FetchResult | None = None
    try:
        result = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
        if result.not_modified:
            poll.not_modified = True
        elif source.kind == "page":
            _ingest_page(database, source, result, poll)
        else:
            for item in _new_items(database, source, parse_feed(result.content, source.url)):
                if should_stop():
                    break
                _ingest_item(database, fetcher, source, item, poll)
    except (FetchError, FeedError) as error:
        poll.errors.append(str(error))
    _record_poll(database, source, result, poll)
    if poll.new_documents:
        refresh_document_index(database)  # the source's new items in one batch
    return poll


def _new_items(database: Database, source: Source, items: list[FeedItem]) -> Iterator[FeedItem]:
    unique = {canonical_url(item.url): item for item in items}
    with database.session() as session:
        seen = set(
            session.scalars(
                select(SourceItemRow.item_url).where(SourceItemRow.source_id == source.id)
            )
        )
    for url, item in unique.items():
        if url not in seen:
            yield FeedItem(url, item.title)


def _ingest_item(
    database: Database, fetcher: Fetcher, source: Source, item: FeedItem, poll: SourcePoll
) -> None:
    poll.items += 1
    with database.session() as session:
        known = session.scalar(
            select(SourceItemRow.document_id)
            .where(SourceItemRow.item_url == item.url, SourceItemRow.document_id.is_not(None))
            .limit(1)
        )
    if known is not None:
        _link(database, source, item.url, known, item.title)
        poll.linked += 1
        return
    try:
        page = fetcher.get(item.url)
    except FetchError as error:
        poll.errors.append(str(error))
        return
    _store(database, source, item.url, item.title, page, poll)


def _ingest_page(database: Database, source: Source, result: FetchResult, poll: SourcePoll) -> None:
    poll.items += 1
    _store(database, source, source.url, None, result, poll)


def _store(
    database: Database,
    source: Source,
    url: str,
    title: str | None,
    page: FetchResult,
    poll: SourcePoll,
) -> None:
    outcome = ingest_bytes(
        database, page.content, source=url, media_type=media_type_of(page), url=url
    )
    if outcome.failed or outcome.document_id is None:
        poll.errors.append(f"{url}: {outcome.reason}")
        return
    if outcome.status in (Status.ADDED, Status.NEW_VERSION):
        poll.new_documents.append(outcome.document_id)
    else:
        poll.linked += 1
    _link(database, source, url, outcome.document_id, title or outcome.title)


def _link(
    database: Database, source: Source, url: str, document_id: str, title: str | None
) -> None:
    with database.session() as session:
        row = session.scalar(
            select(SourceItemRow).where(
                SourceItemRow.source_id == source.id, SourceItemRow.item_url == url
            )
        )
        if row is None:
            session.add(
                SourceItemRow(
                    source_id=source.id, item_url=url, document_id=document_id, title=title
                )
            )
        else:
            row.document_id = document_id


def _record_poll(
    database: Database, source: Source, result: FetchResult | None, poll: SourcePoll
) -> None:
    with database.session() as session:
        row = session.get(SourceRow, source.id)
        if row is None:
            return
        row.last_polled = utcnow()
        row.status = poll.status[:500]
        if result is not None and not result.not_modified and not poll.errors:
            row.etag = result.etag
            row.last_modified = result.last_modified
