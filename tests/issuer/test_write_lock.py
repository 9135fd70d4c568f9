"""SQLite's cross-process write lock: exclusive while held, and held by every writer of the hot path."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from issuer_desk import CLAIMS, Office, wallet_receive
from sqlalchemy import Engine, event

from issuer.db import make_engine
from issuer.write_lock import write_lock_for
from nansen.write_lock import FileWriteLock, NoWriteLock


def _held_elsewhere(path: Path) -> bool:
    """Whether some open file (in this process or another) holds the flock on ``path``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this probe took
    return False


def test_the_write_lock_excludes_other_processes_until_released(tmp_path: Path) -> None:
    lock = write_lock_for(make_engine(f"sqlite:///{tmp_path / 'issuer.sqlite'}"))
    assert isinstance(lock, FileWriteLock)
    path = tmp_path / "issuer.writers.lock"
    probe = (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "try: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError: sys.exit(3)"
    )
    with lock.held():
        assert subprocess.run([sys.executable, "-c", probe, str(path)]).returncode == 3
    assert subprocess.run([sys.executable, "-c", probe, str(path)]).returncode == 0
    lock.close()


def test_postgresql_needs_no_write_lock() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert isinstance(write_lock_for(engine), NoWriteLock)


@pytest.mark.chain
@pytest.mark.parametrize("database_url", [""])  # SQLite only: PostgreSQL takes no write lock
def test_every_write_of_wallets_and_pipeline_is_made_under_the_lock(office: Office) -> None:
    engine: Engine = office.client.app.state.issuer.sessions.kw["bind"]  # type: ignore[attr-defined]
    lock_file = office.settings.data_dir / "issuer.writers.lock"
    writes: list[tuple[str, bool]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            thread = threading.current_thread().name
            if thread.startswith(("wallet-db", "anchoring")):
                writes.append((thread, _held_elsewhere(lock_file)))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        made = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
        result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert result["status"] == 200, result
    assert {thread.split("-")[0] for thread, _ in writes} == {"wallet", "anchoring"}
    assert [write for write in writes if not write[1]] == []
