"""Officer API tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes.

The running service notices officers added (``nansen-verifier add-officer``) or removed from
officers.json without a restart: at most once per ``recheck_seconds`` it stats the file, and it
re-reads it only when the file's identity, size or modification time changed. Writers replace the
file atomically, under a lock, so a reader never sees half a file and two writers lose no entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from nansen.errors import ConfigurationError
from verifier.json_file import exclusive, replace

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


def token_digest(token: str) -> str:
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
        return self.officer_by_digest(token_digest(token))

    def add(self, name: str, role: Role = "officer") -> str:
        """Adds an officer and returns the token (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        with exclusive(self._path):
            entries, _ = _read(self._path)
            entries.append({"name": name, "role": role, "token_sha256": token_digest(token)})
            replace(self._path, json.dumps(entries, indent=2) + "\n")
        self.reload()
        return token

    def officer_by_digest(self, digest: str) -> Officer | None:
        """The officer whose token hashes to ``digest`` (a console session keeps only the hash)."""
        self._refresh()
        for known, officer in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return officer
        return None

    def listing(self) -> list[tuple[str, Officer]]:
        """Every officer with a public handle (a prefix of the token's hash, not a secret)."""
        entries, _ = _read(self._path)
        return [(e["token_sha256"][:16], Officer(e["name"], e["role"])) for e in entries]

    def remove(self, handle: str) -> Officer | None:
        """Removes the officer with this handle; returns who it was, or None if there was none."""
        with exclusive(self._path):
            entries, _ = _read(self._path)
            kept = [e for e in entries if e["token_sha256"][:16] != handle]
            if len(kept) == len(entries):
                return None
            gone = next(e for e in entries if e["token_sha256"][:16] == handle)
            replace(self._path, json.dumps(kept, indent=2) + "\n")
        self.reload()
        return Officer(gone["name"], gone["role"])
