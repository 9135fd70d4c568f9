"""One anchoring pipeline per database, however many worker processes serve HTTP.

Two pipelines cutting batches from the same outbox would race; the one that holds the lease anchors
and signs, the others only serve requests and take over when the holder dies (the operating system
releases a dead process's lock; PostgreSQL releases a dead session's advisory lock).
SQLite: an exclusive ``flock`` on a file beside the database. PostgreSQL: a session advisory lock.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text

from nansen.write_lock import FileLease

_ADVISORY_KEY = 0x4E414E53454E  # "NANSEN"


class Lease(Protocol):
    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLease:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self._connection is not None:
            return True
        connection = self._engine.connect()
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}):
            connection.commit()
            self._connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a broken connection has released the lock already
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
            self._connection.close()
            self._connection = None


def lease_for(engine: Engine) -> Lease:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database:
        return FileLease(Path(database).with_suffix(".anchoring.lock"))
    return AdvisoryLease(engine)
