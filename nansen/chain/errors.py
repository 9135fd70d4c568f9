"""Errors of the chain layer.

::

    ChainError (nansen.errors)
    ├── RpcUnavailableError       the RPC endpoint does not answer (within a bounded timeout)
    │   └── RpcRefusedError       it answers a request with an error
    │       └── LogQueryRefusedError   an eth_getLogs range it refuses (capped ranges)
    ├── LogsRejectedError         the node's logs failed a check (order, range, canonical chain): not applied
    ├── SnapshotError             a mirror snapshot file that cannot be used (nothing is changed)
    │   ├── SnapshotDamagedError      truncated, checksum mismatch, not a snapshot
    │   ├── SnapshotVersionError      written by a newer release (a future format version)
    │   ├── SnapshotMismatchError     for another chain or deployment
    │   ├── SnapshotOlderError        older than the mirror already installed
    │   └── SnapshotFingerprintError  not the file whose fingerprint the exporter read out
    ├── WrongChainError           the endpoint serves another chain id than the settings name
    ├── DeploymentError           deployments/<chainId>.json missing or malformed, or no code/impostor code
    ├── ContractRevertedError     a call or transaction reverted with a named custom error
    ├── TransactionFailedError    a mined transaction failed (status 0) — carries the tx hash
    ├── TransactionTimeoutError   no receipt in time — carries the tx hash; nothing is dropped
    ├── TransactionDroppedError   the node no longer knows a sent transaction (a reorg, an eviction)
    ├── InsufficientFundsError    the sending account cannot pay for the transaction's gas
    ├── TransactionRejectedError  the node refused a signed transaction (nonce taken, underpriced...)
    └── StatusUpdateError         a status update that cannot be encoded (before anything is sent)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nansen.errors import ChainError


class RpcUnavailableError(ChainError):
    def __init__(self, rpc_url: str, detail: str, *, settings_prefix: str = "NANSEN_") -> None:
        super().__init__(
            f"the chain RPC at {rpc_url} did not answer: {detail}",
            user_message=(
                f"Cannot reach the blockchain node at {rpc_url}. Check that it is running "
                f"(for a local chain: `nansen chain up`) and that {settings_prefix}RPC_URL is right."
            ),
        )
        self.rpc_url = rpc_url


class RpcRefusedError(RpcUnavailableError):
    """The node answered a request with an error (a capped log range, a method it does not serve)."""

    def __init__(self, rpc_url: str, method: str, detail: str) -> None:
        ChainError.__init__(
            self,
            f"the chain RPC at {rpc_url} refused {method}: {detail}",
            user_message=f"The blockchain node at {rpc_url} refused {method}: {detail}",
        )
        self.rpc_url = rpc_url
        self.method = method
        self.detail = detail


class LogQueryRefusedError(RpcRefusedError):
    """The node refused an ``eth_getLogs`` range (many providers cap it)."""

    def __init__(self, rpc_url: str, from_block: int, to_block: int, detail: str) -> None:
        super().__init__(rpc_url, f"eth_getLogs for blocks {from_block}-{to_block}", detail)
        self.from_block = from_block
        self.to_block = to_block


class LogsRejectedError(ChainError):
    """The node's answer to a log query failed a check; the mirror stays at its previous block."""

    def __init__(self, from_block: int, to_block: int, check: str) -> None:
        super().__init__(
            f"event logs for blocks {from_block}-{to_block} rejected: {check}",
            user_message=(
                f"The blockchain node's event logs for blocks {from_block}-{to_block} failed a check "
                f"({check}); nothing from them was used. The verifier keeps retrying."
            ),
        )
        self.from_block = from_block
        self.to_block = to_block
        self.check = check


class SnapshotError(ChainError):
    """A mirror snapshot that cannot be used; ``exit_code`` is the CLI's for it."""

    exit_code = 3


class SnapshotDamagedError(SnapshotError):
    exit_code = 3


class SnapshotVersionError(SnapshotError):
    exit_code = 4


class SnapshotMismatchError(SnapshotError):
    exit_code = 5


class SnapshotOlderError(SnapshotError):
    exit_code = 6


class SnapshotFingerprintError(SnapshotError):
    exit_code = 7


class WrongChainError(ChainError):
    def __init__(self, *, expected: int, actual: int, rpc_url: str, settings_prefix: str = "NANSEN_") -> None:
        super().__init__(
            f"chain id mismatch at {rpc_url}: expected {expected}, node reports {actual}",
            user_message=(
                f"The node at {rpc_url} serves chain {actual}, but the settings expect chain {expected}. "
                f"Point {settings_prefix}RPC_URL at the right network or fix {settings_prefix}CHAIN_ID."
            ),
        )
        self.expected = expected
        self.actual = actual


class DeploymentError(ChainError):
    """A deployment file is missing or malformed, or the address holds no code or other code."""


class ContractRevertedError(ChainError):
    """A contract refused a call with a custom error; ``error_name`` and ``error_args`` say which."""

    def __init__(self, error_name: str, error_args: dict[str, Any], *, tx_hash: str | None = None) -> None:
        args_text = ", ".join(f"{k}={_show(v)}" for k, v in error_args.items())
        where = f" (transaction {tx_hash})" if tx_hash else ""
        super().__init__(
            f"contract reverted with {error_name}({args_text}){where}",
            user_message=f"The registry refused the request: {error_name}{where}.",
        )
        self.error_name = error_name
        self.error_args = error_args
        self.tx_hash = tx_hash


class TransactionFailedError(ChainError):
    def __init__(self, tx_hash: str, detail: str) -> None:
        super().__init__(
            f"transaction {tx_hash} failed: {detail}",
            user_message=f"The transaction {tx_hash} failed on chain: {detail}.",
        )
        self.tx_hash = tx_hash


class TransactionTimeoutError(ChainError):
    def __init__(self, tx_hash: str, timeout: float) -> None:
        super().__init__(
            f"no receipt for transaction {tx_hash} after {timeout:.0f} s",
            user_message=(
                f"The transaction {tx_hash} was sent but is not mined after {timeout:.0f} s. "
                "It may still be mined; check it before sending again."
            ),
        )
        self.tx_hash = tx_hash


class TransactionDroppedError(ChainError):
    def __init__(self, tx_hash: str) -> None:
        super().__init__(
            f"transaction {tx_hash} was dropped (reorganised away or evicted) before it was mined",
            user_message=f"The transaction {tx_hash} was dropped by the chain; send it again.",
        )
        self.tx_hash = tx_hash


class InsufficientFundsError(ChainError):
    """The sending account holds less than the transaction's gas limit times its fee cap."""

    def __init__(self, *, address: str, chain_id: int, balance_wei: int, needed_wei: int) -> None:
        held = "no ETH" if balance_wei == 0 else f"{format_eth(balance_wei)} ETH"
        super().__init__(
            f"account {address} has {held} on chain {chain_id}, needs about {format_eth(needed_wei)} ETH "
            "for the next transaction; fund it",
            user_message=(
                f"account {address} has {held} on chain {chain_id}; fund it (about "
                f"{format_eth(needed_wei)} ETH for this transaction; on a dev chain: "
                f"`nansen dev fund {address}`)"
            ),
        )
        self.address = address
        self.chain_id = chain_id
        self.balance_wei = balance_wei
        self.needed_wei = needed_wei


class TransactionRejectedError(ChainError):
    """The node refused a signed transaction: its nonce was taken, it was underpriced, it was known."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the node refused the transaction: {detail}",
            user_message=f"The blockchain node refused the transaction: {detail}.",
        )


def format_eth(wei: int) -> str:
    """An amount for people: two significant digits, no exponent (0.0003, 0.012, 1.5, 1200)."""
    eth = Decimal(wei).scaleb(-18)
    if eth == 0 or eth >= 100:
        return f"{eth:.0f}"
    text = format(Decimal(f"{eth:.2g}"), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


class StatusUpdateError(ChainError):
    """A status update that cannot be encoded; nothing was sent."""
