"""A budget of failed token checks per client and per account, so nobody can guess at will.

Tokens are 256-bit random strings, so guessing one is hopeless; the budget is about the noise
and the load: every wrong token costs a database lookup, and a flood of them from one address
(or aimed at one account from many) is an attack worth slowing down and noticing. After
``limit`` failures within ``window`` seconds the key is refused with 429 and a ``Retry-After``
saying when the oldest of those failures leaves the window (a sliding window: waiting it out is
the backoff; attempts while refused are not checked, so they cannot extend it).

Kept in memory per server process: a restart forgets, and each worker process has its own
budget (``limit`` per worker at worst), which is enough against guessing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

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

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Whole seconds until every one of ``keys`` is within its budget; None if it is now."""
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
