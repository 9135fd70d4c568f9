"""A damaged backup says "damaged" (exit 5), a wrong passphrase says so (exit 3): issue 16 item 7.

Before, one flipped bit in the salt or the ciphertext made the decryption fail like a wrong
passphrase, and the person was told to try another passphrase."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wallet_cli.app import app
from wallet_cli.store.backup import LEGACY_FORMAT, read_backup_file
from wallet_cli.store.vault import DamagedData, KdfParams, dumps, seal
from wallet_cli.store.wallet import Wallet

PASS = "a good passphrase"
BACKUP_PASS = "another good passphrase"
BOTH = {"NANSEN_WALLET_PASSPHRASE": PASS, "NANSEN_WALLET_BACKUP_PASSPHRASE": BACKUP_PASS}


def restore(target: Path, source: Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        app, ["--data-dir", str(target), "--lang", "en", "restore", str(source)], env=env or BOTH
    )


@pytest.fixture(scope="module")
def backup_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    home = tmp_path_factory.mktemp("backup")
    wallet = Wallet.create(home / "w", PASS, {"kty": "EC"})
    wallet.add_credential({"compact": "x~", "vct": "t", "claims": {"nationality": "SY"}, "received_at": 1})
    result = CliRunner().invoke(
        app, ["--data-dir", str(home / "w"), "backup", str(home / "b.backup")], env=BOTH
    )
    assert result.exit_code == 0, result.output
    return (home / "b.backup").read_bytes()


def _positions(data: bytes) -> dict[str, int]:
    """One byte position in each part of the file."""
    body, _digest = data.rstrip(b"\n").split(b"\n")
    raw = json.loads(body)

    def inside(value: str, offset: int = 3) -> int:
        return body.index(value.encode()) + offset

    ciphertext = raw["box"]["ciphertext"]
    return {
        "format header": inside('"format":"nansen-wallet-backup-v2"', 12),
        "kdf cost": inside('"n":65536', 5),
        "salt": inside(raw["kdf"]["salt"]),
        "check nonce": inside(raw["check"]["nonce"]),
        "check ciphertext": inside(raw["check"]["ciphertext"]),
        "nonce": inside(raw["box"]["nonce"]),
        "ciphertext": inside(ciphertext, 5),
        "tag": inside(ciphertext, len(ciphertext) - 8),  # AES-GCM's tag: the last 16 bytes
        "line break": len(body),
        "digest": len(body) + 1 + 10,
        "last byte": len(data) - 1,
    }


@pytest.mark.parametrize(
    "part",
    [
        "format header",
        "kdf cost",
        "salt",
        "check nonce",
        "check ciphertext",
        "nonce",
        "ciphertext",
        "tag",
        "line break",
        "digest",
        "last byte",
    ],
)
def test_one_flipped_bit_is_damage_not_a_wrong_passphrase(
    tmp_path: Path, backup_bytes: bytes, part: str
) -> None:
    position = _positions(backup_bytes)[part]
    flipped = bytearray(backup_bytes)
    flipped[position] ^= 0x01
    (tmp_path / "b.backup").write_bytes(bytes(flipped))
    result = restore(tmp_path / "new", tmp_path / "b.backup")
    assert result.exit_code == 5, result.output
    assert "damaged" in result.output and "passphrase is not right" not in result.output
    assert not (tmp_path / "new").exists()


def test_a_truncated_backup_is_damaged(tmp_path: Path, backup_bytes: bytes) -> None:
    for cut in (10, len(backup_bytes) // 2, len(backup_bytes) - 66, len(backup_bytes) - 1):
        (tmp_path / "b.backup").write_bytes(backup_bytes[:cut])
        assert restore(tmp_path / "new", tmp_path / "b.backup").exit_code == 5


def test_a_wrong_passphrase_is_a_wrong_passphrase(tmp_path: Path, backup_bytes: bytes) -> None:
    (tmp_path / "b.backup").write_bytes(backup_bytes)
    wrong = restore(
        tmp_path / "new", tmp_path / "b.backup", {**BOTH, "NANSEN_WALLET_BACKUP_PASSPHRASE": "not this one"}
    )
    assert wrong.exit_code == 3 and "passphrase is not right" in wrong.output
    assert restore(tmp_path / "new", tmp_path / "b.backup").exit_code == 0


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_flipped_bit_is_found_without_the_passphrase(backup_bytes: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(backup_bytes) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = bytearray(backup_bytes)
    flipped[position] ^= 1 << bit
    with pytest.raises(DamagedData):
        read_backup_file_bytes(bytes(flipped))


def read_backup_file_bytes(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.backup"
        path.write_bytes(data)
        read_backup_file(path)


def test_altered_content_with_a_recomputed_digest_is_damaged_for_the_right_passphrase(
    tmp_path: Path, backup_bytes: bytes
) -> None:
    """Someone edits the file on purpose and recomputes the digest: the check box still opens with
    the right passphrase, the content does not, so it is damage (not a wrong passphrase)."""
    body = json.loads(backup_bytes.split(b"\n")[0])
    ciphertext = bytearray(base64.b64decode(body["box"]["ciphertext"]))
    ciphertext[0] ^= 0x80
    body["box"]["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    line = dumps(body)
    (tmp_path / "b.backup").write_bytes(line + b"\n" + hashlib.sha256(line).hexdigest().encode() + b"\n")
    assert restore(tmp_path / "new", tmp_path / "b.backup").exit_code == 5


def _legacy_backup(path: Path) -> None:
    """What the wallet wrote before version 2: one JSON object, no digest, no check box."""
    params = KdfParams.fresh()
    content = {"holder_jwk": {"kty": "EC"}, "credentials": [], "history": []}
    box = seal(params.derive(BACKUP_PASS), dumps(content), context="backup")
    path.write_bytes(dumps({"format": LEGACY_FORMAT, "kdf": params.to_json(), "box": box}))


def test_a_backup_of_the_first_format_is_still_restored(tmp_path: Path) -> None:
    _legacy_backup(tmp_path / "old.backup")
    wrong = restore(
        tmp_path / "a", tmp_path / "old.backup", {**BOTH, "NANSEN_WALLET_BACKUP_PASSPHRASE": "not this one"}
    )
    assert wrong.exit_code == 3 and "or this backup" in wrong.output
    restored = restore(tmp_path / "b", tmp_path / "old.backup")
    assert restored.exit_code == 0, restored.output


def test_content_of_the_wrong_shape_is_damaged(tmp_path: Path) -> None:
    params = KdfParams.fresh()
    key = params.derive(BACKUP_PASS)
    body = dumps(
        {
            "format": "nansen-wallet-backup-v2",
            "kdf": params.to_json(),
            "check": seal(key, b"nansen-wallet-backup", context="backup-check"),
            "box": seal(key, dumps({"credentials": "not a list"}), context="backup"),
        }
    )
    path = tmp_path / "b.backup"
    path.write_bytes(body + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n")
    assert restore(tmp_path / "new", path).exit_code == 5
