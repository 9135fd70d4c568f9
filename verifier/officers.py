"""Officer API tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes.

The running service notices officers added (``nansen-verifier add-officer``) or removed from
officers.json without a restart: at most once per ``recheck_seconds`` it stats the file, and it
re-reads it only when the file's identity, size or modification time changed. Writers replace the
file atomically, under a lock, so a reader never sees half a file and two writers lose no entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from nansen.errors import ConfigurationError

Role = Literal["officer", "admin"]
ROLES: tuple[Role, ...] = ("officer", "admin")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger("nansen.verifier")

# (device, inode, size, mtime in ns) of the file read last; None when there was no file
_Signature = tuple[int, int, int, int] | None


@dataclass(frozen=True)
class Officer:
    name: str
    role: Role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _parse(path: Path, raw: bytes) -> list[dict[str, Any]]:
    try:
        entries = json.loads(raw)
        if not isinstance(entries, list):
            raise TypeError("not a list")
        for entry in entries:
            if (
                not isinstance(entry.get("name"), str)
                or entry.get("role") not in ROLES
                or not _SHA256_HEX.fullmatch(str(entry.get("token_sha256")))
            ):
                raise ValueError(f"entry with keys {sorted(entry)} is incomplete or invalid")
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"officers file {path} is malformed: {type(exc).__name__}: {exc}",
            user_message=f"The officers file {path} is damaged. Restore it or add the officers again.",
        ) from exc
    return cast(list[dict[str, Any]], entries)


def _read(path: Path) -> tuple[list[dict[str, Any]], _Signature]:
    """The entries and the signature of the very file they were read from."""
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            raw = handle.read()
    except FileNotFoundError:
        return [], None
    return _parse(path, raw), (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _signature(path: Path) -> _Signature:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class OfficerDirectory:
    def __init__(
        self, path: Path, *, recheck_seconds: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._path = path
        self._recheck = recheck_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._by_hash: dict[str, Officer] = {}
        self._signature: _Signature = None
        self._checked_at = clock()
        self.reload()

    def reload(self) -> None:
        """Reads the file now; raises ConfigurationError when it is malformed."""
        entries, signature = _read(self._path)
        self._by_hash = {e["token_sha256"]: Officer(e["name"], e["role"]) for e in entries}
        self._signature = signature

    def _refresh(self) -> None:
        now = self._clock()
        if now - self._checked_at < self._recheck:
            return
        with self._lock:
            if now - self._checked_at < self._recheck:
                return  # another request checked meanwhile
            self._checked_at = now
            if _signature(self._path) == self._signature:
                return
            try:
                self.reload()
            except ConfigurationError as exc:
                # a hand edit gone wrong: keep the officers we know, say so, retry when it changes again
                log.error("officers file not reloaded, keeping the previous list: %s", exc)
                self._signature = _signature(self._path)

    def authenticate(self, token: str) -> Officer | None:
        self._refresh()
        digest = _hash(token)
        for known, officer in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return officer
        return None

    def add(self, name: str, role: Role = "officer") -> str:
        """Adds an officer and returns the token (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._exclusive():
            entries, _ = _read(self._path)
            entries.append({"name": name, "role": role, "token_sha256": _hash(token)})
            self._replace(json.dumps(entries, indent=2) + "\n")
        self.reload()
        return token

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Serialises writers (several add-officer runs) on a lock file beside officers.json."""
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _replace(self, text: str) -> None:
        """Temp file (mode 0600), fsync, rename over the old file, fsync the folder."""
        directory = self._path.parent
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{self._path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
