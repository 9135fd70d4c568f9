"""Random secrets and their stored form (SHA-256 hex); the secrets themselves are never stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_tx_code(length: int = 6) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(length))


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def matches(value: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(sha256_hex(value), stored_sha256)
