"""Status indices drawn at random without reuse (herd privacy: an index says nothing about when
or to whom a credential was issued)."""

from __future__ import annotations

import secrets
from typing import Protocol

from nansen.errors import ConfigurationError
from nansen.status.errors import StatusListFullError

MIN_LIST_SIZE = 131_072
RANDOM_TRIES = 64


class IndexStore(Protocol):
    def is_used(self, index: int) -> bool: ...

    def mark_used(self, index: int) -> bool:
        """Marks ``index`` used; False if it already was (a concurrent claim won)."""
        ...

    def used_count(self) -> int: ...


class RandomBelow(Protocol):
    def randbelow(self, exclusive_upper_bound: int) -> int: ...


class InMemoryIndexStore:
    def __init__(self) -> None:
        self._used: set[int] = set()

    def is_used(self, index: int) -> bool:
        return index in self._used

    def mark_used(self, index: int) -> bool:
        if index in self._used:
            return False
        self._used.add(index)
        return True

    def used_count(self) -> int:
        return len(self._used)


class IndexAllocator:
    def __init__(
        self, store: IndexStore, *, size: int = MIN_LIST_SIZE, random: RandomBelow = secrets
    ) -> None:
        if size < MIN_LIST_SIZE:
            raise ConfigurationError(f"a status list needs at least {MIN_LIST_SIZE} entries for herd privacy")
        self._store = store
        self._size = size
        self._random = random

    def allocate(self) -> int:
        if self._store.used_count() >= self._size:
            raise StatusListFullError(f"all {self._size} status indices are in use")
        for _ in range(RANDOM_TRIES):
            candidate = self._random.randbelow(self._size)
            if not self._store.is_used(candidate) and self._store.mark_used(candidate):
                return candidate
        # nearly full: scan from a random start so the cost stays bounded and the pick unpredictable
        start = self._random.randbelow(self._size)
        for offset in range(self._size):
            candidate = (start + offset) % self._size
            if not self._store.is_used(candidate) and self._store.mark_used(candidate):
                return candidate
        raise StatusListFullError(f"all {self._size} status indices are in use")
