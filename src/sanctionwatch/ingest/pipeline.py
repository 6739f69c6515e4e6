"""Ingest files and bytes into the store: one document per distinct content, one transaction each.

A document's id is the SHA-256 of its bytes, so the same bytes are stored once however often and
from wherever they arrive. A source (path, URL, upload name) whose content changed yields a new
document whose ``previous_version_id`` points at the version that source delivered before.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.formats import (
    HTML,
    MARKDOWN,
    MEDIA_TYPES,
    media_type_for,
    parse,
    sniff_media_type,
)
from sanctionwatch.ingest.metadata import describe
from sanctionwatch.ingest.tables import DocumentSourceRow
from sanctionwatch.ingest.types import IngestError, IngestOutcome, IngestReport, Status
from sanctionwatch.rulefile import RuleFileError
from sanctionwatch.settings import Settings, load_settings
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.search import refresh_document_index
from sanctionwatch.store.tables import DocumentRow

log = logging.getLogger(__name__)

Fields = dict[str, Any]
"""Column values of one ``documents`` row."""
ProgressCallback = Callable[[IngestOutcome, int, int], None]
"""Called after each input with its outcome, how many are done and how many there are."""

SUPPORTED = ", ".join(sorted(MEDIA_TYPES))
CHUNK_SIZE = 64
"""Files hashed per existence query."""
KEEP_IN_MEMORY_BYTES = 1024 * 1024
"""Bigger files are read again when parsed rather than held while their chunk is hashed."""


@dataclass(frozen=True, slots=True)
class Target:
    """One file to ingest, or a named path that cannot be (``problem`` says why)."""

    path: Path
    problem: str | None = None
    skip: bool = False


def ingest_paths(
    database: Database,
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_progress: ProgressCallback | None = None,
    settings: Settings | None = None,
    workers: int = 1,
) -> IngestReport:
    """Ingest files and folders (recursively); every input gets an outcome, none stops the batch.

    Files are hashed a chunk at a time so that one query tells which are already stored. New
    documents are parsed and cleaned (in ``workers`` processes when more than one) and each is
    written in its own transaction by this process.
    """
    settings = settings or load_settings()
    targets = list(collect_targets(paths))
    report = IngestReport()
    with _parser_pool(workers) as pool:
        for start in range(0, len(targets), CHUNK_SIZE):
            chunk = targets[start : start + CHUNK_SIZE]
            for outcome in _ingest_chunk(database, chunk, settings, pool):
                report.add(outcome)
                if on_progress is not None:
                    on_progress(outcome, len(report.outcomes), len(targets))
    _refresh_search_index(database)
    return report


def _refresh_search_index(database: Database) -> None:
    """Index the run's documents for search in one batch (not a trigger per document). The
    documents are stored either way: if the store is busy, searches still find them and the
    next run, search or ``sanctionwatch reindex`` indexes them."""
    try:
        refresh_document_index(database)
    except OperationalError as error:
        log.warning("search index not refreshed after ingest (%s); it will catch up", error)


@contextmanager
def _parser_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ingest_bytes(
    database: Database,
    data: bytes,
    *,
    source: str,
    media_type: str | None = None,
    url: str | None = None,
    settings: Settings | None = None,
) -> IngestOutcome:
    """Ingest one document given as bytes (uploads, feed items); ``source`` names where from."""
    settings = settings or load_settings()
    limit = settings.max_document_bytes
    if len(data) > limit:
        return _failed(source, len(data), _too_large(len(data), limit))
    kind = normalise_media_type(media_type) if media_type else None
    if kind is None and media_type and not _is_generic(media_type):
        return _failed(source, len(data), f"unsupported media type {media_type!r}")
    return _ingest_data(database, data, source, kind or sniff_media_type(data), url)


def normalise_media_type(media_type: str) -> str | None:
    """A supported media type from a Content-Type value (``text/html; charset=utf-8``)."""
    base = media_type.split(";", 1)[0].strip().lower()
    aliases = {"application/xhtml+xml": HTML, "text/x-markdown": MARKDOWN}
    base = aliases.get(base, base)
    return base if base in set(MEDIA_TYPES.values()) else None


def _is_generic(media_type: str) -> bool:
    """Content types that say nothing about the format, so the bytes are sniffed instead."""
    base = media_type.split(";", 1)[0].strip().lower()
    return base in ("application/octet-stream", "binary/octet-stream", "")


def collect_targets(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Target]:
    """Expand folders (recursively, sorted, hidden entries skipped) into files to ingest."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        elif not path.exists():
            yield Target(path, problem="path does not exist; check the spelling")
        elif not path.is_file():
            yield Target(path, problem="not a regular file")
        elif media_type_for(path.name) is None:
            yield Target(path, problem=_unsupported(path))
        else:
            yield Target(path)


def _walk(folder: Path) -> Iterator[Target]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if media_type_for(name) is None:
                yield Target(path, problem=_unsupported(path), skip=True)
            else:
                yield Target(path)


def _unsupported(path: Path) -> str:
    suffix = path.suffix or "(no extension)"
    return f"unsupported file type {suffix} (supported: {SUPPORTED})"


@dataclass(slots=True)
class _Read:
    """A file read and hashed; ``data`` is dropped for big files and read again when needed."""

    target: Target
    source: str
    size: int
    document_id: str
    data: bytes | None


def _ingest_chunk(
    database: Database,
    targets: Sequence[Target],
    settings: Settings,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[IngestOutcome]:
    reads: list[_Read | IngestOutcome] = [_read(target, settings) for target in targets]
    ids = [read.document_id for read in reads if isinstance(read, _Read)]
    existing = _existing(database, ids)
    _touch_sources(
        database,
        [
            (read.document_id, read.source)
            for read in reads
            if isinstance(read, _Read) and read.document_id in existing
        ],
    )
    parsing = _submit_new(pool, reads, existing) if pool is not None else {}
    stored_now: set[str] = set()
    for read in reads:
        if isinstance(read, IngestOutcome):
            yield read
        elif read.document_id in existing:
            if read.document_id in stored_now:
                _touch_sources(database, [(read.document_id, read.source)])
            yield _unchanged(existing[read.document_id], read.source)
        else:
            outcome = _ingest_read(database, read, parsing.get(read.document_id))
            if outcome.document_id and outcome.document_id not in existing:
                existing[outcome.document_id] = _Known.of_outcome(outcome)
                stored_now.add(outcome.document_id)
            yield outcome


def _read(target: Target, settings: Settings) -> _Read | IngestOutcome:
    """Read and hash one file, refusing it by size before reading a byte."""
    source = str(target.path.resolve()) if target.path.exists() else str(target.path)
    if target.problem is not None:
        status = Status.SKIPPED if target.skip else Status.FAILED
        return IngestOutcome(source=source, status=status, reason=target.problem)
    try:
        size = target.path.stat().st_size
        if size > settings.max_document_bytes:
            return _failed(source, size, _too_large(size, settings.max_document_bytes))
        data = target.path.read_bytes()
    except OSError as error:
        return _failed(source, 0, f"cannot read the file: {error.strerror or error}")
    digest = hashlib.sha256(data).hexdigest()
    kept = data if len(data) <= KEEP_IN_MEMORY_BYTES else None
    return _Read(target, source, len(data), digest, kept)


def _submit_new(
    pool: ProcessPoolExecutor, reads: Sequence[_Read | IngestOutcome], existing: dict[str, _Known]
) -> dict[str, Future[Fields | str]]:
    """Start parsing every new document of a chunk in the pool (each distinct content once)."""
    futures: dict[str, Future[Fields | str]] = {}
    for read in reads:
        if not isinstance(read, _Read) or read.document_id in existing:
            continue
        if read.document_id in futures:
            continue
        loaded = _load(read)
        if isinstance(loaded, bytes):
            media_type = media_type_for(read.target.path.name) or sniff_media_type(loaded)
            futures[read.document_id] = pool.submit(
                parse_fields, loaded, read.document_id, read.source, media_type, None
            )
    return futures


def _load(read: _Read) -> bytes | IngestOutcome:
    try:
        data = read.data if read.data is not None else read.target.path.read_bytes()
    except OSError as error:
        return _failed(read.source, read.size, f"cannot read the file: {error.strerror or error}")
    if hashlib.sha256(data).hexdigest() != read.document_id:
        return _failed(read.source, len(data), "file changed while it was being ingested; retry")
    return data


def _ingest_read(
    database: Database, read: _Read, parsing: Future[Fields | str] | None = None
) -> IngestOutcome:
    loaded = _load(read)
    if isinstance(loaded, IngestOutcome):
        return loaded
    media_type = media_type_for(read.target.path.name) or sniff_media_type(loaded)
    fields: Fields | str | None = None
    if parsing is not None:
        try:
            fields = parsing.result()
        except Exception:  # a broken worker process: parse here instead
            fields = None
    if fields is None:
        fields = parse_fields(loaded, read.document_id, read.source, media_type, None)
    if isinstance(fields, str):
        return _failed(read.source, len(loaded), fields)
    return _store(database, fields, read.source, None)


def _ingest_data(
    database: Database, data: bytes, source: str, media_type: str, url: str | None
) -> IngestOutcome:
    document_id = hashlib.sha256(data).hexdigest()
    known = _existing(database, [document_id])
    if document_id in known:
        _touch_sources(database, [(document_id, source)], url)
        return _unchanged(known[document_id], source)
    return _ingest_new(database, data, document_id, source, media_type, url)


def _ingest_new(
    database: Database, data: bytes, document_id: str, source: str, media_type: str, url: str | None
) -> IngestOutcome:
    fields = parse_fields(data, document_id, source, media_type, url)
    if isinstance(fields, str):
        return _failed(source, len(data), fields)
    return _store(database, fields, source, url)


def parse_fields(
    data: bytes, document_id: str, source: str, media_type: str, url: str | None
) -> Fields | str:
    """The document's column values, or the one-line reason it cannot be read.

    Runs in worker processes too, so it returns plain data and never raises for bad input.
    """
    try:
        return build_fields(data, document_id, source, media_type, url)
    except IngestError as error:
        return str(error)
    except RuleFileError:  # a broken cleaning rules file is no bad document: stop the command
        raise
    except (ValueError, TypeError, LookupError, RecursionError, MemoryError) as error:
        return f"cannot read it ({type(error).__name__}: {error})"
    except Exception as error:  # one unreadable file must not stop the batch
        return f"unexpected error while reading it ({type(error).__name__}: {error})"


@dataclass(frozen=True, slots=True)
class _Known:
    """What an "unchanged" outcome reports about a document already in the store."""

    id: str
    title: str | None
    previous_version_id: str | None
    byte_size: int

    @classmethod
    def of_outcome(cls, outcome: IngestOutcome) -> _Known:
        return cls(
            outcome.document_id or "",
            outcome.title,
            outcome.previous_version_id,
            outcome.byte_size,
        )


def _existing(database: Database, ids: Sequence[str]) -> dict[str, _Known]:
    """Which of ``ids`` are stored already (one query)."""
    if not ids:
        return {}
    columns = (
        DocumentRow.id,
        DocumentRow.title,
        DocumentRow.previous_version_id,
        DocumentRow.byte_size,
    )
    with database.session() as session:
        rows = session.execute(select(*columns).where(DocumentRow.id.in_(set(ids)))).all()
    return {row[0]: _Known(row[0], row[1], row[2], row[3]) for row in rows}


def _touch_sources(
    database: Database, pairs: Sequence[tuple[str, str]], url: str | None = None
) -> None:
    """Record that these sources delivered these (already stored) documents again.

    A few statements for the whole chunk: one lookup, one update of ``last_seen``, one insert.
    """
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return
    table = cast(Table, DocumentSourceRow.__table__)
    key = tuple_(table.c.document_id, table.c.source)
    now = utcnow()
    with database.session() as session:
        found = {
            (document_id, source)
            for document_id, source in session.execute(
                select(table.c.document_id, table.c.source).where(key.in_(pairs))
            )
        }
        if found:
            session.execute(update(table).where(key.in_(list(found))).values(last_seen=now))
            if url:
                session.execute(
                    update(table).where(key.in_(list(found)), table.c.url.is_(None)).values(url=url)
                )
        missing = [pair for pair in pairs if pair not in found]
        if missing:
            session.execute(
                insert(table),
                [
                    {
                        "document_id": document_id,
                        "source": source,
                        "url": url,
                        "first_seen": now,
                        "last_seen": now,
                    }
                    for document_id, source in missing
                ],
            )


def build_row(
    data: bytes, document_id: str, source: str, media_type: str, url: str | None
) -> DocumentRow:
    """Parse, clean and describe one document into an unsaved row (raises :class:`IngestError`)."""
    return DocumentRow(**build_fields(data, document_id, source, media_type, url))


def build_fields(
    data: bytes, document_id: str, source: str, media_type: str, url: str | None
) -> Fields:
    """Parse, clean and describe one document (no database access: safe to run anywhere)."""
    parsed = parse(data, media_type)
    cleaned = clean_text(parsed.text)
    meta = describe(parsed, cleaned, url=url)
    return {
        "id": document_id,
        "source": source,
        "media_type": parsed.media_type,
        "byte_size": len(data),
        "encoding": parsed.encoding,
        "title": meta.title,
        "url": meta.url,
        "publisher": meta.publisher,
        "authors": meta.authors,
        "published_at": meta.date.value or None,
        "date_kind": meta.date.kind,
        "date_evidence": meta.date.evidence() if meta.date.value else None,
        "original_text": parsed.text,
        "clean_text": cleaned.text,
        "offset_map": cleaned.offsets.to_json(),
    }


def _store(database: Database, fields: Fields, source: str, url: str | None) -> IngestOutcome:
    """Write the document and its source link in one transaction (Core inserts: no ORM work)."""
    document_id = fields["id"]
    try:
        with database.session() as session:
            previous = latest_version(session, source)
            now = utcnow()
            session.execute(
                insert(DocumentRow),
                [{**fields, "previous_version_id": previous, "ingested_at": now}],
            )
            session.execute(
                insert(DocumentSourceRow),
                [
                    {
                        "document_id": document_id,
                        "source": source,
                        "url": url or fields.get("url"),
                        "first_seen": now,
                        "last_seen": now,
                    }
                ],
            )
    except IntegrityError:
        # Another process stored the same bytes first: that is the no-op case.
        known = _existing(database, [document_id])
        if document_id not in known:
            raise
        _touch_sources(database, [(document_id, source)], url)
        return _unchanged(known[document_id], source)
    return IngestOutcome(
        source=source,
        status=Status.NEW_VERSION if previous else Status.ADDED,
        document_id=document_id,
        previous_version_id=previous,
        title=fields.get("title"),
        byte_size=fields["byte_size"],
    )


def latest_version(session: Session, source: str) -> str | None:
    """Id of the document this source delivered most recently, if any."""
    return session.scalar(
        select(DocumentSourceRow.document_id)
        .where(DocumentSourceRow.source == source)
        .order_by(DocumentSourceRow.last_seen.desc())
        .limit(1)
    )


def _unchanged(known: _Known, source: str) -> IngestOutcome:
    return IngestOutcome(
        source=source,
        status=Status.UNCHANGED,
        document_id=known.id,
        previous_version_id=known.previous_version_id,
        title=known.title,
        byte_size=known.byte_size,
    )


def _failed(source: str, size: int, reason: str) -> IngestOutcome:
    return IngestOutcome(source=source, status=Status.FAILED, byte_size=size, reason=reason)


def _too_large(size: int, limit: int) -> str:
    return (
        f"file is {_megabytes(size)}, over the {_megabytes(limit)} limit "
        "(raise SANCTIONWATCH_MAX_DOCUMENT_BYTES to accept it)"
    )


def _megabytes(size: int) -> str:
    if size < 100 * 1024:
        return f"{size:,} bytes"
    return f"{size / (1024 * 1024):.1f} MB"
