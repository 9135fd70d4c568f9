"""One encrypted backup file (its own passphrase, same KDF floor) that restores a whole wallet.

A backup travels on USB sticks and phones, so bits flip. Telling a person "wrong passphrase" about a
damaged file sends them guessing passphrases for ever; so the file answers two questions apart:

1. Is the file intact? The body ends with its SHA-256 (no key needed): any flipped bit, anywhere, is
   "damaged" before a passphrase is even asked. The digest is not a defence against someone who
   edits the file on purpose (they can recompute it); the AEAD below is.
2. Is the passphrase right? A small ``check`` box (AES-GCM, as the wallet's own header) opens only
   with the right key. If it opens and the content does not, the content was altered: "damaged".

Layout (version 2)::

    {"format":"nansen-wallet-backup-v2","kdf":{...},"check":{box},"box":{box}}\\n<sha256 hex of the line>\\n

Backups written before version 2 (one JSON object, no digest, no check box) are still read; for them
a failed decryption cannot say which of the two it is, and the message says both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet_cli.store.files import write_atomic
from wallet_cli.store.vault import FORMAT, DamagedData, KdfParams, WrongPassphrase, dumps, open_sealed, seal

LEGACY_FORMAT = FORMAT + "-backup"
BACKUP_FORMAT = "nansen-wallet-backup-v2"
CHECK = b"nansen-wallet-backup"
MAX_BACKUP_BYTES = 256 * 1024 * 1024


class WrongPassphraseOrDamaged(WrongPassphrase):
    """A backup of the first format did not open: wrong passphrase or damaged, it cannot tell."""


@dataclass(frozen=True)
class SealedBackup:
    """A backup file whose structure is intact; its content opens with the right passphrase."""

    kdf: KdfParams
    check: Any  # None for a backup of the first format
    box: Any

    def open(self, passphrase: str) -> dict[str, Any]:
        key = self.kdf.derive(passphrase)
        if self.check is None:
            try:
                return _content(open_sealed(key, self.box, context="backup"))
            except DamagedData as exc:
                raise WrongPassphraseOrDamaged from exc
        try:
            checked = open_sealed(key, self.check, context="backup-check")
        except DamagedData as exc:
            raise WrongPassphrase from exc
        if checked != CHECK:
            raise DamagedData("backup check value")
        return _content(open_sealed(key, self.box, context="backup"))


def write_backup(path: Path, content: dict[str, Any], passphrase: str) -> None:
    params = KdfParams.fresh()
    key = params.derive(passphrase)
    body = dumps(
        {
            "format": BACKUP_FORMAT,
            "kdf": params.to_json(),
            "check": seal(key, CHECK, context="backup-check"),
            "box": seal(key, dumps(content), context="backup"),
        }
    )
    write_atomic(path, body + b"\n" + hashlib.sha256(body).hexdigest().encode() + b"\n")


def read_backup_file(path: Path) -> SealedBackup:
    """The backup's structure, checked without the passphrase; raises ``DamagedData``."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BACKUP_BYTES + 1)
    except OSError as exc:
        raise DamagedData(str(path)) from exc
    if len(data) > MAX_BACKUP_BYTES:
        raise DamagedData("too large for a wallet backup")
    legacy = _legacy(data)
    if legacy is not None:
        return legacy
    body, _newline, digest = data.removesuffix(b"\n").rpartition(b"\n")
    if not data.endswith(b"\n") or not hmac.compare_digest(hashlib.sha256(body).hexdigest().encode(), digest):
        raise DamagedData("the backup's digest does not match")
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise DamagedData("not a Nansen wallet backup") from exc
    if not isinstance(raw, dict) or raw.get("format") != BACKUP_FORMAT:
        raise DamagedData("not a Nansen wallet backup")
    return SealedBackup(KdfParams.from_json(raw.get("kdf")), raw.get("check"), raw.get("box"))


def read_backup(path: Path, passphrase: str) -> dict[str, Any]:
    return read_backup_file(path).open(passphrase)


def _legacy(data: bytes) -> SealedBackup | None:
    """A backup of the first format (one JSON object), or None. A version 2 file never parses as
    one JSON value (its digest line follows), so a damaged version 2 file is never read as legacy."""
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, dict) or raw.get("format") != LEGACY_FORMAT:
        return None
    return SealedBackup(KdfParams.from_json(raw.get("kdf")), None, raw.get("box"))


def _content(plaintext: bytes) -> dict[str, Any]:
    try:
        content = json.loads(plaintext)
    except ValueError as exc:
        raise DamagedData("backup content") from exc
    if (
        not isinstance(content, dict)
        or not isinstance(content.get("holder_jwk"), dict)
        or not isinstance(content.get("credentials", []), list)
        or not isinstance(content.get("history", []), list)
        or not all(isinstance(item, dict) for item in content.get("credentials", []))
        or not all(isinstance(item, dict) for item in content.get("history", []))
    ):
        raise DamagedData("backup content")
    return content
