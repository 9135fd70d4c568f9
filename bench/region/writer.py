"""Signs and sends a day's actions as pre-signed transactions with explicit nonces, in JSON-RPC
batches, then mines them in blocks stamped with that day's time: minutes for five years, not hours."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from bench.region.node import Node, NodeError
from bench.region.params import DAY, RegionParams
from bench.region.plan import GOVERNANCE, Action
from nansen.chain.artifacts import load_artifact
from nansen.chain.deployment import Deployment
from nansen.chain.registry import pack_status_updates

SEND_BATCH = 500
BLOCK_GAS = 29_000_000  # anvil's default block gas limit is 30 million
CHAIN_ID = 31337
MAX_FEE, PRIORITY_FEE = 100 * 10**9, 10**9
_GAS = {"accredit": 300_000, "add_key": 250_000, "retire_key": 100_000, "anchor": 100_000}


def account(params: RegionParams, sender: int) -> LocalAccount:
    """The governance account (GOVERNANCE) or issuer ``sender``, derived from the seed."""
    label = "governance" if sender == GOVERNANCE else f"issuer/{sender}"
    return Account.from_key(hashlib.sha256(f"{params.seed}/{label}".encode()).digest())


def issuer_id(issuer: int) -> str:
    return f"https://ngo-{issuer:03d}.region.example"


class RegionWriter:
    def __init__(self, node: Node, params: RegionParams, deployment: Deployment) -> None:
        self._node, self._params = node, params
        codec = Web3()
        self._issuers = codec.eth.contract(abi=load_artifact("IssuerRegistry").abi)
        self._credentials = codec.eth.contract(abi=load_artifact("CredentialRegistry").abi)
        self._deployment = deployment
        self._accounts: dict[int, LocalAccount] = {}
        self._nonces: dict[int, int] = {}

    def _account(self, sender: int) -> LocalAccount:
        if sender not in self._accounts:
            self._accounts[sender] = account(self._params, sender)
            address = self._accounts[sender].address
            self._nonces[sender] = int(self._node.call("eth_getTransactionCount", [address, "pending"]), 16)
        return self._accounts[sender]

    def _transaction(self, action: Action) -> tuple[str, bytes, int]:
        """(to, calldata, gas limit) of one action."""
        kind, args = action.kind, action.args
        issuers, credentials = self._deployment.issuer_registry, self._deployment.credential_registry
        if kind == "accredit":
            issuer = action.sender_of_accreditation
            address = account(self._params, issuer).address
            data = self._issuers.encode_abi("accreditIssuer", [address, f"NGO {issuer}", issuer_id(issuer)])
            return issuers, bytes.fromhex(data[2:]), _GAS[kind]
        if kind == "add_key":
            kid, public, valid_from = args
            data = self._issuers.encode_abi("addKey", [kid, public, valid_from, 0])
            return issuers, bytes.fromhex(data[2:]), _GAS[kind]
        if kind == "retire_key":
            data = self._issuers.encode_abi("retireKey", [args[0], 0])
            return issuers, bytes.fromhex(data[2:]), _GAS[kind]
        if kind == "anchor":
            data = self._credentials.encode_abi("anchorBatch", list(args))
            return credentials, bytes.fromhex(data[2:]), _GAS[kind]
        if kind == "statuses":
            entries: Sequence[tuple[int, Any]] = args[0]
            packed = pack_status_updates([i for i, _ in entries], [s for _, s in entries])
            data = self._credentials.encode_abi("setStatuses", [packed])
            return credentials, bytes.fromhex(data[2:]), min(29_000_000, 60_000 + 30_000 * len(entries))
        raise ValueError(f"unknown action {kind}")

    def fund(self, senders: Sequence[int]) -> None:
        calls = [("anvil_setBalance", [self._account(s).address, hex(10**24)]) for s in senders]
        self._node.call_many(calls)

    def run_day(self, day: int, actions: Sequence[Action]) -> int:
        """Sends the day's actions and mines them at the day's time; returns the blocks it took.

        Each block gets only what fits its gas limit by the transactions' own limits: anvil skips a
        transaction that does not fit and then drops the same sender's next one as "nonce too high"."""
        blocks, chunk, gas = 0, [], 0
        for action in actions:
            transaction = self._transaction(action)
            if chunk and gas + transaction[2] > BLOCK_GAS:
                self._send_and_mine(day, blocks, chunk)
                blocks, chunk, gas = blocks + 1, [], 0
            chunk.append((action.sender, transaction))
            gas += transaction[2]
        if chunk:
            self._send_and_mine(day, blocks, chunk)
            blocks += 1
        return blocks

    def _send_and_mine(self, day: int, block: int, chunk: list[tuple[int, tuple[str, bytes, int]]]) -> None:
        raw: list[str] = []
        for sender, (to, data, gas) in chunk:
            signer = self._account(sender)  # first: it reads the nonce
            tx = {
                "chainId": CHAIN_ID,
                "nonce": self._nonces[sender],
                "to": to,
                "data": data,
                "gas": gas,
                "maxFeePerGas": MAX_FEE,
                "maxPriorityFeePerGas": PRIORITY_FEE,
                "type": 2,
            }
            self._nonces[sender] += 1
            raw.append("0x" + bytes(signer.sign_transaction(tx).raw_transaction).hex())
        for start in range(0, len(raw), SEND_BATCH):
            self._node.call_many([("eth_sendRawTransaction", [tx]) for tx in raw[start : start + SEND_BATCH]])
        # a day's blocks a second apart from an hour past its start
        self._node.call("evm_mine", [self._params.start_time + day * DAY + 3_600 + block])
        pool = self._node.call("txpool_status")
        if int(pool["pending"], 16) or int(pool["queued"], 16):
            stuck = self._node.call("txpool_inspect")
            raise NodeError(f"day {day}: transactions left in the pool after mining: {stuck}")
