"""Loads the committed compiler artifacts (contracts/build/*.json); no compiler at run time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nansen.errors import ConfigurationError

CONTRACT_NAMES = ("IssuerRegistry", "CredentialRegistry")


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    deployed_bytecode: bytes
    # byte ranges of immutables in the runtime code, filled in at deployment
    immutable_ranges: tuple[tuple[int, int], ...]
    compiler_version: str
    source_hash: str


def artifacts_dir() -> Path:
    """The build folder: packaged beside this module in a wheel, else the repository's contracts/build."""
    packaged = Path(__file__).with_name("build")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "contracts" / "build"


@cache
def load_artifact(name: str) -> Artifact:
    path = artifacts_dir() / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"contract artifact {path} is missing",
            user_message=f"The compiled contract {name} is missing at {path}. Run `make contracts`.",
        ) from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"contract artifact {path} is unreadable: {exc}") from exc
    ranges = tuple(
        (int(ref["start"]), int(ref["length"]))
        for refs in raw.get("immutableReferences", {}).values()
        for ref in refs
    )
    return Artifact(
        name=name,
        abi=raw["abi"],
        bytecode=bytes.fromhex(raw["bytecode"].removeprefix("0x")),
        deployed_bytecode=bytes.fromhex(raw["deployedBytecode"].removeprefix("0x")),
        immutable_ranges=ranges,
        compiler_version=raw["compiler"]["version"],
        source_hash=raw["sourceHash"],
    )


def runtime_code_matches(artifact: Artifact, onchain_code: bytes) -> bool:
    """True when the code at an address is this artifact's runtime code, immutables aside."""
    expected = artifact.deployed_bytecode
    if len(onchain_code) != len(expected):
        return False
    masked_expected = bytearray(expected)
    masked_onchain = bytearray(onchain_code)
    for start, length in artifact.immutable_ranges:
        masked_expected[start : start + length] = bytes(length)
        masked_onchain[start : start + length] = bytes(length)
    return masked_expected == masked_onchain
