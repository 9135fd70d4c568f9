"""The issuer's SQLite database and its -wal/-shm files are readable by the service's user only,
whatever the umask (they hold claims and signed credentials until delivery)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from issuer.db import make_engine, migrate


@pytest.fixture()
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_database_and_wal_files_are_0600(tmp_path: Path) -> None:
    database = tmp_path / "issuer" / "issuer.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    try:
        migrate(engine)
        with engine.begin() as db:
            db.execute(text("INSERT INTO audit_log (at, action, detail) VALUES (0, 'x', '')"))
        with engine.connect() as db:  # a connection is open: the -wal and -shm files exist
            db.execute(text("SELECT count(*) FROM audit_log")).scalar()
            files = [
                database,
                database.with_name("issuer.sqlite-wal"),
                database.with_name("issuer.sqlite-shm"),
            ]
            assert all(f.exists() for f in files)
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        engine.dispose()


@pytest.mark.usefixtures("open_umask")
def test_files_left_readable_by_an_earlier_run_are_made_private(tmp_path: Path) -> None:
    database = tmp_path / "issuer.sqlite"
    for name in ("issuer.sqlite", "issuer.sqlite-wal"):
        (tmp_path / name).touch(mode=0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert _mode(database) == 0o600 and _mode(tmp_path / "issuer.sqlite-wal") == 0o600
