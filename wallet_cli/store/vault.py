"""Encryption at rest: scrypt (memory-hard; parameters stored with the file, refused below a floor)
and AES-256-GCM with the file's header as associated data. The passphrase is never stored."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "nansen-wallet-v1"
DEFAULT_N, MIN_N = 1 << 16, 1 << 15  # about 0.2 s per guess here; never below 0.1 s
R, P = 8, 1


class VaultError(Exception):
    """Base for wrong passphrase and damaged data."""


class WrongPassphrase(VaultError):
    pass


class DamagedData(VaultError):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    n: int = DEFAULT_N
    r: int = R
    p: int = P

    def to_json(self) -> dict[str, Any]:
        return {"kdf": "scrypt", "salt": _b64(self.salt), "n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, raw: Any) -> KdfParams:
        try:
            if raw["kdf"] != "scrypt":
                raise DamagedData("unknown key derivation")
            params = cls(_unb64(raw["salt"]), int(raw["n"]), int(raw["r"]), int(raw["p"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DamagedData("key derivation parameters are damaged") from exc
        if params.n < MIN_N or params.r < R or params.p < 1 or len(params.salt) < 16:
            raise DamagedData("key derivation parameters are below the safe minimum")
        return params

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(os.urandom(16))

    def derive(self, passphrase: str) -> bytes:
        return Scrypt(salt=self.salt, length=32, n=self.n, r=self.r, p=self.p).derive(
            passphrase.encode("utf-8")
        )


def seal(key: bytes, plaintext: bytes, *, context: str) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ciphertext": _b64(AESGCM(key).encrypt(nonce, plaintext, context.encode()))}


def open_sealed(key: bytes, box: Any, *, context: str) -> bytes:
    try:
        return AESGCM(key).decrypt(_unb64(box["nonce"]), _unb64(box["ciphertext"]), context.encode())
    except InvalidTag as exc:
        raise DamagedData(context) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise DamagedData(context) from exc


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
