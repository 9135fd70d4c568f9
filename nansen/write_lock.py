"""SQLite's write transactions taken in turn across worker processes, without its busy handler's naps.

SQLite admits one writer at a time. A writer that finds the lock taken retries through the busy
handler, which sleeps 1, 2, 5, 10, 15, 20, 25... ms between attempts; with two worker processes
writing all the time, most of that sleep is spent while the lock already stands free again, and a
worker that sleeps inside its event loop answers nobody meanwhile. A blocking ``flock`` on a file
beside the database queues the writers in the kernel instead: the waiting one wakes the instant the
other lets go. The operating system releases a dead process's lock. PostgreSQL locks rows and needs
none of this.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from nansen.errors import ConfigurationError


class WriteLock(Protocol):
    def held(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...


class FileWriteLock:
    """An exclusive ``flock`` per write transaction; threads of one process queue on a mutex first
    (``flock`` does not exclude two threads sharing one open file)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._closed = False

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._mutex:
            if self._closed:
                raise ConfigurationError(f"the write lock {self._path} was closed")
            if self._fd is None:
                self._fd = open_own_private(self._path)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def open_own_private(path: Path) -> int:
    """An open file of this user's, created private or made private if it was not; refused if it
    belongs to someone else. A lock file another user could open, they could hold and stall every
    writer; a database file they could read would show them its rows (the state dir may be a
    shared /dev/shm)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        os.close(fd)
        raise ConfigurationError(
            f"the file {path} belongs to another user",
            user_message=f"Remove {path} (it is not this service's own) and start again.",
        )
    if info.st_mode & 0o077:
        os.fchmod(fd, 0o600)
    return fd


class NoWriteLock:
    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        yield

    def close(self) -> None:
        pass


def sqlite_write_lock(database: Path) -> FileWriteLock:
    """The lock every writer of the SQLite file ``database`` takes, in whichever process."""
    return FileWriteLock(database.with_suffix(".writers.lock"))


class FileLease:
    """An exclusive ``flock`` held until released: one process of several does a job (anchoring,
    syncing the chain mirror); the operating system releases a dead holder's lock, so another takes
    over at its next try."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = open_own_private(self._path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
