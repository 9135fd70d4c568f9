"""Decodes registry event logs with eth_abi directly (fast, no per-log web3 machinery)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from nansen.chain.artifacts import CONTRACT_NAMES, load_artifact


@dataclass(frozen=True)
class DecodedEvent:
    name: str
    args: dict[str, Any]
    block_number: int
    log_index: int
    address: str


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple[tuple[str, str], ...]
    data: tuple[tuple[str, str], ...]


@cache
def _event_table() -> dict[bytes, _EventSpec]:
    table: dict[bytes, _EventSpec] = {}
    for contract in CONTRACT_NAMES:
        for entry in load_artifact(contract).abi:
            if entry.get("type") != "event":
                continue
            types = ",".join(item["type"] for item in entry["inputs"])
            topic = keccak(text=f"{entry['name']}({types})")
            table[topic] = _EventSpec(
                name=entry["name"],
                indexed=tuple((i["name"], i["type"]) for i in entry["inputs"] if i["indexed"]),
                data=tuple((i["name"], i["type"]) for i in entry["inputs"] if not i["indexed"]),
            )
    return table


def _hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def decode_log(log: dict[str, Any]) -> DecodedEvent | None:
    """The event a raw JSON-RPC log carries, or None for a log that is not one of ours."""
    topics = [_hex_bytes(t) for t in log["topics"]]
    if not topics:
        return None
    spec = _event_table().get(topics[0])
    if spec is None:
        return None
    args: dict[str, Any] = {}
    for (name, typ), topic in zip(spec.indexed, topics[1:], strict=True):
        args[name] = abi_decode([typ], topic)[0]
    values = abi_decode([t for _, t in spec.data], _hex_bytes(log["data"]))
    args.update({name: value for (name, _), value in zip(spec.data, values, strict=True)})
    for key, value in args.items():
        if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
            args[key] = to_checksum_address(value)
    return DecodedEvent(
        name=spec.name,
        args=args,
        block_number=int(log["blockNumber"], 16),
        log_index=int(log["logIndex"], 16),
        address=to_checksum_address(log["address"]),
    )
