"""A budget of failed token checks per client and per account, so nobody can guess at will.

Tokens are 256-bit random strings, so guessing one is hopeless; the budget is about the noise
and the load: every wrong token costs a database lookup, and a flood of them from one address
(or aimed at one account from many) is an attack worth slowing down and noticing. After
``limit`` failures within ``window`` seconds the key is refused with 429 and a ``Retry-After``
saying when the oldest of those failures leaves the window (a sliding window: waiting it out is
the backoff; attempts while refused are not checked, so they cannot extend it).

:class:`FailureBudget` keeps the count in memory (one process; tests, the CLI).
:class:`SharedFailureBudget`, what the server uses, also writes every failure to the database
(table ``auth_failures``), so the worker processes of one server (``uvicorn --workers N``) or
several servers on one database share one budget: ``limit`` wrong tokens in all, not per
worker. It reads the shared count only where a database round trip happens anyway (a token
this process does not remember), so a remembered token still costs no query.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Select, delete, func, select

from sanctionwatch.store import Database
from sanctionwatch.users.tables import AuthFailureRow

log = logging.getLogger("sanctionwatch.api")

MAX_KEYS = 50_000
"""Keys remembered at most; beyond it the ones whose failures have all expired are dropped,
and if that is not enough, the oldest."""


class FailureBudget:
    """Failures per key within a sliding window; :meth:`retry_after` says who must wait."""

    def __init__(
        self,
        limit: int = 10,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.limit > 0 and self.window > 0

    def retry_after(self, keys: Iterable[str], shared: bool = True) -> int | None:
        """Whole seconds until every one of ``keys`` is within its budget; None if it is now.

        ``shared`` asks a budget shared between processes to consult the others' failures too
        (this one has only its own)."""
        if not self.enabled:
            return None
        now = self._clock()
        waits = []
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if recent is not None and len(recent) >= self.limit:
                    # Wait until enough old failures leave the window to allow one more try.
                    waits.append(recent[len(recent) - self.limit] + self.window - now)
        if not waits:
            return None
        return max(1, math.ceil(max(waits)))

    def fail(self, keys: Iterable[str]) -> None:
        """Count one failure against each of ``keys``."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._prune(now)
            for key in keys:
                recent = self._recent(key, now) or self._failures.setdefault(
                    key, deque(maxlen=self.limit)
                )
                recent.append(now)
                if len(recent) == self.limit:
                    log.warning(
                        "%s: %d wrong tokens within %g s; refusing its token checks (429) "
                        "until the window has passed",
                        key,
                        self.limit,
                        self.window,
                    )

    def _recent(self, key: str, now: float) -> deque[float] | None:
        recent = self._failures.get(key)
        if recent is None:
            return None
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if not recent:
            del self._failures[key]
            return None
        return recent

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) >= MAX_KEYS:
            del self._failures[next(iter(self._failures))]


class SharedFailureBudget(FailureBudget):
    """A :class:`FailureBudget` whose failures every process on ``database`` counts.

    Each failure is written to ``auth_failures`` (expired rows are deleted as new ones come);
    :meth:`retry_after` adds the failures other processes wrote when asked (``shared``), and
    remembers a refusal it finds there until it ends, so a refused client costs no query.
    Times are wall-clock seconds, the one clock separate processes share.
    """

    def __init__(
        self,
        database: Database,
        limit: int = 10,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(limit, window_seconds, clock)
        self.database = database
        self._refused_until: dict[str, float] = {}

    def retry_after(self, keys: Iterable[str], shared: bool = True) -> int | None:
        keys = list(dict.fromkeys(keys))
        local = super().retry_after(keys)
        if local is not None or not self.enabled:
            return local
        now = self._clock()
        known = self._known_refusal(keys, now)
        if known is not None or not shared:
            return known
        waits = self._shared_waits(keys, now)
        if not waits:
            return None
        with self._lock:
            if len(self._refused_until) >= MAX_KEYS:
                self._refused_until.clear()
            for key, wait in waits.items():
                self._refused_until[key] = now + wait
        return max(1, math.ceil(max(waits.values())))

    def fail(self, keys: Iterable[str]) -> None:
        keys = list(dict.fromkeys(keys))
        super().fail(keys)
        if not self.enabled or not keys:
            return
        now = self._clock()
        with self.database.session() as session:
            session.execute(
                delete(AuthFailureRow).where(AuthFailureRow.failed_at <= now - self.window)
            )
            session.add_all(AuthFailureRow(key=key, failed_at=now) for key in keys)

    def _known_refusal(self, keys: Sequence[str], now: float) -> int | None:
        """Seconds left of a refusal found earlier in the shared count (no query). Only the
        asked keys' ended refusals are dropped here: this runs on every token check."""
        ends = []
        with self._lock:
            for key in keys:
                end = self._refused_until.get(key, 0.0)
                if end <= now:
                    self._refused_until.pop(key, None)
                ends.append(end)
        latest = max(ends, default=0.0)
        return max(1, math.ceil(latest - now)) if latest > now else None

    def _shared_waits(self, keys: Sequence[str], now: float) -> dict[str, float]:
        """Per key past its budget in the shared count: seconds until one more try is allowed."""
        since = now - self.window
        with self.database.session() as session:
            counts = {
                key: int(count) for key, count in session.execute(failure_counts(keys, since))
            }
            spent = [key for key in keys if counts.get(key, 0) >= self.limit]
            waits = {}
            for key in spent:
                # The failure whose leaving the window allows one more try.
                oldest_that_counts = session.scalar(nth_newest_failure(key, since, self.limit))
                if oldest_that_counts is not None:
                    waits[key] = oldest_that_counts + self.window - now
        return waits


def failure_counts(keys: Sequence[str], since: float) -> Select[str, int]:
    """Per key, its failures after ``since`` (index ``ix_auth_failures_key_failed_at``)."""
    return (
        select(AuthFailureRow.key, func.count())
        .where(AuthFailureRow.key.in_(keys), AuthFailureRow.failed_at > since)
        .group_by(AuthFailureRow.key)
    )


def nth_newest_failure(key: str, since: float, n: int) -> Select[float]:
    """The time of ``key``'s ``n``-th newest failure after ``since`` (same index)."""
    return (
        select(AuthFailureRow.failed_at)
        .where(AuthFailureRow.key == key, AuthFailureRow.failed_at > since)
        .order_by(AuthFailureRow.failed_at.desc())
        .offset(n - 1)
        .limit(1)
    )
