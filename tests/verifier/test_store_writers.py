"""The verifier's shared state: every write waits for the cross-process write lock, so workers take
turns in the kernel instead of napping in SQLite's busy handler, and a nonce is still spent once."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from verifier.store import StateStore

AUDIENCE = "x509_san_dns:verifier.example"


def _challenge(store: StateStore, nonce: str, request_id: str | None = None) -> None:
    store.add_request(
        request_id=request_id or f"id-{nonce}",
        kind="offline",
        nonce=nonce,
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


def test_consuming_a_challenge_waits_for_the_write_lock(database: Path) -> None:
    store = StateStore(database)
    _challenge(store, "n1")
    consumed = _waits_for_the_lock(database, lambda: store.consume_offline(nonce="n1", audience=AUDIENCE))
    assert consumed is not None and consumed.state == "used"
    assert store.consume_offline(nonce="n1", audience=AUDIENCE) is None  # spent once


def test_creating_and_reading_results_wait_for_the_write_lock(database: Path) -> None:
    store = StateStore(database)
    _waits_for_the_lock(database, lambda: _challenge(store, "n2", "request-2"))
    assert store.get_request("request-2") is not None
    assert _waits_for_the_lock(database, lambda: store.consume("request-2")) is True
    _waits_for_the_lock(database, lambda: store.put_result("request-2", {"verdict": "valid"}, 60))
    assert _waits_for_the_lock(database, lambda: store.take_result("request-2")) == {"verdict": "valid"}
    assert store.take_result("request-2") is None  # deleted as it was read


def test_two_stores_on_one_database_spend_each_nonce_once(database: Path) -> None:
    """Two workers' stores, many threads: every nonce is consumed exactly once, none is lost."""
    first, second = StateStore(database), StateStore(database)
    nonces = [f"nonce-{i}" for i in range(200)]
    for nonce in nonces:
        _challenge(first, nonce)
    wins: list[str] = []
    barrier = threading.Barrier(8)

    def desk(store: StateStore) -> None:
        barrier.wait()
        for nonce in nonces:
            if store.consume_offline(nonce=nonce, audience=AUDIENCE) is not None:
                wins.append(nonce)

    threads = [threading.Thread(target=desk, args=((first, second)[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(wins) == sorted(nonces)
