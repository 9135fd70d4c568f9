"""Offline challenges: one empty file per challenge in the RAM-backed state dir, spent by a rename.

The officer's desk hands the holder a nonce, and the presentation made with it may come back to any
worker process. Spending it must happen exactly once across workers, and it happens on every
verification, so it is kept to two system calls: a ``stat`` (was it issued here, and has it expired?
a challenge file's modification time is its expiry) and a ``rename`` into ``spent/``: of fifty
copies arriving at once, exactly one rename still finds the file. The shared SQLite store took
about seventeen system calls for the same (strace: 7 pread, 6 fcntl, 2 flock, 2 pwrite) and a
page-cache reload, since every write by the other worker invalidates each connection's cache.

File names are the SHA-256 of the nonce. Nothing personal is stored, only when a nonce expires.
Challenges, spent or not, are swept an hour after their expiry, at most once a minute.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path

SWEEP_EVERY_SECONDS = 60.0
KEPT_AFTER_EXPIRY_SECONDS = 3600.0  # within the hour a late or replayed nonce is told why, not "unknown"


class Spending(Enum):
    SPENT_NOW = "spent_now"  # this caller spent it: go on and verify
    UNKNOWN = "unknown"  # never issued here (or swept long ago)
    USED = "used"  # spent before
    EXPIRED = "expired"


class OfflineChallenges:
    def __init__(self, directory: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._pending = directory / "pending"
        self._spent = directory / "spent"
        self._clock = clock
        self._swept_at = 0.0
        for folder in (self._pending, self._spent):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def issue(self, nonce: str, ttl: float) -> float:
        """Records a fresh challenge; returns its expiry (seconds since the epoch)."""
        now = self._clock()
        self._sweep(now)
        expires_at = now + ttl
        path = self._pending / _name(nonce)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # a 128-bit nonce is new
        os.utime(path, (expires_at, expires_at))
        return expires_at

    def known(self, nonce: str) -> bool:
        """Whether this nonce was issued here (pending, spent or expired, until swept)."""
        name = _name(nonce)
        return (self._pending / name).exists() or (self._spent / name).exists()

    def spend(self, nonce: str) -> Spending:
        """Spends the challenge if it is pending and unexpired; otherwise says why not."""
        name = _name(nonce)
        pending = self._pending / name
        try:
            expires_at = os.stat(pending).st_mtime
        except FileNotFoundError:
            return Spending.USED if (self._spent / name).exists() else Spending.UNKNOWN
        if expires_at < self._clock():
            return Spending.EXPIRED  # left for the sweep
        try:
            os.rename(pending, self._spent / name)
        except FileNotFoundError:
            return Spending.USED  # another worker's rename came first
        return Spending.SPENT_NOW

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < SWEEP_EVERY_SECONDS:
            return
        self._swept_at = now
        for folder in (self._pending, self._spent):
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.stat().st_mtime < now - KEPT_AFTER_EXPIRY_SECONDS:
                            os.unlink(entry.path)
                    except FileNotFoundError:
                        pass  # spent or swept by another worker meanwhile


def _name(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()
