"""The verifier's shared state: every write waits for the cross-process write lock, so workers take
turns in the kernel instead of napping in SQLite's busy handler, and a request is still used once."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from nansen.errors import ConfigurationError
from verifier.store import StateStore

AUDIENCE = "x509_san_dns:verifier.example"


def _request(store: StateStore, request_id: str) -> None:
    store.add_request(
        request_id=request_id,
        kind="online",
        nonce=f"nonce-of-{request_id}",
        audience=AUDIENCE,
        query={},
        purpose="",
        ttl=300,
    )


@contextmanager
def _lock_held_by_another_process_file(database: Path) -> Iterator[None]:
    """The write lock taken through an open file of our own, as another worker would hold it."""
    fd = os.open(database.with_suffix(".writers.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _waits_for_the_lock(database: Path, write: Callable[[], Any]) -> Any:
    """Runs ``write`` while the lock is held elsewhere: it must not finish until the lock is let go."""
    outcome: list[Any] = []
    with _lock_held_by_another_process_file(database):
        worker = threading.Thread(target=lambda: outcome.append(write()))
        worker.start()
        worker.join(0.3)
        assert worker.is_alive(), "the write went ahead while another writer held the lock"
    worker.join(5)
    assert not worker.is_alive()
    return outcome[0]


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


def test_creating_using_and_reading_results_wait_for_the_write_lock(database: Path) -> None:
    store = StateStore(database)
    _waits_for_the_lock(database, lambda: _request(store, "request-2"))
    assert store.get_request("request-2") is not None
    assert _waits_for_the_lock(database, lambda: store.consume("request-2")) is True
    assert store.consume("request-2") is False  # used once
    _waits_for_the_lock(database, lambda: store.put_result("request-2", {"verdict": "valid"}, 60))
    assert _waits_for_the_lock(database, lambda: store.take_result("request-2")) == {"verdict": "valid"}
    assert store.take_result("request-2") is None  # deleted as it was read


def test_two_stores_on_one_database_use_each_request_once(database: Path) -> None:
    """Two workers' stores, many threads: every request is used exactly once, none is lost."""
    first, second = StateStore(database), StateStore(database)
    requests = [f"request-{i}" for i in range(200)]
    for request_id in requests:
        _request(first, request_id)
    wins: list[str] = []
    barrier = threading.Barrier(8)

    def desk(store: StateStore) -> None:
        barrier.wait()
        for request_id in requests:
            if store.consume(request_id):
                wins.append(request_id)

    threads = [threading.Thread(target=desk, args=((first, second)[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(wins) == sorted(requests)


def test_a_refused_write_lets_go_of_the_lock_and_leaves_no_transaction_open(database: Path) -> None:
    store = StateStore(database)
    _request(store, "request-3")
    with pytest.raises(sqlite3.IntegrityError):
        _request(store, "request-3")  # the same id twice
    assert _held_elsewhere(database) is False  # released
    _request(store, "request-4")  # this thread's connection is not stuck inside a transaction
    assert store.get_request("request-4") is not None
    store.close()
    with pytest.raises(ConfigurationError, match="closed"):
        _request(store, "request-5")


def test_a_lock_file_others_may_open_is_made_private(database: Path) -> None:
    lock = database.with_suffix(".writers.lock")
    lock.touch()
    lock.chmod(0o666)  # anyone could hold it and stall every writer
    _request(StateStore(database), "request-6")
    assert lock.stat().st_mode & 0o777 == 0o600
    for state in database.parent.glob(database.name + "*"):  # unread results hold disclosed claims
        assert state.stat().st_mode & 0o077 == 0, state.name


def _held_elsewhere(database: Path) -> bool:
    fd = os.open(database.with_suffix(".writers.lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
