"""Failed sign-in attempts are throttled per client address (sliding window, in memory)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class Throttle:
    def __init__(
        self, *, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            recent = self._failures[client]
            cutoff = self._clock() - self._window
            while recent and recent[0] < cutoff:
                recent.popleft()
            return len(recent) >= self._limit

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures[client].append(self._clock())
