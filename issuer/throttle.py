"""Failed sign-ins are throttled so that a guesser is slowed without locking out the colleagues who
share its address (sliding windows, in memory, per process).

Staff sign in with a random 256-bit token: guessing one outright is hopeless, but a token partly
seen (over a shoulder, in a truncated log or screenshot) can be completed by trying the rest. So the
tight limit is per presented-token prefix: after ``PREFIX_LIMIT`` failures in a window, tokens with
that prefix are refused unchecked until the window passes; a colleague's own, different token is not
affected. Where an account is named (the console's sign-in form may name one), it gets the same tight
limit. The client address has a ceiling too, for a flood of wild guesses, but set high enough that a
field office behind one NAT, whose staff mistype now and then, never reaches it (``ADDRESS_LIMIT``).
A correct token is checked like any other unless one of its keys is over its limit.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable

PREFIX_CHARS = 8  # of a 43-character token: 48 bits, so colleagues' tokens practically never share one
PREFIX_LIMIT = 5
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 100  # failures per window from one address: far more than an office mistypes
_MAX_KEYS = 100_000  # forgetting the oldest beyond this bounds the memory a flood of guesses can take


class Throttle:
    def __init__(
        self,
        *,
        window: float = 60.0,
        prefix_limit: int = PREFIX_LIMIT,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._window = window
        self._limits = {"token": prefix_limit, "account": account_limit, "address": address_limit}
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str, token: str | None = None, account: str | None = None) -> bool:
        """Whether a sign-in from ``client`` presenting ``token`` (for ``account``) is refused unchecked."""
        with self._lock:
            cutoff = self._clock() - self._window
            for key in _keys(client, token, account):
                recent = self._failures.get(key)
                if recent is None:
                    continue
                while recent and recent[0] < cutoff:
                    recent.popleft()
                if not recent:
                    del self._failures[key]
                elif len(recent) >= self._limits[key[0]]:
                    return True
            return False

    def failed(self, client: str, token: str | None = None, account: str | None = None) -> None:
        with self._lock:
            now = self._clock()
            for key in _keys(client, token, account):
                self._failures.setdefault(key, deque()).append(now)
                self._failures[key] = self._failures.pop(key)  # most recently failed last
            while len(self._failures) > _MAX_KEYS:
                del self._failures[next(iter(self._failures))]


def _keys(client: str, token: str | None, account: str | None) -> list[tuple[str, str]]:
    keys = [("address", client)]
    if token:
        # a digest of the prefix is kept, not its characters
        prefix = token.strip()[:PREFIX_CHARS]
        keys.append(("token", hashlib.sha256(prefix.encode()).hexdigest()))
    if account:
        keys.append(("account", account.strip().casefold()))
    return keys
