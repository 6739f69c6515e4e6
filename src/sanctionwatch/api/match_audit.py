"""The /match audit trail, written in batches off the request path.

With ``SANCTIONWATCH_AUDIT_MATCHES=1`` every screened query is recorded (``web/audit.py`` owns
the table and the row format). Writing one transaction per request would put a database round
trip (and, on SQLite, the single writer lock) on the hot path, so requests only queue their
entries; one thread writes whatever has queued, many requests per transaction, within
``max_delay`` seconds. Readers of the trail call :meth:`AuditWriter.flush` first, and the app
flushes on shutdown, so nothing queued is lost on an orderly stop.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from sanctionwatch.store import Database
from sanctionwatch.web.audit import AuditedQuery, record_match

log = logging.getLogger("sanctionwatch.api")


@dataclass(frozen=True)
class AuditEntry:
    """One /match request's audited queries and the settings they ran with."""

    dataset: str
    algorithm: str
    matcher: str
    threshold: float
    cutoff: float
    queries: tuple[AuditedQuery, ...]


class AuditWriter:
    """Queue of audit entries and the one thread that writes them."""

    def __init__(self, database: Database, max_delay: float = 0.25, max_batch: int = 500) -> None:
        self._database = database
        self._max_delay = max_delay
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[AuditEntry] = queue.SimpleQueue()
        self._pending = threading.Event()
        self._write_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, entry: AuditEntry) -> None:
        """Queue ``entry`` (never blocks on the database)."""
        self._queue.put(entry)
        self._pending.set()
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="match-audit-writer", daemon=True
                    )
                    self._thread.start()

    def flush(self) -> int:
        """Write everything queued now; returns how many entries were written."""
        written = 0
        with self._write_lock:
            while entries := self._drain():
                written += self._write(entries)
        return written

    def _drain(self) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        try:
            while len(entries) < self._max_batch:
                entries.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        return entries

    def _run(self) -> None:
        while True:
            self._pending.wait()
            time.sleep(self._max_delay)  # let a batch gather
            self._pending.clear()
            try:
                self.flush()
            except Exception:  # logged; the server keeps answering
                log.exception("writing /match audit entries failed")

    def _write(self, entries: list[AuditEntry]) -> int:
        if not entries:
            return 0
        groups: dict[tuple[str, str, str, float, float], list[AuditedQuery]] = defaultdict(list)
        for entry in entries:
            key = (entry.dataset, entry.algorithm, entry.matcher, entry.threshold, entry.cutoff)
            groups[key].extend(entry.queries)
        with self._database.session() as session:
            for (dataset, algorithm, matcher, threshold, cutoff), queries in groups.items():
                record_match(
                    session,
                    dataset=dataset,
                    algorithm=algorithm,
                    matcher=matcher,
                    threshold=threshold,
                    cutoff=cutoff,
                    queries=queries,
                )
        return len(entries)
