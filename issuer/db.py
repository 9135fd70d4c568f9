"""Engine, migrations (Alembic, run at start-up) and sessions. SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from nansen.write_lock import open_own_private

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 0x4E414E53454E + 1  # beside the anchoring lease's key (issuer/lease.py)


def make_engine(url: str, *, busy_timeout_seconds: float = 30.0) -> Engine:
    """``busy_timeout_seconds``: how long a writer waits for SQLite's lock before the request is
    answered 503 with Retry-After (issuer/problems.py) instead of waiting on."""
    if url.startswith("sqlite:///"):
        _private_sqlite_files(Path(url.removeprefix("sqlite:///")))
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_seconds, "check_same_thread": False},
            pool_size=20,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")  # the outbox must survive a crash
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(
                "PRAGMA secure_delete=ON"
            )  # deleted personal data is overwritten, not left in free pages
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10)


def _private_sqlite_files(path: Path) -> None:
    """The database (claims and signed credentials until delivery) readable by this user only: made
    0600 before SQLite opens it, because SQLite gives its -wal and -shm files the database file's
    mode; any left from an earlier run are made private too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(open_own_private(path))
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.close(open_own_private(companion))


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # workers starting together (`serve --workers N`) migrate one after the other: without
            # this, two create alembic_version at once and one of them dies
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        # every head: migrations written in parallel branches from one parent all apply
        command.upgrade(config, "heads")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
