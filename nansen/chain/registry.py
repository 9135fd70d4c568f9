"""Typed client for the IssuerRegistry and CredentialRegistry: reads, writes and event logs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.exceptions import ContractLogicError, Web3Exception

from nansen.chain.artifacts import load_artifact
from nansen.chain.connection import Connection
from nansen.chain.deployment import Deployment
from nansen.chain.errors import RpcUnavailableError, StatusUpdateError
from nansen.chain.events import decode_log
from nansen.chain.records import BatchRecord, CredentialStatus, IssuerRecord, SigningKeyRecord
from nansen.chain.revert import decode_revert, revert_data_from
from nansen.chain.transactions import Receipt, TransactionSender
from nansen.errors import ChainError

STATUS_ENTRIES_PER_WORD = 128
MAX_WORDS_PER_READ = 2048


class Registry:
    """Reads both registries. ``writer(sender)`` gives the state-changing calls for one account."""

    def __init__(self, connection: Connection, deployment: Deployment) -> None:
        self.connection = connection
        self.deployment = deployment
        w3 = connection.w3
        self.issuer_registry = w3.eth.contract(
            address=to_checksum_address(deployment.issuer_registry), abi=load_artifact("IssuerRegistry").abi
        )
        self.credential_registry = w3.eth.contract(
            address=to_checksum_address(deployment.credential_registry),
            abi=load_artifact("CredentialRegistry").abi,
        )

    # -- reads -------------------------------------------------------------------------------
    def _call(self, contract: Any, fn: str, *args: Any) -> Any:
        try:
            return getattr(contract.functions, fn)(*args).call()
        except ContractLogicError as exc:
            raise decode_revert(revert_data_from(exc) or b"") from None
        except (Web3Exception, OSError) as exc:
            raise RpcUnavailableError(self.connection.rpc_url, f"{fn}: {exc}") from exc

    def issuer(self, address: str) -> IssuerRecord:
        raw = _named(self.issuer_registry, "issuer", self._call(self.issuer_registry, "issuer", address))
        return IssuerRecord(
            address=to_checksum_address(address),
            name=raw["name"],
            issuer_id=raw["issuerId"],
            accredited_at=int(raw["accreditedAt"]),
            accredited=bool(raw["accredited"]),
            suspended=bool(raw["suspended"]),
        )

    def issuer_by_issuer_id(self, issuer_id: str) -> str | None:
        address = self._call(self.issuer_registry, "issuerByIssuerId", issuer_id)
        return None if int(address, 16) == 0 else to_checksum_address(address)

    def signing_key(self, issuer: str, kid: bytes) -> SigningKeyRecord:
        raw = _named(
            self.issuer_registry, "signingKey", self._call(self.issuer_registry, "signingKey", issuer, kid)
        )
        return SigningKeyRecord(
            issuer=to_checksum_address(issuer),
            kid=kid,
            public_key=bytes(raw["publicKey"]),
            valid_from=int(raw["validFrom"]),
            valid_until=int(raw["validUntil"]),
            retired_at=int(raw["retiredAt"]),
        )

    def keys_of(self, issuer: str) -> list[SigningKeyRecord]:
        """Every signing key the issuer ever registered, in registration order, each as it stands now
        (a retirement is read from the registry, not from the events)."""
        topic = keccak(text="KeyAdded(address,bytes32,bytes,uint64,uint64)").hex()
        logs = self.connection.rpc(
            "eth_getLogs",
            [
                {
                    "fromBlock": hex(self.deployment.block_number),
                    "toBlock": "latest",
                    "address": self.deployment.issuer_registry,
                    "topics": ["0x" + topic, "0x" + bytes.fromhex(issuer[2:]).rjust(32, b"\0").hex()],
                }
            ],
        )
        kids = [bytes.fromhex(log["topics"][2][2:]) for log in logs]
        return [self.signing_key(issuer, kid) for kid in dict.fromkeys(kids)]

    def is_key_valid_at(self, issuer: str, kid: bytes, timestamp: int) -> bool:
        return bool(self._call(self.issuer_registry, "isKeyValidAt", issuer, kid, timestamp))

    def batch(self, root: bytes) -> BatchRecord | None:
        raw = _named(self.credential_registry, "batch", self._call(self.credential_registry, "batch", root))
        if int(raw["issuer"], 16) == 0:
            return None
        return BatchRecord(
            root=root,
            issuer=to_checksum_address(raw["issuer"]),
            anchored_at=int(raw["anchoredAt"]),
            count=int(raw["count"]),
        )

    def status_of(self, issuer: str, index: int) -> CredentialStatus:
        return CredentialStatus(self._call(self.credential_registry, "statusOf", issuer, index))

    def status_words(self, issuer: str, from_word: int, count: int) -> list[int]:
        words: list[int] = []
        while count > 0:
            chunk = min(count, MAX_WORDS_PER_READ)
            words.extend(self._call(self.credential_registry, "statusWords", issuer, from_word, chunk))
            from_word += chunk
            count -= chunk
        return words

    def writer(self, sender: TransactionSender) -> RegistryWriter:
        return RegistryWriter(self, sender)


class RegistryWriter:
    """State-changing calls, sent from one account; each returns the mined receipt."""

    def __init__(self, registry: Registry, sender: TransactionSender) -> None:
        self._registry = registry
        self._sender = sender

    @property
    def address(self) -> str:
        return self._sender.address

    def _send(self, contract: Any, fn: str, *args: Any) -> Receipt:
        data = bytes.fromhex(contract.encode_abi(fn, args=list(args))[2:])
        return self._sender.send(contract.address, data)

    # governance
    def accredit_issuer(self, issuer: str, name: str, issuer_id: str) -> Receipt:
        return self._send(self._registry.issuer_registry, "accreditIssuer", issuer, name, issuer_id)

    def suspend_issuer(self, issuer: str) -> Receipt:
        return self._send(self._registry.issuer_registry, "suspendIssuer", issuer)

    def reinstate_issuer(self, issuer: str) -> Receipt:
        return self._send(self._registry.issuer_registry, "reinstateIssuer", issuer)

    def retire_issuer_key(self, issuer: str, kid: bytes, retired_at: int = 0) -> Receipt:
        return self._send(self._registry.issuer_registry, "retireIssuerKey", issuer, kid, retired_at)

    def transfer_governance(self, pending: str) -> Receipt:
        return self._send(self._registry.issuer_registry, "transferGovernance", pending)

    def accept_governance(self) -> Receipt:  # sent by the pending governance account
        return self._send(self._registry.issuer_registry, "acceptGovernance")

    # issuer
    def add_key(self, kid: bytes, public_key: bytes, valid_from: int, valid_until: int = 0) -> Receipt:
        return self._send(self._registry.issuer_registry, "addKey", kid, public_key, valid_from, valid_until)

    def retire_key(self, kid: bytes, retired_at: int = 0) -> Receipt:
        return self._send(self._registry.issuer_registry, "retireKey", kid, retired_at)

    def anchor_batch(self, root: bytes, count: int) -> Receipt:
        return self._send(self._registry.credential_registry, "anchorBatch", root, count)

    def set_statuses(self, indices: Sequence[int], statuses: Sequence[CredentialStatus]) -> Receipt:
        """Changes entries of this account's own list; consecutive indices in one word are cheapest."""
        return self._send(
            self._registry.credential_registry, "setStatuses", pack_status_updates(indices, statuses)
        )


def batch_anchored_at(receipt: Receipt, root: bytes) -> int:
    """The chain time (block timestamp) the receipt's ``BatchAnchored`` event recorded for ``root``."""
    for log in receipt.logs:
        event = decode_log(log)
        if event is not None and event.name == "BatchAnchored" and event.args["root"] == root:
            return int(event.args["anchoredAt"])
    raise ChainError(f"transaction {receipt.tx_hash} anchored no batch with this root")


def pack_status_updates(indices: Sequence[int], statuses: Sequence[CredentialStatus]) -> bytes:
    """The contract's packed form: per entry a big-endian uint24 index and a uint8 status."""
    if len(indices) != len(statuses):
        raise StatusUpdateError(f"{len(indices)} indices but {len(statuses)} statuses")
    out = bytearray()
    for index, status in zip(indices, statuses, strict=True):
        if not 0 <= index < 1 << 24:
            raise StatusUpdateError(f"status index {index} does not fit the packed form")
        out += index.to_bytes(3, "big") + int(status).to_bytes(1, "big")
    return bytes(out)


def _named(contract: Any, fn: str, value: Any) -> dict[str, Any]:
    """Maps a returned struct tuple to its ABI component names."""
    for entry in contract.abi:
        if entry.get("type") == "function" and entry["name"] == fn:
            components = entry["outputs"][0].get("components")
            if components is None:
                break
            return {c["name"]: v for c, v in zip(components, value, strict=True)}
    raise KeyError(f"{fn} does not return a struct")
