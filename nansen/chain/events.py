"""Decodes registry event logs: the ABI's few types (address, bool, uintN, bytes32, bytes, string)
read straight from the 32-byte words, as strictly as eth_abi reads them (padding must be zero, a
value must fit its type, an offset and a length must stay inside the data).

A region's cold sync decodes about half a million logs: eth_abi's general decoder and eth_utils'
checksum (a keccak per address, every time) took 0.4 ms a log, 90 % of the sync. The few addresses
a registry has are checksummed once each (cached); tests/chain/test_events_decoding.py holds this
decoder to eth_abi's answers on every event type, random values and damaged data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from eth_abi.exceptions import DecodingError
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


_WORD = 32
_ADDRESS_PADDING = bytes(12)


@lru_cache(maxsize=65_536)
def checksummed(address: str) -> str:
    """EIP-55 form of a 0x-prefixed address (any case); cached: a registry has a few hundred."""
    return to_checksum_address(address.lower())


def _hex_bytes(value: str) -> bytes:
    if not value.startswith("0x"):
        raise ValueError("hex data without 0x")
    return bytes.fromhex(value[2:])


def _static(typ: str, word: bytes) -> Any:
    if len(word) != _WORD:
        raise DecodingError(f"{typ} needs a 32-byte word, got {len(word)} bytes")
    if typ == "address":
        if word[:12] != _ADDRESS_PADDING:
            raise DecodingError("address word with non-zero padding")
        return checksummed("0x" + word[12:].hex())
    if typ == "bytes32":
        return word
    value = int.from_bytes(word, "big")
    if typ == "bool":
        if value > 1:
            raise DecodingError("bool word that is neither 0 nor 1")
        return value == 1
    if typ.startswith("uint") and value >> int(typ[4:]) == 0:
        return value
    raise DecodingError(f"a value that does not fit {typ}")


def _dynamic(typ: str, data: bytes, offset_word: bytes) -> Any:
    offset = int.from_bytes(offset_word, "big")
    if offset + _WORD > len(data):
        raise DecodingError("an offset beyond the data")
    length = int.from_bytes(data[offset : offset + _WORD], "big")
    start = offset + _WORD
    padded_end = start + -(-length // _WORD) * _WORD
    if padded_end > len(data):
        raise DecodingError("a length beyond the data")
    if any(data[start + length : padded_end]):
        raise DecodingError("non-zero padding after bytes or string")
    raw = data[start : start + length]
    return raw.decode("utf-8") if typ == "string" else raw  # UnicodeDecodeError: a ValueError


def _data(types: tuple[str, ...], data: bytes) -> list[Any]:
    if len(data) < _WORD * len(types):
        raise DecodingError("data shorter than the event's head")
    words = [data[i * _WORD : (i + 1) * _WORD] for i in range(len(types))]
    return [
        _dynamic(typ, data, word) if typ in ("string", "bytes") else _static(typ, word)
        for typ, word in zip(types, words, strict=True)
    ]


def decode_log(log: dict[str, Any]) -> DecodedEvent | None:
    """The event a raw JSON-RPC log carries, or None for a log that is not one of ours."""
    topics = [_hex_bytes(t) for t in log["topics"]]
    if not topics:
        return None
    spec = _event_table().get(topics[0])
    if spec is None:
        return None
    args: dict[str, Any] = {
        name: _static(typ, topic) for (name, typ), topic in zip(spec.indexed, topics[1:], strict=True)
    }
    values = _data(tuple(t for _, t in spec.data), _hex_bytes(log["data"]))
    args.update({name: value for (name, _), value in zip(spec.data, values, strict=True)})
    return DecodedEvent(
        name=spec.name,
        args=args,
        block_number=int(log["blockNumber"], 16),
        log_index=int(log["logIndex"], 16),
        address=checksummed(log["address"]),
    )
