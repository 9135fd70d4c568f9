"""Encryption at rest: tampering is detected, a wrong passphrase changes nothing, KDF floor holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wallet_cli.store import vault
from wallet_cli.store.vault import DamagedData, KdfParams, WrongPassphrase
from wallet_cli.store.wallet import Wallet

JWK = {"kty": "EC", "crv": "P-256", "x": "x", "y": "y", "d": "d"}


@pytest.fixture(scope="module")
def fast_kdf() -> None:
    """Tests derive keys often; the floor itself is tested separately."""


def make(tmp_path: Path) -> Wallet:
    wallet = Wallet.create(tmp_path / "w", "a good passphrase", JWK)
    wallet.add_credential(
        {"compact": "abc~", "vct": "t", "claims": {"given_name": "Canary"}, "received_at": 1}
    )
    return wallet


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_wrong_passphrase_leaves_every_byte(tmp_path: Path) -> None:
    make(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(WrongPassphrase):
        Wallet.unlock(tmp_path / "w", "not the passphrase")
    assert snapshot(tmp_path) == before


def test_nothing_personal_in_clear(tmp_path: Path) -> None:
    make(tmp_path)
    assert all(b"Canary" not in data for data in snapshot(tmp_path).values())


def test_one_damaged_credential_does_not_harm_the_rest(tmp_path: Path) -> None:
    wallet = make(tmp_path)
    second = wallet.add_credential({"compact": "x~", "vct": "t", "claims": {}, "received_at": 2})
    path = tmp_path / "w" / "credentials" / f"{second}.json"
    path.write_bytes(path.read_bytes()[:-20])  # truncated
    good, bad = Wallet.unlock(tmp_path / "w", "a good passphrase").credentials()
    assert [c.record["received_at"] for c in good] == [1] and [d.id for d in bad] == [second]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_tampered_byte_is_detected(tmp_path: Path, data: st.DataObject) -> None:
    key = b"k" * 32
    box = vault.seal(key, b"secret claims", context="credential:1")
    raw = bytearray(vault._unb64(box["ciphertext"]))
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(DamagedData):
        vault.open_sealed(key, {**box, "ciphertext": vault._b64(bytes(raw))}, context="credential:1")
    with pytest.raises(DamagedData):  # moved to another slot: the context no longer matches
        vault.open_sealed(key, box, context="credential:2")


def test_kdf_below_the_floor_is_refused(tmp_path: Path) -> None:
    make(tmp_path)
    header_path = tmp_path / "w" / "wallet.json"
    header = json.loads(header_path.read_bytes())
    header["kdf"]["n"] = 1024
    header_path.write_text(json.dumps(header))
    with pytest.raises(DamagedData, match="below the safe minimum"):
        Wallet.unlock(tmp_path / "w", "a good passphrase")


def test_default_kdf_is_memory_hard() -> None:
    params = KdfParams.fresh()
    assert params.n >= vault.MIN_N >= 1 << 15 and params.r >= 8
