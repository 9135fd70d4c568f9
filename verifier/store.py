"""Short-lived request and result state shared by the service's worker processes.

SQLite in a RAM-backed directory (see settings.state_dir): a request is consumed by one atomic
UPDATE, so of fifty copies of a presentation arriving at once in several workers exactly one gets
through (offline challenges are spent in verifier.offline_challenges). Results, which hold the
disclosed claims, are deleted when read or when they expire.

Every write runs under the database's cross-process write lock (nansen.write_lock): a writer that
met SQLite's own lock would nap a millisecond or more inside its event loop, with every request it
holds waiting behind it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nansen.write_lock import open_own_private, sqlite_write_lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    nonce TEXT NOT NULL UNIQUE,
    audience TEXT NOT NULL,
    query TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_expiry ON requests (expires_at);
CREATE TABLE IF NOT EXISTS response_keys (
    request_id TEXT PRIMARY KEY,
    private_jwk TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    request_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""


_SELECT_REQUEST = (
    "SELECT id, kind, nonce, audience, query, purpose, state, expires_at FROM requests WHERE id = ?"
)


@dataclass(frozen=True)
class StoredRequest:
    id: str
    kind: str
    nonce: str
    audience: str
    query: dict[str, Any]
    purpose: str
    state: str
    expires_at: float


class StateStore:
    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        # private before SQLite opens it: its -wal and -shm files take the database file's mode
        os.close(open_own_private(path))
        self._write_lock = sqlite_write_lock(path)
        with self._writing() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # ephemeral state in RAM: durability is not wanted
            db.execute("PRAGMA secure_delete=ON")
            self._local.db = db
            with self._connections_lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, with the write lock held (one transaction per use)."""
        with self._write_lock.held():
            yield self._connect()

    def close(self) -> None:
        """Closes every thread's connection and the lock file (at shutdown)."""
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._write_lock.close()

    def add_request(
        self,
        *,
        request_id: str,
        kind: str,
        nonce: str,
        audience: str,
        query: dict[str, Any],
        purpose: str,
        ttl: float,
    ) -> StoredRequest:
        now = self._clock()
        with self._writing() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._purge(db, now)
                db.execute(
                    "INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (request_id, kind, nonce, audience, json.dumps(query), purpose, now + ttl),
                )
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return StoredRequest(request_id, kind, nonce, audience, query, purpose, "pending", now + ttl)

    def purge_expired(self) -> None:
        """Deletes expired results (they hold disclosed claims) and long-expired requests."""
        with self._writing() as db:
            self._purge(db, self._clock())

    @staticmethod
    def _purge(db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM requests WHERE expires_at < ?", (now - 3600,))
        db.execute("DELETE FROM results WHERE expires_at < ?", (now,))
        db.execute("DELETE FROM response_keys WHERE expires_at < ?", (now,))

    def get_request(self, request_id: str) -> StoredRequest | None:
        row = (
            self._connect()
            .execute(
                _SELECT_REQUEST,
                (request_id,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return StoredRequest(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])

    def consume(self, request_id: str) -> bool:
        """Marks a pending, unexpired request used; True only for the one caller that did."""
        with self._writing() as db:
            cursor = db.execute(
                "UPDATE requests SET state = 'used' WHERE id = ? AND state = 'pending' AND expires_at >= ?",
                (request_id, self._clock()),
            )
            return cursor.rowcount == 1

    def add_response_key(self, request_id: str, private_jwk: dict[str, str], expires_at: float) -> None:
        """The request's own key for its encrypted response (verifier.response_encryption)."""
        with self._writing() as db:
            db.execute(
                "INSERT INTO response_keys VALUES (?, ?, ?)",
                (request_id, json.dumps(private_jwk), expires_at),
            )

    def response_key(self, request_id: str) -> dict[str, str] | None:
        row = (
            self._connect()
            .execute("SELECT private_jwk FROM response_keys WHERE request_id = ?", (request_id,))
            .fetchone()
        )
        return None if row is None else dict(json.loads(row[0]))

    def forget_response_key(self, request_id: str) -> None:
        """Deleted once the response is in: what it encrypted can never be decrypted again."""
        with self._writing() as db:
            deleted = db.execute("DELETE FROM response_keys WHERE request_id = ?", (request_id,)).rowcount
            if deleted:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL's copy of the page too

    def has_result(self, request_id: str) -> bool:
        """Whether an unexpired result waits for this request (it is not read, so not deleted)."""
        row = (
            self._connect()
            .execute(
                "SELECT 1 FROM results WHERE request_id = ? AND expires_at >= ?", (request_id, self._clock())
            )
            .fetchone()
        )
        return row is not None

    def put_result(self, request_id: str, body: dict[str, Any], ttl: float) -> None:
        with self._writing() as db:
            db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                (request_id, json.dumps(body), self._clock() + ttl),
            )

    def take_result(self, request_id: str) -> dict[str, Any] | None:
        """The result, deleted as it is read (the officer sees it once; nothing personal is kept)."""
        with self._writing() as db:
            row = db.execute(
                "DELETE FROM results WHERE request_id = ? AND expires_at >= ? RETURNING body",
                (request_id, self._clock()),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE requests SET state = 'read' WHERE id = ?", (request_id,))
            # secure_delete zeroes the freed page in the database; the WAL still holds the old page
            # image until a checkpoint, so flush and truncate it now
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return dict(json.loads(row[0]))
