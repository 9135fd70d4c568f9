"""The files through which the workers of one verifier instance share one sync of the chain.

Every worker process (`nansen-verifier serve --workers N`) keeps a mirror in memory, but only the
one holding an exclusive ``flock`` on ``DATA_DIR/mirror-<instance>.lock`` syncs from the chain; the
operating system releases a dead process's lock and the next worker to try takes over. The leader
writes the snapshot (``mirror-<instance>.snapshot``) after syncs that changed the records, at most
every ``snapshot_interval`` seconds and at a clean shutdown, and after every sync a small heartbeat
(``mirror-<instance>.sync.json``): the state id, block, hash and time, when it synced, and its
problem if any. The others never call the chain. Each tick they reload the snapshot when it changed
(inode, size or modification time) and take the heartbeat's block and sync time only while its state
id is the one they hold, since only then are their records the leader's. A stuck or dead leader stops
the heartbeat, so the others go stale and answer "unknown" like it would.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from nansen.chain.deployment import Deployment
from nansen.chain.mirror import ChainMirror, MirrorState
from nansen.chain.mirror_snapshot import read_snapshot, snapshot_path, write_snapshot
from nansen.write_lock import FileLease


@dataclass(frozen=True)
class Heartbeat:
    state_id: str
    block: int
    block_hash: str
    block_time: int
    synced_at: float
    reason: str | None  # the leader's problem (our own codes and words, never the node's)
    detail: str | None


class SharedMirrorFiles:
    def __init__(
        self,
        data_dir: Path,
        instance: str,
        *,
        snapshot_interval: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.snapshot = snapshot_path(data_dir, instance)
        self._heartbeat_path = data_dir / f"mirror-{instance}.sync.json"
        self._interval = snapshot_interval
        self._clock = clock
        self._lease = FileLease(data_dir / f"mirror-{instance}.lock")
        self._seen: tuple[int, int, int] | None = None  # the snapshot file last read or written
        self._written_state: str | None = None
        self._written_at = 0.0

    # -- leadership --------------------------------------------------------------------------
    def lead(self) -> bool:
        """True while this process holds the instance's sync lock (taken if free)."""
        if not self._lease.held:
            self.snapshot.parent.mkdir(parents=True, exist_ok=True)
        return self._lease.try_acquire()

    @property
    def leading(self) -> bool:
        return self._lease.held

    def release(self) -> None:
        self._lease.release()

    # -- the snapshot --------------------------------------------------------------------------
    def _identity(self) -> tuple[int, int, int] | None:
        try:
            info = self.snapshot.stat()
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    def changed(self) -> bool:
        """True when the snapshot file is not the one this process last read or wrote."""
        identity = self._identity()
        return identity is not None and identity != self._seen

    def load(self, deployment: Deployment) -> MirrorState | None:
        """The snapshot's state (SnapshotError leaves if unusable), None if there is none."""
        identity = self._identity()
        if identity is None:
            return None
        self._seen = identity  # taken before reading: a file replaced meanwhile is read again next time
        state = read_snapshot(self.snapshot, deployment)
        self._written_state = state.state_id
        return state

    def save(self, mirror: ChainMirror, *, force: bool = False, every: float | None = None) -> bool:
        """Writes the leader's snapshot when its records changed and ``every`` seconds (the snapshot
        interval by default) have passed. A snapshot taken in the middle of a catch-up keeps the
        sync time of the last complete sync: it is never fresher than that."""
        state = mirror.state()
        due = self._clock() - self._written_at >= (self._interval if every is None else every)
        if state.block_hash is None or not (force or (due and state.state_id != self._written_state)):
            return False
        write_snapshot(self.snapshot, state, mirror.deployment)
        self._seen, self._written_state, self._written_at = self._identity(), state.state_id, self._clock()
        return True

    # -- the heartbeat -------------------------------------------------------------------------
    def beat(self, mirror: ChainMirror, reason: str | None, detail: str | None) -> None:
        state = mirror.state()
        if state.block_hash is None:
            return
        beat = Heartbeat(
            state.state_id, state.block, state.block_hash, state.block_time, state.synced_at, reason, detail
        )
        tmp = self._heartbeat_path.with_name(f".{self._heartbeat_path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(
            fd, "w", encoding="utf-8"
        ) as handle:  # no fsync: lost at a crash, it only looks staler
            json.dump(asdict(beat), handle)
        os.replace(tmp, self._heartbeat_path)

    def heartbeat(self) -> Heartbeat | None:
        try:
            raw = json.loads(self._heartbeat_path.read_text(encoding="utf-8"))
            return Heartbeat(
                str(raw["state_id"]),
                int(raw["block"]),
                str(raw["block_hash"]),
                int(raw["block_time"]),
                float(raw["synced_at"]),
                None if raw["reason"] is None else str(raw["reason"]),
                None if raw["detail"] is None else str(raw["detail"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none yet, or being replaced: the next tick reads it
