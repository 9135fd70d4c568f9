"""Officer API tokens: random 256-bit secrets shown once, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Role = Literal["officer", "admin"]


@dataclass(frozen=True)
class Officer:
    name: str
    role: Role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class OfficerDirectory:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._by_hash: dict[str, Officer] = {}
        self.reload()

    def reload(self) -> None:
        try:
            raw = json.loads(self._path.read_text())
        except FileNotFoundError:
            raw = []
        self._by_hash = {entry["token_sha256"]: Officer(entry["name"], entry["role"]) for entry in raw}

    def authenticate(self, token: str) -> Officer | None:
        digest = _hash(token)
        for known, officer in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return officer
        return None

    def add(self, name: str, role: Role = "officer") -> str:
        """Adds an officer and returns the token (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        try:
            entries = json.loads(self._path.read_text())
        except FileNotFoundError:
            entries = []
        entries.append({"name": name, "role": role, "token_sha256": _hash(token)})
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name(self._path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(entries, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._path)
        self.reload()
        return token
