"""Turns revert data into a ContractRevertedError naming the custom error and its arguments."""

from __future__ import annotations

from functools import cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from nansen.chain.artifacts import CONTRACT_NAMES, load_artifact
from nansen.chain.errors import ContractRevertedError

_ERROR_STRING = bytes.fromhex("08c379a0")  # Error(string)
_PANIC = bytes.fromhex("4e487b71")  # Panic(uint256)


def _signature_types(inputs: list[dict[str, Any]]) -> list[str]:
    return [item["type"] for item in inputs]


@cache
def _error_table() -> dict[bytes, tuple[str, list[str], list[str]]]:
    table: dict[bytes, tuple[str, list[str], list[str]]] = {}
    for name in CONTRACT_NAMES:
        for entry in load_artifact(name).abi:
            if entry.get("type") != "error":
                continue
            types = _signature_types(entry["inputs"])
            selector = keccak(text=f"{entry['name']}({','.join(types)})")[:4]
            table[selector] = (entry["name"], types, [item["name"] for item in entry["inputs"]])
    return table


def decode_revert(data: bytes, *, tx_hash: str | None = None) -> ContractRevertedError:
    selector, body = data[:4], data[4:]
    try:
        if selector in _error_table():
            name, types, names = _error_table()[selector]
            values = [
                to_checksum_address(v) if t == "address" else v
                for t, v in zip(types, abi_decode(types, body), strict=True)
            ]
            return ContractRevertedError(name, dict(zip(names, values, strict=True)), tx_hash=tx_hash)
        if selector == _ERROR_STRING:
            return ContractRevertedError(
                "Error", {"message": abi_decode(["string"], body)[0]}, tx_hash=tx_hash
            )
        if selector == _PANIC:
            return ContractRevertedError("Panic", {"code": abi_decode(["uint256"], body)[0]}, tx_hash=tx_hash)
    except Exception as exc:  # malformed revert data from the node: say so rather than guess
        return ContractRevertedError("UndecodableRevert", {"data": data, "detail": str(exc)}, tx_hash=tx_hash)
    return ContractRevertedError("UnknownRevert", {"data": data}, tx_hash=tx_hash)


def revert_data_from(exc: BaseException) -> bytes | None:
    """The raw revert bytes carried by a web3 exception, if any."""
    data = getattr(exc, "data", None)
    if isinstance(data, dict):
        data = data.get("data")
    if isinstance(data, str) and data.startswith("0x"):
        try:
            return bytes.fromhex(data[2:])
        except ValueError:
            return None
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    return None
