"""Waiting for credentials to be anchored and signed, without a database query per waiting wallet.

Every waiting credential request registers here. The pipeline of this process announces the ids it
has just finished (thread-safe, immediate); one poll per process catches those finished by a pipeline
in another process (another uvicorn worker holding the anchoring lease), with one query for all
waiters. A wallet whose credential is not ready in time gets a deferred response.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from issuer.models import Credential

_QUERY_CHUNK = 500


class ReadinessWatch:
    def __init__(self, sessions: sessionmaker[Session], *, poll_seconds: float = 0.25) -> None:
        self._sessions = sessions
        self._poll_seconds = poll_seconds
        self._waiters: dict[str, asyncio.Future[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Task[None] | None = None

    async def wait(self, credential_id: str, timeout: float) -> bool:
        """True once the credential is ready (or already delivered), False after ``timeout``."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        future = self._waiters.get(credential_id)
        if future is None:
            future = self._waiters[credential_id] = loop.create_future()
        if self._poller is None or self._poller.done():
            self._poller = loop.create_task(self._poll())
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.pop(credential_id, None)

    def announce(self, credential_ids: Iterable[str]) -> None:
        """Called by the pipeline thread after it committed these credentials as ready."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        ids = list(credential_ids)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(self._resolve, ids)

    def _resolve(self, credential_ids: Iterable[str]) -> None:
        for credential_id in credential_ids:
            future = self._waiters.get(credential_id)
            if future is not None and not future.done():
                future.set_result(None)

    async def _poll(self) -> None:
        while self._waiters:
            await asyncio.sleep(self._poll_seconds)
            waiting = [cid for cid, future in self._waiters.items() if not future.done()]
            if waiting:
                self._resolve(await asyncio.to_thread(self._ready_among, waiting))

    def _ready_among(self, credential_ids: list[str]) -> list[str]:
        ready: list[str] = []
        with self._sessions() as session:
            for start in range(0, len(credential_ids), _QUERY_CHUNK):
                chunk = credential_ids[start : start + _QUERY_CHUNK]
                ready.extend(
                    session.scalars(
                        select(Credential.id).where(
                            Credential.id.in_(chunk), Credential.state.in_(("ready", "delivered"))
                        )
                    )
                )
        return ready
