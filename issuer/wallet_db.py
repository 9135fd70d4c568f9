"""The wallet endpoints' database work: short transactions on Core connections, off the event loop.

A wallet's token, credential request and delivery are each one short transaction. Run through the
framework's shared thread pool with an ORM session, each cost more in thread hand-offs and session
bookkeeping than in SQL; and on SQLite, dozens of threads of one process queued for the single
write lock inside SQLite's busy handler, which sleeps in growing steps while the lock stands free.
Here SQLite's work goes through one thread per process, in arrival order (it is serial in SQLite
anyway), and PostgreSQL's through a few. Every transaction still commits before its answer is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
_POSTGRES_THREADS = 8  # below the engine's pool of 10, leaving room for staff routes and the pipeline


class WalletDatabase:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        threads = 1 if engine.dialect.name == "sqlite" else _POSTGRES_THREADS
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="wallet-db")

    async def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)`` on a database thread; ``work`` commits what it keeps."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._connected, work)

    def _connected(self, work: Callable[[Connection], T]) -> T:
        with self._engine.connect() as connection:
            return work(connection)  # closing rolls back whatever was not committed

    def close(self) -> None:
        self._executor.shutdown(wait=True)
