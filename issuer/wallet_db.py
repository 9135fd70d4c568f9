"""The wallet endpoints' database work: short transactions on Core connections, off the event loop.

A wallet's token, credential request and delivery are each one short piece of work. Run through the
framework's shared thread pool with an ORM session, each cost more in thread hand-offs and session
bookkeeping than in SQL; and on SQLite, dozens of threads of one process queued for the single
write lock inside SQLite's busy handler, which sleeps in growing steps while the lock stands free.

SQLite (serial for writers anyway): one thread per process runs whatever work has queued meanwhile
as one group, in one write transaction taken under the cross-process write lock (issuer/write_lock.py)
and committed once; each piece of work runs inside its own savepoint, so one that fails undoes only
its own writes. PostgreSQL: a few threads, one transaction per piece of work.
Either way every piece of work is committed before its answer is sent.
Work may come with a preparation (``run_prepared``): CPU-heavy and read-only, it runs before the
write lock is taken, on a connection that only reads, so the other processes' writers need not wait
for it.

A refusal (IssuanceProtocolError) keeps what its work wrote before it: a wrong tx_code is counted
though the request fails. Any other error undoes the work's writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

from issuer.write_lock import write_lock_for
from nansen.openid4vci.errors import IssuanceProtocolError

T = TypeVar("T")
_POSTGRES_THREADS = 8  # below the engine's pool of 10, leaving room for staff routes and the pipeline
GROUP_LIMIT = 32  # pieces of work per SQLite transaction; more only lengthens the first one's wait


@dataclass(frozen=True, slots=True)
class _Work(Generic[T]):
    run: Callable[[Connection], T] | None
    prepare: Callable[[Connection], Callable[[Connection], T]] | None
    future: asyncio.Future[T]
    loop: asyncio.AbstractEventLoop

    def settle(self, value: Any, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            self.loop.call_soon_threadsafe(_settle, self.future, value, error)


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():  # the waiting request was cancelled
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


class WalletDatabase:
    def __init__(self, engine: Engine, *, group_limit: int = GROUP_LIMIT) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._write_lock = write_lock_for(engine)
        self._group_limit = group_limit if self._sqlite else 1
        self._queue: queue.SimpleQueue[_Work[Any] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._serve, name=f"wallet-db-{i}", daemon=True)
            for i in range(1 if self._sqlite else _POSTGRES_THREADS)
        ]
        for thread in self._threads:
            thread.start()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` on a database thread, committed before this returns (see above)."""
        return await self._queued(work, None)

    async def run_prepared(self, prepare: Callable[[Connection], Callable[[Connection], T]]) -> T:
        """As ``run`` for the work ``prepare(reader)`` returns; ``prepare`` runs first, outside the
        write lock and any write transaction, and should only read: it decides nothing, and a failure
        in it fails the work."""
        return await self._queued(None, prepare)

    async def _queued(
        self,
        work: Callable[[Connection], T] | None,
        prepare: Callable[[Connection], Callable[[Connection], T]] | None,
    ) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Work(work, prepare, future, loop))
        return await future

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._write_lock.close()

    def _serve(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < self._group_limit:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                group.append(more)
            self._run_group(group)

    def _run_group(self, group: list[_Work[Any]]) -> None:
        runs = self._prepared(group)
        for work, failed in zip(group, runs, strict=True):
            if isinstance(failed, BaseException):
                work.settle(None, failed)
        ready = [
            (work, run) for work, run in zip(group, runs, strict=True) if not isinstance(run, BaseException)
        ]
        if not ready:
            return
        try:
            with self._write_lock.held(), self._engine.connect() as connection:
                if self._sqlite:  # the write lock now, not at the first write (no busy handler later)
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                outcomes = [_attempt(connection, run, savepoint=len(ready) > 1) for _, run in ready]
                connection.commit()
        except Exception as exc:  # the transaction itself failed: so did all its work
            outcomes = [(None, exc)] * len(ready)
        for (work, _), (value, error) in zip(ready, outcomes, strict=True):
            work.settle(value, error)

    def _prepared(self, group: list[_Work[Any]]) -> list[Callable[[Connection], Any] | BaseException]:
        """Each work's run, its preparation (if any) done first: before the write lock, reading only."""
        if all(work.prepare is None for work in group):
            return [_run_of(work, None) for work in group]
        runs: list[Callable[[Connection], Any] | BaseException] = []
        try:
            with self._engine.connect() as reader:
                for work in group:
                    try:
                        runs.append(_run_of(work, reader))
                    except Exception as exc:
                        runs.append(exc)
                reader.rollback()
        except Exception as exc:  # no connection to read on: the prepared work fails
            return [exc if work.prepare is not None else _run_of(work, None) for work in group]
        return runs


def _run_of(work: _Work[Any], reader: Connection | None) -> Callable[[Connection], Any]:
    if work.prepare is None:
        assert work.run is not None
        return work.run
    assert reader is not None
    return work.prepare(reader)


def _attempt(
    connection: Connection, run: Callable[[Connection], Any], *, savepoint: bool
) -> tuple[Any, BaseException | None]:
    """One piece of work of a group; alone in its transaction it needs no savepoint (it fails it).
    The savepoint goes straight to the driver: SQLAlchemy compiles its savepoint statements anew each
    time, which cost more than the work's own SQL."""
    if not savepoint:
        try:
            return run(connection), None
        except IssuanceProtocolError as refusal:  # a refusal keeps what it counted
            return None, refusal
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("SAVEPOINT work")
    try:
        value = run(connection)
    except IssuanceProtocolError as refusal:
        driver.execute("RELEASE work")  # a refusal keeps what it counted
        return None, refusal
    except Exception as exc:
        driver.execute("ROLLBACK TO work")
        driver.execute("RELEASE work")
        return None, exc
    driver.execute("RELEASE work")
    return value, None
