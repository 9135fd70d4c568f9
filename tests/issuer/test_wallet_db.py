"""The wallet endpoints' database runner: grouped SQLite transactions under the cross-process write lock."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from issuer.db import make_engine
from issuer.wallet_db import WalletDatabase
from nansen.openid4vci.errors import IssuanceProtocolError

ROOT = Path(__file__).resolve().parents[2]

# one process's share of the cross-process test: many increments at once, so they form groups
_INCREMENTS = """
import asyncio, sys
from issuer.db import make_engine
from issuer.wallet_db import WalletDatabase

def increment(db):
    n = db.exec_driver_sql("SELECT n FROM counter").scalar_one()
    db.exec_driver_sql("UPDATE counter SET n = ?", (n + 1,))
    db.exec_driver_sql("INSERT INTO log (tag) VALUES (?)", (f"{sys.argv[2]}-{n}",))

async def main():
    wallet_db = WalletDatabase(make_engine(sys.argv[1]))
    await asyncio.gather(*(wallet_db.run(increment) for _ in range(int(sys.argv[3]))))
    wallet_db.close()

asyncio.run(main())
"""


def _tables(engine: Engine) -> None:
    with engine.begin() as db:
        db.exec_driver_sql("DROP TABLE IF EXISTS counter")
        db.exec_driver_sql("DROP TABLE IF EXISTS log")
        db.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        db.exec_driver_sql("INSERT INTO counter (n) VALUES (0)")
        db.exec_driver_sql("CREATE TABLE log (tag VARCHAR(40) PRIMARY KEY)")


def _tags(engine: Engine) -> set[str]:
    with engine.connect() as db:
        return {row[0] for row in db.exec_driver_sql("SELECT tag FROM log")}


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'issuer.sqlite'}"
    engine = make_engine(url)
    _tables(engine)
    engine.dispose()
    each = 300
    writers = [
        subprocess.Popen([sys.executable, "-c", _INCREMENTS, url, name, str(each)], cwd=ROOT)
        for name in ("a", "b")
    ]
    assert [writer.wait(120) for writer in writers] == [0, 0]
    with engine.connect() as db:
        # a read-modify-write outside one write transaction would lose increments here
        assert db.exec_driver_sql("SELECT n FROM counter").scalar_one() == 2 * each
    assert len(_tags(engine)) == 2 * each


_INSERT = text("INSERT INTO log (tag) VALUES (:tag)")


@pytest.fixture()
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'issuer.sqlite'}")
    _tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issuer.sqlite'}")
    _tables(engine)
    yield engine
    engine.dispose()


def test_one_failing_work_undoes_only_its_own_writes(engine: Engine) -> None:
    wallet_db = WalletDatabase(engine)
    started, gate = threading.Event(), threading.Event()
    connections: list[Connection] = []

    def hold(_db: Connection) -> None:
        started.set()
        gate.wait()

    def write(tag: str, then: Exception | None = None) -> Any:
        def work(db: Connection) -> str:
            connections.append(db)
            db.execute(_INSERT, {"tag": tag})
            if then is not None:
                raise then
            return tag

        return work

    async def scenario() -> list[Any]:
        holding = asyncio.ensure_future(wallet_db.run(hold))
        await asyncio.to_thread(started.wait)
        # queued while the database thread is busy, so on SQLite they run as one group
        works = [
            asyncio.ensure_future(wallet_db.run(work))
            for work in (
                write("kept"),
                write("undone", RuntimeError("broken")),
                write("counted", IssuanceProtocolError("invalid_grant", "The transaction code is wrong.")),
                write("kept too"),
            )
        ]
        await asyncio.sleep(0)
        gate.set()
        await holding
        return await asyncio.gather(*works, return_exceptions=True)

    try:
        kept, undone, refused, kept_too = asyncio.run(scenario())
    finally:
        gate.set()
        wallet_db.close()
    assert (kept, kept_too) == ("kept", "kept too")
    assert isinstance(undone, RuntimeError) and str(undone) == "broken"
    assert isinstance(refused, IssuanceProtocolError) and refused.error == "invalid_grant"
    # a refusal keeps what it wrote (a wrong tx_code is counted); any other error undoes its writes
    assert _tags(engine) == {"kept", "counted", "kept too"}
    if engine.dialect.name == "sqlite":
        assert len({id(db) for db in connections}) == 1, "the four ran in one transaction"


def test_a_clash_spoils_nothing_else(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    wallet_db = WalletDatabase(engine)

    def insert(tag: str) -> Any:
        return lambda db: db.exec_driver_sql("INSERT INTO log (tag) VALUES (?)", (tag,)).rowcount

    async def scenario() -> list[Any]:
        works = [insert("one"), insert("one"), insert("two")]
        return await asyncio.gather(*(wallet_db.run(work) for work in works), return_exceptions=True)

    try:
        first, clash, second = asyncio.run(scenario())
    finally:
        wallet_db.close()
    assert (first, second) == (1, 1)
    assert type(clash).__name__ == "IntegrityError"
    assert _tags(engine) == {"one", "two"}


@pytest.mark.parametrize("limit", [1, 3])
def test_every_queued_work_is_answered_whatever_the_group_size(sqlite_engine: Engine, limit: int) -> None:
    engine = sqlite_engine
    wallet_db = WalletDatabase(engine, group_limit=limit)

    def insert(tag: str) -> Any:
        return lambda db: db.exec_driver_sql("INSERT INTO log (tag) VALUES (?)", (tag,)) and tag

    async def scenario() -> list[str]:
        return await asyncio.gather(*(wallet_db.run(insert(str(n))) for n in range(10)))

    try:
        answers = asyncio.run(scenario())
    finally:
        wallet_db.close()
    assert answers == [str(n) for n in range(10)]
    assert _tags(engine) == {str(n) for n in range(10)}


def test_a_preparation_runs_before_the_write_lock_and_its_failure_fails_only_its_work(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    from test_write_lock import _held_elsewhere

    lock_file = tmp_path / "issuer.writers.lock"
    wallet_db = WalletDatabase(sqlite_engine)
    held: dict[str, bool] = {}

    def prepare(tag: str) -> Any:
        def prepared(reader: Connection) -> Any:
            held[f"prepare {tag}"] = _held_elsewhere(lock_file)
            if tag == "broken":
                raise RuntimeError("could not prepare")
            seen = reader.exec_driver_sql("SELECT n FROM counter").scalar_one()

            def work(db: Connection) -> str:
                held[f"work {tag}"] = _held_elsewhere(lock_file)
                db.execute(_INSERT, {"tag": f"{tag}-{seen}"})
                return tag

            return work

        return prepared

    async def scenario() -> list[Any]:
        return await asyncio.gather(
            *(wallet_db.run_prepared(prepare(tag)) for tag in ("a", "broken", "b")), return_exceptions=True
        )

    try:
        a, broken, b = asyncio.run(scenario())
    finally:
        wallet_db.close()
    assert (a, b) == ("a", "b")
    assert isinstance(broken, RuntimeError) and str(broken) == "could not prepare"
    assert _tags(sqlite_engine) == {"a-0", "b-0"}
    assert held == {
        "prepare a": False,
        "prepare broken": False,
        "prepare b": False,
        "work a": True,
        "work b": True,
    }
