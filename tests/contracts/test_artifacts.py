"""The committed contracts/build artifacts match contracts/src (Python never needs a compiler)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "contracts" / "src"
BUILD = ROOT / "contracts" / "build"


def source_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(SRC.rglob("*.sol"), key=lambda p: p.relative_to(SRC).as_posix()):
        digest.update(path.relative_to(SRC).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.mark.parametrize("name", ["IssuerRegistry", "CredentialRegistry"])
def test_artifact_matches_sources(name: str) -> None:
    artifact = json.loads((BUILD / f"{name}.json").read_text())
    assert artifact["sourceHash"] == source_hash(), "contracts/build is stale: run `make contracts`"
    assert artifact["compiler"]["version"].startswith("0.8.28+")
    assert artifact["bytecode"].startswith("0x60") and len(artifact["deployedBytecode"]) > 100
    assert any(entry.get("type") == "event" for entry in artifact["abi"])


def test_every_custom_error_is_prefixed_with_its_contract() -> None:
    for name in ("IssuerRegistry", "CredentialRegistry"):
        abi = json.loads((BUILD / f"{name}.json").read_text())["abi"]
        own = [e["name"] for e in abi if e["type"] == "error" and e["name"].startswith(name)]
        assert own, name
