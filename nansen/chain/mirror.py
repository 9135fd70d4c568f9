"""The chain mirror: registry state rebuilt from contract events, read with zero RPC calls.

A verifier must not call the chain per request. The mirror follows the chain head (minus a
confirmation depth, for reorgs) with ``eth_getLogs`` and keeps issuers, keys, anchored batches and
status words in memory. It knows which block it is synced to and when it last heard from the chain,
so a caller can refuse to say "valid" once that is older than its bound.

Each range of logs is checked (nansen.chain.mirror_logs) and then checked against the state it
would change before any of it is applied, so a sync that fails leaves the mirror at the last block
it fully applied. A mirror can start from a snapshot (nansen.chain.mirror_snapshot) and catch up
from its block: the first sync checks that the block's hash is still the chain's, and rebuilds from
the deployment block if not (a reorg deeper than the confirmation depth, or a reset chain).

For timing a cold sync, a catch-up or a snapshot load (bench/):

    conn = connect(rpc_url, expected_chain_id=deployment.chain_id)
    mirror = ChainMirror(conn, deployment, log_range_blocks=10_000)
    mirror.sync()                                   # cold sync; mirror.rpc_calls counts requests
    write_snapshot(path, mirror.state())            # nansen.chain.mirror_snapshot
    loaded = ChainMirror(conn, deployment)
    loaded.restore(read_snapshot(path, deployment))  # snapshot load
    loaded.sync()                                   # catch-up from the snapshot's block
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from nansen.chain.connection import Connection
from nansen.chain.deployment import Deployment
from nansen.chain.events import DecodedEvent
from nansen.chain.mirror_logs import LogReader, check_consistent
from nansen.chain.records import BatchRecord, CredentialStatus, IssuerRecord, SigningKeyRecord
from nansen.errors import ChainError

log = logging.getLogger("nansen.chain.mirror")

ENTRIES_PER_WORD = 128
LIST_SIZE = 1 << 20  # CredentialRegistry.STATUS_LIST_SIZE: the contract refuses indices beyond it
LIST_BYTES = LIST_SIZE // 4  # a whole list in memory: 256 KiB an issuer, read without any lookup
MAX_LOG_RANGE_BLOCKS = 1_000_000
_STATUS_OF_BITS = {status.value: status for status in CredentialStatus}  # Enum calls cost ~0.6 us


@dataclass(frozen=True)
class Freshness:
    block_number: int
    block_time: int
    synced_at: float  # wall-clock seconds of the last successful sync; 0 if never
    age: float  # seconds since then

    def within(self, max_age: float) -> bool:
        return self.synced_at > 0 and self.age <= max_age


@dataclass
class MirrorState:
    """Everything a mirror knows; what a snapshot holds. ``state_id`` changes with the records."""

    governance: str
    issuers: dict[str, IssuerRecord]
    issuer_ids: dict[str, str]
    keys: dict[tuple[str, bytes], SigningKeyRecord]
    batches: dict[bytes, BatchRecord]
    lists: dict[str, bytearray]  # issuer -> its whole status list, 2 bits per entry (LIST_BYTES)
    block: int
    block_hash: str | None
    block_time: int
    synced_at: float
    state_id: str


def new_state_id() -> str:
    return os.urandom(8).hex()


class ChainMirror:
    def __init__(
        self,
        connection: Connection | None,
        deployment: Deployment,
        *,
        confirmations: int = 0,
        log_range_blocks: int = 10_000,
        max_log_range_blocks: int = MAX_LOG_RANGE_BLOCKS,
        max_log_results: int = 1_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._deployment = deployment
        self._confirmations = confirmations
        self._span, self._max_span, self._max_results = (
            log_range_blocks,
            max_log_range_blocks,
            max_log_results,
        )
        self._clock = clock
        self._sync_lock = threading.Lock()
        self._head, self._head_moved_at = -1, clock()
        self._calls = 0
        self._conn: Connection | None = None
        self._reader: LogReader | None = None
        if connection is not None:
            self.attach(connection)
        self._reset()

    def attach(self, connection: Connection) -> None:
        """The node to sync from (a mirror restored from a snapshot may start without one)."""
        self._conn = connection
        self._reader = LogReader(
            self._rpc,
            self._rpc_batch,
            (self._deployment.issuer_registry, self._deployment.credential_registry),
            rpc_url=connection.rpc_url,
            span=self._span,
            max_span=self._max_span,
            max_results=self._max_results,
        )

    def _reset(self) -> None:
        self._issuers: dict[str, IssuerRecord] = {}
        self._governance = self._deployment.governance  # replaced by each GovernanceTransferred
        self._issuer_ids: dict[str, str] = {}
        self._keys: dict[tuple[str, bytes], SigningKeyRecord] = {}
        self._batches: dict[bytes, BatchRecord] = {}
        self._lists: dict[str, bytearray] = {}
        self._block = self._deployment.block_number - 1
        self._block_hash: str | None = None
        self._block_time = 0
        self._synced_at = 0.0
        self.state_id = new_state_id()

    # -- reads: no RPC -----------------------------------------------------------------------
    @property
    def chain_id(self) -> int:
        return self._deployment.chain_id

    @property
    def credential_registry(self) -> str:
        return self._deployment.credential_registry

    @property
    def deployment(self) -> Deployment:
        return self._deployment

    @property
    def connected(self) -> bool:
        return self._conn is not None

    @property
    def rpc_calls(self) -> int:
        return self._calls

    def issuer_by_id(self, issuer_id: str) -> IssuerRecord | None:
        address = self._issuer_ids.get(issuer_id)
        return self._issuers.get(address) if address else None

    def issuer(self, address: str) -> IssuerRecord | None:
        return self._issuers.get(address)

    def signing_key(self, issuer: str, kid: bytes) -> SigningKeyRecord | None:
        return self._keys.get((issuer, kid))

    def batch(self, root: bytes) -> BatchRecord | None:
        return self._batches.get(root)

    def status(self, issuer: str, index: int) -> CredentialStatus:
        entries = self._lists.get(issuer)
        # entry i is bits 2(i%4)..+1 of byte i//4: each 32-byte word little-endian, as on chain
        bits = (entries[index >> 2] >> ((index & 3) << 1)) & 0b11 if entries and 0 <= index < LIST_SIZE else 0
        status = _STATUS_OF_BITS.get(bits)
        return CredentialStatus(bits) if status is None else status  # VALID is 0: no `or`

    def status_words(self, issuer: str) -> dict[int, int]:
        """The issuer's non-zero status words, as the contract holds them."""
        entries = self._lists.get(issuer, b"")
        words = (int.from_bytes(entries[i : i + 32], "little") for i in range(0, len(entries), 32))
        return {index: word for index, word in enumerate(words) if word}

    def unconfirmed(self) -> tuple[int, float]:
        """Blocks past the mirror held back for confirmations, and seconds since the head moved."""
        return max(0, self._head - self._block), self._clock() - self._head_moved_at

    def freshness(self) -> Freshness:
        age = self._clock() - self._synced_at if self._synced_at else float("inf")
        return Freshness(self._block, self._block_time, self._synced_at, age)

    # -- state in and out (snapshots, workers sharing one sync) --------------------------------
    def state(self) -> MirrorState:
        """The current state; its dicts are the mirror's own: serialise it before the next sync."""
        return MirrorState(
            self._governance, self._issuers, self._issuer_ids, self._keys, self._batches, self._lists,
            self._block, self._block_hash, self._block_time, self._synced_at, self.state_id,
        )  # fmt: skip

    def restore(self, state: MirrorState) -> None:
        """Takes over a state read from a snapshot (checked against the deployment by its reader)."""
        with self._sync_lock:
            self._governance, self._issuers, self._issuer_ids = (
                state.governance,
                state.issuers,
                state.issuer_ids,
            )
            self._keys, self._batches, self._lists = state.keys, state.batches, state.lists
            self._block, self._block_hash, self._block_time = state.block, state.block_hash, state.block_time
            self._synced_at, self.state_id = state.synced_at, state.state_id

    def confirm(self, state_id: str, block: int, block_hash: str, block_time: int, synced_at: float) -> bool:
        """Another process synced the same records further: takes its block and sync time if
        ``state_id`` is this mirror's (the records are then the same), else changes nothing."""
        with self._sync_lock:
            if state_id != self.state_id or block < self._block:
                return False
            self._block, self._block_hash, self._block_time = block, block_hash, block_time
            self._synced_at = max(self._synced_at, synced_at)
            return True

    # -- sync ----------------------------------------------------------------------------------
    def _rpc(self, method: str, params: list[Any]) -> Any:
        assert self._conn is not None  # only sync calls it, after _connection()
        self._calls += 1
        return self._conn.rpc(method, params)

    def _rpc_batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        assert self._conn is not None
        self._calls += len(calls)
        return self._conn.rpc_batch(calls)

    def sync(self, progress: Callable[[], None] | None = None) -> int:
        """Catches up to the confirmed head; returns how many events it applied. ``progress`` is
        called after each range is applied (a long catch-up can be saved as it goes)."""
        with self._sync_lock:
            if self._reader is None:
                raise ChainError("the mirror has no chain connection to sync from")
            if self._block_hash is not None:
                current = self._rpc("eth_getBlockByNumber", [hex(self._block), False])
                if not isinstance(current, dict) or current.get("hash") != self._block_hash:
                    log.warning(
                        "chain mirror: block %d is no longer the one mirrored (a reorg deeper than the "
                        "confirmation depth, or a reset chain): rebuilding from the deployment block",
                        self._block,
                    )
                    self._reset()
            head = int(self._rpc("eth_blockNumber", []), 16)
            if head != self._head:
                self._head, self._head_moved_at = head, self._clock()
            target = head - self._confirmations
            applied = 0
            while self._block < target:
                checked = self._reader.read(self._block + 1, target)
                check_consistent(
                    checked,
                    self._issuers.keys(),
                    self._keys.keys(),
                    self._batches.keys(),
                    max_words=LIST_SIZE // ENTRIES_PER_WORD,
                )
                if checked.events:
                    self.state_id = new_state_id()
                for event in checked.events:
                    self._block_time = checked.times[event.block_number]  # accredited_at: its block's time
                    self._apply(event)
                applied += len(checked.events)
                self._block, self._block_hash = checked.last, checked.block_hash
                self._block_time = checked.block_time
                if progress is not None:
                    progress()
            self._synced_at = self._clock()
            return applied

    def _apply(self, event: DecodedEvent) -> None:
        handler = getattr(self, f"_on_{event.name}", None)
        if handler is not None:
            handler(event.args)

    def _on_IssuerAccredited(self, args: dict[str, Any]) -> None:
        address = args["issuer"]
        self._issuers[address] = IssuerRecord(
            address, args["name"], args["issuerId"], self._block_time, True, False, self._governance
        )
        self._issuer_ids[args["issuerId"]] = address

    def _on_GovernanceTransferred(self, args: dict[str, Any]) -> None:
        self._governance = args["next"]

    def _on_IssuerSuspended(self, args: dict[str, Any]) -> None:
        self._issuers[args["issuer"]] = replace(self._issuers[args["issuer"]], suspended=True)

    def _on_IssuerReinstated(self, args: dict[str, Any]) -> None:
        self._issuers[args["issuer"]] = replace(self._issuers[args["issuer"]], suspended=False)

    def _on_KeyAdded(self, args: dict[str, Any]) -> None:
        key = SigningKeyRecord(
            args["issuer"], args["kid"], args["publicKey"], args["validFrom"], args["validUntil"], 0
        )
        self._keys[(key.issuer, key.kid)] = key

    def _on_KeyRetired(self, args: dict[str, Any]) -> None:
        slot = (args["issuer"], args["kid"])
        self._keys[slot] = replace(self._keys[slot], retired_at=args["retiredAt"])

    def _on_BatchAnchored(self, args: dict[str, Any]) -> None:
        self._batches[args["root"]] = BatchRecord(
            args["root"], args["issuer"], args["anchoredAt"], args["count"]
        )

    def _on_StatusWordChanged(self, args: dict[str, Any]) -> None:
        entries = self._lists.get(args["issuer"])
        if entries is None:
            entries = self._lists[args["issuer"]] = bytearray(LIST_BYTES)
        at = args["wordIndex"] * 32  # below LIST_BYTES: check_consistent refused any other
        entries[at : at + 32] = args["word"].to_bytes(32, "little")
