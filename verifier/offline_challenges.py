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

import contextlib
import hashlib
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from nansen.errors import ConfigurationError

log = logging.getLogger("nansen.verifier")

SWEEP_EVERY_SECONDS = 60.0
KEPT_AFTER_EXPIRY_SECONDS = 3600.0  # within the hour a late or replayed nonce is told why, not "unknown"


class Spending(Enum):
    SPENT_NOW = "spent_now"  # this caller spent it: go on and verify
    UNKNOWN = "unknown"  # never issued here (or swept long ago)
    USED = "used"  # spent before
    EXPIRED = "expired"


class OfflineChallenges:
    def __init__(
        self, directory: Path, *, clock: Callable[[], float] = time.time, sweep_in_background: bool = True
    ) -> None:
        self._directory = directory
        self._pending = directory / "pending"
        self._spent = directory / "spent"
        self._clock = clock
        self._swept_at = 0.0
        self._sweeping = threading.Lock()
        self._sweep_in_background = sweep_in_background
        self._make_folders()

    def issue(self, nonce: str, ttl: float) -> float:
        """Records a fresh challenge; returns its expiry (seconds since the epoch)."""
        now = self._clock()
        self._sweep_if_due(now)
        expires_at = now + ttl
        try:
            self._create(_name(nonce), expires_at)
        except FileNotFoundError:  # the folders were removed under us (a temp-dir cleaner)
            self._make_folders()
            self._create(_name(nonce), expires_at)
        return expires_at

    def _create(self, name: str, expires_at: float) -> None:
        """The challenge file appears with its expiry already set (made under a dot name, which the
        sweep passes over, then linked into place), so a sweep never mistakes it for an old one."""
        draft = self._pending / f".{name}.{os.getpid()}.{threading.get_ident()}"
        os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
        try:
            os.utime(draft, (expires_at, expires_at))
            os.link(draft, self._pending / name)  # refuses a name already there: a nonce is new
        finally:
            os.unlink(draft)

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
            if pending.exists() and not self._spent.is_dir():  # spent/ was removed under us
                self._make_folders()
                return self.spend(nonce)
            return Spending.USED  # another worker's rename came first
        return Spending.SPENT_NOW

    def _make_folders(self) -> None:
        """Creates the folders, private to this user (and makes ours private if they were not);
        refuses ones that belong to someone else, who could put a spent nonce back or plant one."""
        for folder in (self._directory, self._pending, self._spent):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                raise ConfigurationError(
                    f"offline challenge folder {folder} is not a folder of this user",
                    user_message=f"Remove {folder} (it is not this service's own) and start again.",
                )
            if info.st_mode & 0o077:
                folder.chmod(0o700)

    def _sweep_if_due(self, now: float) -> None:
        if now - self._swept_at < SWEEP_EVERY_SECONDS or not self._sweeping.acquire(blocking=False):
            return
        self._swept_at = now
        if not self._sweep_in_background:
            self._sweep(now)
            return
        # in the background: with many challenges a sweep takes a while, and the officer waits
        threading.Thread(target=self._sweep, args=(now,), name="offline-challenge-sweep", daemon=True).start()

    def _sweep(self, now: float) -> None:
        try:
            for folder in (self._pending, self._spent):
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.name.startswith("."):
                            continue  # a challenge being made
                        with contextlib.suppress(OSError):  # spent or swept meanwhile, or not ours
                            if entry.stat(follow_symlinks=False).st_mtime < now - KEPT_AFTER_EXPIRY_SECONDS:
                                os.unlink(entry.path)
        except OSError:
            log.warning("sweeping offline challenges failed; retried in a minute")
        finally:
            self._sweeping.release()


def _name(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()
