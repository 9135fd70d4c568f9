"""One encrypted backup file (its own passphrase, same KDF floor) that restores a whole wallet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wallet_cli.store.files import write_atomic
from wallet_cli.store.vault import FORMAT, DamagedData, KdfParams, WrongPassphrase, dumps, open_sealed, seal

BACKUP_FORMAT = FORMAT + "-backup"


def write_backup(path: Path, content: dict[str, Any], passphrase: str) -> None:
    params = KdfParams.fresh()
    key = params.derive(passphrase)
    write_atomic(
        path,
        dumps(
            {
                "format": BACKUP_FORMAT,
                "kdf": params.to_json(),
                "box": seal(key, dumps(content), context="backup"),
            }
        ),
    )


def read_backup(path: Path, passphrase: str) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_bytes())
        if raw.get("format") != BACKUP_FORMAT:
            raise DamagedData("not a Nansen wallet backup")
    except (OSError, ValueError) as exc:
        raise DamagedData(str(path)) from exc
    key = KdfParams.from_json(raw.get("kdf")).derive(passphrase)
    try:
        content: dict[str, Any] = json.loads(open_sealed(key, raw.get("box"), context="backup"))
    except DamagedData as exc:
        raise WrongPassphrase from exc
    return content
