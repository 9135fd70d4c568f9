"""The chain mirror: registry state rebuilt from contract events, read with zero RPC calls.

A verifier must not call the chain per request. The mirror follows the chain head (minus a
confirmation depth, for reorgs) with ``eth_getLogs`` and keeps issuers, keys, anchored batches and
status words in memory. It knows which block it is synced to and when it last heard from the chain,
so a caller can refuse to say "valid" once that is older than its bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from nansen.chain.connection import Connection
from nansen.chain.deployment import Deployment
from nansen.chain.errors import LogQueryRefusedError, RpcRefusedError
from nansen.chain.events import DecodedEvent, decode_log
from nansen.chain.records import BatchRecord, CredentialStatus, IssuerRecord, SigningKeyRecord
from nansen.errors import ChainError

ENTRIES_PER_WORD = 128
_STATUS_OF_BITS = {status.value: status for status in CredentialStatus}  # Enum calls cost ~0.6 us


@dataclass(frozen=True)
class Freshness:
    block_number: int
    block_time: int
    synced_at: float  # wall-clock seconds of the last successful sync; 0 if never
    age: float  # seconds since then

    def within(self, max_age: float) -> bool:
        return self.synced_at > 0 and self.age <= max_age


class ChainMirror:
    def __init__(
        self,
        connection: Connection,
        deployment: Deployment,
        *,
        confirmations: int = 0,
        max_blocks_per_query: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._conn = connection
        self._deployment = deployment
        self._confirmations = confirmations
        self._max_blocks = max_blocks_per_query
        self._clock = clock
        self._sync_lock = threading.Lock()
        self._head, self._head_moved_at = -1, clock()
        self.rpc_calls = 0
        self._reset()

    def _reset(self) -> None:
        self._issuers: dict[str, IssuerRecord] = {}
        self._governance = self._deployment.governance  # replaced by each GovernanceTransferred
        self._issuer_ids: dict[str, str] = {}
        self._keys: dict[tuple[str, bytes], SigningKeyRecord] = {}
        self._batches: dict[bytes, BatchRecord] = {}
        self._words: dict[str, dict[int, int]] = {}
        self._block = self._deployment.block_number - 1
        self._block_hash: str | None = None
        self._block_time = 0
        self._synced_at = 0.0

    # -- reads: no RPC -----------------------------------------------------------------------
    @property
    def chain_id(self) -> int:
        return self._deployment.chain_id

    @property
    def credential_registry(self) -> str:
        return self._deployment.credential_registry

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
        words = self._words.get(issuer)
        word = words.get(index // ENTRIES_PER_WORD, 0) if words else 0
        bits = (word >> (2 * (index % ENTRIES_PER_WORD))) & 0b11
        status = _STATUS_OF_BITS.get(bits)
        return CredentialStatus(bits) if status is None else status  # VALID is 0: no `or`

    def status_words(self, issuer: str) -> dict[int, int]:
        return dict(self._words.get(issuer, {}))

    def unconfirmed(self) -> tuple[int, float]:
        """Blocks past the mirror held back for confirmations, and seconds since the head moved."""
        return max(0, self._head - self._block), self._clock() - self._head_moved_at

    def freshness(self) -> Freshness:
        age = self._clock() - self._synced_at if self._synced_at else float("inf")
        return Freshness(self._block, self._block_time, self._synced_at, age)

    # -- sync ----------------------------------------------------------------------------------
    def _rpc(self, method: str, params: list[Any]) -> Any:
        self.rpc_calls += 1
        return self._conn.rpc(method, params)

    def sync(self) -> int:
        """Catches up to the confirmed head; returns how many events it applied."""
        with self._sync_lock:
            if self._block_hash is not None:
                current = self._rpc("eth_getBlockByNumber", [hex(self._block), False])
                if current is None or current["hash"] != self._block_hash:
                    self._reset()  # a reorg deeper than the confirmation depth: rebuild
            head = int(self._rpc("eth_blockNumber", []), 16)
            if head != self._head:
                self._head, self._head_moved_at = head, self._clock()
            target = head - self._confirmations
            applied = 0
            while self._block < target:
                upto = min(target, self._block + self._max_blocks)
                logs = self._logs(self._block + 1, upto)
                for event in sorted(
                    (e for e in map(decode_log, logs) if e is not None),
                    key=lambda e: (e.block_number, e.log_index),
                ):
                    self._apply(event)
                    applied += 1
                block = self._rpc("eth_getBlockByNumber", [hex(upto), False])
                if block is None:
                    raise ChainError(f"block {upto} vanished while syncing")
                self._block, self._block_hash = upto, block["hash"]
                self._block_time = int(block["timestamp"], 16)
            self._synced_at = self._clock()
            return applied

    def _logs(self, first: int, last: int) -> Any:
        query = {
            "fromBlock": hex(first),
            "toBlock": hex(last),
            "address": [self._deployment.issuer_registry, self._deployment.credential_registry],
        }
        try:
            return self._rpc("eth_getLogs", [query])
        except RpcRefusedError as exc:  # most often a provider's cap on the range
            raise LogQueryRefusedError(self._conn.rpc_url, first, last, exc.detail) from None

    def _apply(self, event: DecodedEvent) -> None:
        args = event.args
        handler = getattr(self, f"_on_{event.name}", None)
        if handler is not None:
            handler(args)

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
        self._words.setdefault(args["issuer"], {})[args["wordIndex"]] = args["word"]
