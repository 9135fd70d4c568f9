"""The wallet on disk: a header with the encrypted holder key, one encrypted file per credential,
and one encrypted file per history event. Every write is atomic; a damaged file harms only itself."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet_cli.store.files import clean_stale_temp_files, write_atomic
from wallet_cli.store.vault import FORMAT, DamagedData, KdfParams, WrongPassphrase, dumps, open_sealed, seal

HEADER = "wallet.json"
CHECK = b"nansen-wallet"


@dataclass(frozen=True)
class StoredCredential:
    id: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Damaged:
    id: str
    path: Path


class Wallet:
    def __init__(
        self, directory: Path, key: bytes, holder_jwk: dict[str, Any], dpop_jwk: dict[str, Any] | None = None
    ) -> None:
        self.directory = directory
        self._key = key
        self.holder_jwk = holder_jwk
        self._dpop_jwk = dpop_jwk

    # -- creation and unlocking ------------------------------------------------------------------
    @staticmethod
    def exists(directory: Path) -> bool:
        return (directory / HEADER).is_file()

    @classmethod
    def create(cls, directory: Path, passphrase: str, holder_jwk: dict[str, Any]) -> Wallet:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for sub in ("credentials", "history"):
            (directory / sub).mkdir(exist_ok=True, mode=0o700)
        params = KdfParams.fresh()
        key = params.derive(passphrase)
        header = {
            "format": FORMAT,
            "kdf": params.to_json(),
            "check": seal(key, CHECK, context="check"),
            "holder_key": seal(key, dumps(holder_jwk), context="holder_key"),
        }
        write_atomic(directory / HEADER, dumps(header))
        return cls(directory, key, holder_jwk)

    @classmethod
    def unlock(cls, directory: Path, passphrase: str) -> Wallet:
        clean_stale_temp_files(directory)
        try:
            header = json.loads((directory / HEADER).read_bytes())
        except (OSError, ValueError) as exc:
            raise DamagedData(str(directory / HEADER)) from exc
        key = KdfParams.from_json(header.get("kdf")).derive(passphrase)
        try:
            if open_sealed(key, header.get("check"), context="check") != CHECK:
                raise WrongPassphrase
        except DamagedData as exc:
            raise WrongPassphrase from exc
        holder = json.loads(open_sealed(key, header.get("holder_key"), context="holder_key"))
        sealed_dpop = header.get("dpop_key")
        dpop = json.loads(open_sealed(key, sealed_dpop, context="dpop_key")) if sealed_dpop else None
        return cls(directory, key, holder, dpop)

    def dpop_jwk(self) -> dict[str, Any]:
        """The wallet's DPoP key (RFC 9449), made and sealed into the header the first time an
        authorization server asks for DPoP. One per wallet, apart from the holder key: it proves
        who holds an access token, never who holds a credential."""
        if self._dpop_jwk is None:
            from nansen.crypto.keys import generate_private_key, private_key_to_jwk

            fresh = dict(private_key_to_jwk(generate_private_key()))
            header = json.loads((self.directory / HEADER).read_bytes())
            header["dpop_key"] = seal(self._key, dumps(fresh), context="dpop_key")
            write_atomic(self.directory / HEADER, dumps(header))
            self._dpop_jwk = fresh
        return self._dpop_jwk

    # -- credentials -------------------------------------------------------------------------------
    def _credential_path(self, credential_id: str) -> Path:
        return self.directory / "credentials" / f"{credential_id}.json"

    def add_credential(self, record: dict[str, Any]) -> str:
        credential_id = secrets.token_hex(4)
        self._write_credential(credential_id, record)
        return credential_id

    def replace_credential(self, credential_id: str, record: dict[str, Any]) -> None:
        """Rewrites a stored credential atomically (e.g. once it could be checked on chain)."""
        if not credential_id.isalnum() or not self._credential_path(credential_id).is_file():
            raise KeyError(credential_id)
        self._write_credential(credential_id, record)

    def _write_credential(self, credential_id: str, record: dict[str, Any]) -> None:
        box = seal(self._key, dumps(record), context=f"credential:{credential_id}")
        write_atomic(
            self._credential_path(credential_id), dumps({"format": FORMAT, "id": credential_id, "box": box})
        )

    def credentials(self) -> tuple[list[StoredCredential], list[Damaged]]:
        good: list[StoredCredential] = []
        bad: list[Damaged] = []
        for path in sorted((self.directory / "credentials").glob("*.json")):
            credential_id = path.stem
            try:
                raw = json.loads(path.read_bytes())
                record = json.loads(open_sealed(self._key, raw["box"], context=f"credential:{credential_id}"))
                good.append(StoredCredential(credential_id, record))
            except (OSError, ValueError, KeyError, TypeError, DamagedData):
                bad.append(Damaged(credential_id, path))
        good.sort(key=lambda c: c.record.get("received_at", 0))
        return good, bad

    def has_credential(self, credential_id: str) -> bool:
        """Whether the credential's file is there (readable or not)."""
        return credential_id.isalnum() and self._credential_path(credential_id).is_file()

    def credential(self, credential_id: str) -> StoredCredential | None:
        path = self._credential_path(credential_id)
        if not credential_id.isalnum() or not path.is_file():
            return None
        try:
            raw = json.loads(path.read_bytes())
            record = json.loads(open_sealed(self._key, raw["box"], context=f"credential:{credential_id}"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DamagedData(str(path)) from exc
        return StoredCredential(credential_id, record)

    def delete_credential(self, credential_id: str) -> bool:
        path = self._credential_path(credential_id)
        if not credential_id.isalnum() or not path.is_file():
            return False
        path.unlink()
        return True

    # -- history ---------------------------------------------------------------------------------
    def record_event(self, event: dict[str, Any]) -> None:
        stamp = f"{time.time_ns():020d}-{secrets.token_hex(3)}"
        body = {"when": int(time.time()), **event}
        box = seal(self._key, dumps(body), context=f"history:{stamp}")
        write_atomic(self.directory / "history" / f"{stamp}.json", dumps({"format": FORMAT, "box": box}))

    def history(self) -> tuple[list[dict[str, Any]], int]:
        events, damaged = [], 0
        for path in sorted((self.directory / "history").glob("*.json")):
            try:
                raw = json.loads(path.read_bytes())
                events.append(json.loads(open_sealed(self._key, raw["box"], context=f"history:{path.stem}")))
            except (OSError, ValueError, KeyError, TypeError, DamagedData):
                damaged += 1
        return events, damaged

    # -- backup ------------------------------------------------------------------------------------
    def export_all(self) -> dict[str, Any]:
        credentials, _ = self.credentials()
        events, _ = self.history()
        return {
            "holder_jwk": self.holder_jwk,
            "credentials": [c.record for c in credentials],
            "history": events,
        }
