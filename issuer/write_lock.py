"""Which write lock an engine's writers take (nansen.write_lock explains why SQLite needs one)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from nansen.write_lock import NoWriteLock, WriteLock, sqlite_write_lock


def write_lock_for(engine: Engine) -> WriteLock:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return sqlite_write_lock(Path(database))
    return NoWriteLock()
