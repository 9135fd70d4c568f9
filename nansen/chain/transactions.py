"""Sending transactions: local signing, explicit nonces, cached fees, fast receipt waiting.

web3's default receipt polling sleeps 0.1 s between polls, capping sequential transactions near
9/s. Here the wait starts at 2 ms and backs off to 250 ms, so an instantly mined transaction
(anvil, an L2 sequencer) is seen at once and a 12 s block does not flood the node.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, NoReturn

from eth_account.signers.local import LocalAccount
from web3.exceptions import ContractLogicError, Web3Exception

from nansen.chain.connection import Connection
from nansen.chain.errors import (
    InsufficientFundsError,
    RpcUnavailableError,
    TransactionDroppedError,
    TransactionFailedError,
    TransactionRejectedError,
    TransactionTimeoutError,
)
from nansen.chain.revert import decode_revert, revert_data_from

_FIRST_POLL = 0.002
_MAX_POLL = 0.25
_GAS_MARGIN_NUMERATOR, _GAS_MARGIN_DENOMINATOR = 5, 4
_ESTIMATE_FLOOR = 21_000  # gas of the cheapest transaction: the least a refused estimate needed
_STILL_COMING_EVERY = 1.0  # seconds between checks that an awaited transaction was not dropped


@dataclass(frozen=True)
class Receipt:
    tx_hash: str
    block_number: int
    contract_address: str | None
    gas_used: int
    logs: tuple[dict[str, Any], ...]


class TransactionSender:
    """Signs and sends transactions from one account; safe to share between threads."""

    def __init__(
        self,
        connection: Connection,
        account: LocalAccount,
        *,
        receipt_timeout: float = 120.0,
        fee_ttl: float = 2.0,
    ) -> None:
        self._conn = connection
        self._account = account
        self._receipt_timeout = receipt_timeout
        self._fee_ttl = fee_ttl
        self._lock = threading.Lock()
        self._next_nonce: int | None = None
        self._fees: tuple[float, dict[str, int]] | None = None

    @property
    def address(self) -> str:
        return str(self._account.address)

    def send(self, to: str | None, data: bytes) -> Receipt:
        """Sends to ``to`` (None creates a contract) and waits for the receipt; refusals raise."""
        tx_hash = self.submit(to, data)
        return self.wait(tx_hash)

    def submit(self, to: str | None, data: bytes) -> str:
        """Estimates (which surfaces reverts before paying), signs and broadcasts; returns the hash."""
        gas = self._estimate(to, data) * _GAS_MARGIN_NUMERATOR // _GAS_MARGIN_DENOMINATOR
        with self._lock:
            fees = self._current_fees()
            nonce = self._take_nonce()
            tx: dict[str, Any] = {
                "chainId": self._conn.chain_id,
                "from": self._account.address,
                "data": data,
                "nonce": nonce,
                "gas": gas,
                **fees,
            }
            if to is not None:
                tx["to"] = to
            signed = self._account.sign_transaction(tx)
            try:
                sent = self._conn.w3.eth.send_raw_transaction(signed.raw_transaction)
            except (Web3Exception, OSError, ValueError) as exc:
                self._next_nonce = None  # resynchronise from the node next time
                self._raise_refusal(exc, gas * _fee_cap(fees))
        return "0x" + bytes(sent).hex()

    def balance(self) -> int:
        """The account's balance in wei at the latest block."""
        return int(self._conn.rpc("eth_getBalance", [self._account.address, "latest"]), 16)

    def cost_of(self, gas: int) -> int:
        """What ``gas`` units may cost at most at the current fees (gas limit times fee cap), in wei."""
        with self._lock:
            return gas * _fee_cap(self._current_fees())

    def forget_nonce(self) -> None:
        """Reads the next nonce from the node before the next transaction (after a reorg or when
        another process sent from this account)."""
        with self._lock:
            self._next_nonce = None

    def _raise_refusal(self, exc: Exception, needed_wei: int) -> NoReturn:
        """A refused transaction as one of our errors. Nodes word a lack of funds differently
        (anvil and Geth "insufficient funds", Hardhat "doesn't have enough funds"), so the balance
        decides, not the wording."""
        detail = _rpc_message(exc)
        try:
            balance = self.balance()
        except RpcUnavailableError:
            balance = None
        if balance is not None and balance < needed_wei:
            raise InsufficientFundsError(
                address=self.address, chain_id=self._conn.chain_id, balance_wei=balance, needed_wei=needed_wei
            ) from None
        if isinstance(exc, OSError) or balance is None:
            raise RpcUnavailableError(self._conn.rpc_url, f"eth_sendRawTransaction: {detail}") from exc
        raise TransactionRejectedError(detail) from None

    def wait(self, tx_hash: str) -> Receipt:
        """The receipt; meanwhile, once a second, that the transaction is still coming (a reorg can
        drop it, or drop the ones before it and leave it stuck behind a nonce gap)."""
        deadline = time.monotonic() + self._receipt_timeout
        look_again = time.monotonic() + _STILL_COMING_EVERY
        delay = _FIRST_POLL
        while True:
            raw = self._conn.rpc("eth_getTransactionReceipt", [tx_hash])
            if raw is not None:
                return self._check(tx_hash, raw)
            now = time.monotonic()
            if now >= deadline:
                raise TransactionTimeoutError(tx_hash, self._receipt_timeout)
            if now >= look_again:
                look_again = now + _STILL_COMING_EVERY
                self._ensure_still_coming(tx_hash)
            time.sleep(delay)
            delay = min(delay * 2, _MAX_POLL)

    def _ensure_still_coming(self, tx_hash: str) -> None:
        tx = self._conn.rpc("eth_getTransactionByHash", [tx_hash])
        if tx is None:  # mined then reorganised away, or evicted: it will not be mined
            self.forget_nonce()
            raise TransactionDroppedError(tx_hash)
        if tx.get("blockNumber"):
            return  # mined; the receipt follows
        nonce = int(tx["nonce"], 16)
        mined = self._nonce_at("latest")
        # Our sends wait for each receipt, and only this account's one owner sends, so nonces below
        # ours that are neither mined nor pending were ours and a reorg dropped them.
        if mined < nonce and self._nonce_at("pending") <= nonce:
            self._fill_gap(mined, nonce)

    def _fill_gap(self, start: int, end: int) -> None:
        """Sends a no-op (0 to ourselves) at each nonce from ``start`` below ``end``, so the waiting
        transaction can be mined. What the dropped ones did is for the caller to do again."""
        with self._lock:
            fees = self._current_fees()
            for nonce in range(start, end):
                tx: dict[str, Any] = {
                    "chainId": self._conn.chain_id,
                    "from": self._account.address,
                    "to": self._account.address,
                    "value": 0,
                    "nonce": nonce,
                    "gas": _ESTIMATE_FLOOR,
                    **fees,
                }
                try:
                    self._conn.w3.eth.send_raw_transaction(self._account.sign_transaction(tx).raw_transaction)
                except (Web3Exception, OSError, ValueError) as exc:
                    self._next_nonce = None
                    self._raise_refusal(exc, _ESTIMATE_FLOOR * _fee_cap(fees))

    def _nonce_at(self, block: str) -> int:
        return int(self._conn.rpc("eth_getTransactionCount", [self._account.address, block]), 16)

    def _check(self, tx_hash: str, raw: dict[str, Any]) -> Receipt:
        if int(raw["status"], 16) != 1:
            raise TransactionFailedError(tx_hash, "reverted after it was mined (status 0)")
        return Receipt(
            tx_hash=tx_hash,
            block_number=int(raw["blockNumber"], 16),
            contract_address=raw.get("contractAddress"),
            gas_used=int(raw["gasUsed"], 16),
            logs=tuple(raw["logs"]),
        )

    def _estimate(self, to: str | None, data: bytes) -> int:
        call: dict[str, Any] = {"from": self._account.address, "data": data}
        if to is not None:
            call["to"] = to
        try:
            return int(self._conn.w3.eth.estimate_gas(call))  # type: ignore[arg-type]
        except ContractLogicError as exc:
            revert = revert_data_from(exc)
            raise decode_revert(revert or b"") from None
        except Web3Exception as exc:
            revert = revert_data_from(exc)
            if revert:
                raise decode_revert(revert) from None
            if "funds" in _rpc_message(exc).lower():  # some nodes check the balance while estimating
                self._raise_refusal(exc, _ESTIMATE_FLOOR * self.cost_of(1))
            raise RpcUnavailableError(self._conn.rpc_url, f"eth_estimateGas: {exc}") from exc
        except OSError as exc:
            raise RpcUnavailableError(self._conn.rpc_url, f"eth_estimateGas: {exc}") from exc

    def _take_nonce(self) -> int:
        if self._next_nonce is None:
            self._next_nonce = self._nonce_at("pending")
        nonce = self._next_nonce
        self._next_nonce += 1
        return nonce

    def _current_fees(self) -> dict[str, int]:
        """Cached for ``fee_ttl`` seconds; callers hold ``self._lock``."""
        """EIP-1559 fee fields where the chain has a base fee; a legacy (EIP-155) gas price where not."""
        now = time.monotonic()
        if self._fees is None or now - self._fees[0] > self._fee_ttl:
            block = self._conn.rpc("eth_getBlockByNumber", ["latest", False])
            fields: dict[str, int]
            if block.get("baseFeePerGas") is None:
                fields = {"gasPrice": int(self._conn.rpc("eth_gasPrice", []), 16)}
            else:
                base_fee = int(block["baseFeePerGas"], 16)
                priority = int(self._conn.rpc("eth_maxPriorityFeePerGas", []), 16)
                fields = {
                    "maxFeePerGas": 2 * base_fee + priority,
                    "maxPriorityFeePerGas": priority,
                    "type": 2,
                }
            self._fees = (now, fields)
        return self._fees[1]


def _fee_cap(fees: dict[str, int]) -> int:
    return fees.get("maxFeePerGas", fees.get("gasPrice", 0))


def _rpc_message(exc: Exception) -> str:
    """The node's own words from a JSON-RPC error (web3 wraps them in a dict), else the exception's."""
    response = getattr(exc, "rpc_response", None)
    error = response.get("error") if isinstance(response, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    return str(exc)
