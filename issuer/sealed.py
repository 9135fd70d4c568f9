"""Personal data at rest under a key the database never holds.

Deleting a row does not delete its bytes: SQLite keeps old page images in its WAL until a
checkpoint (secure_delete does not reach WAL frames), and PostgreSQL keeps dead tuples until
VACUUM and every change in its WAL segments and archives, which an operator may keep for years.
Checkpointing after each purge would cover only SQLite's own files and fight every wallet's
transaction for the write lock. So an offer's claims, and the disclosures of its credential, are
stored only sealed (AES-256-GCM) under a key derived from the offer's pre-authorized code. The
database holds nothing but the code's SHA-256; the key lives in the wallet's access token (the
wallet's own secret, which can fetch the credential anyway) and in memory while a request is
answered. Once the access token has expired, no copy in any file, backup or WAL archive can be
read: the key is gone with it. The sealed rows are deleted then too (issuer.retention).

Because the issuer can open the sealed credential whenever the wallet comes back with its token, a
wallet whose answer was lost can ask again and get the same credential (issuer.issuance).
With a retention period above zero the operator asked to keep the claims: the key is then stored
with the offer at delivery, and deleted with the claims when the period ends.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import EncodingError
from nansen.openid4vci.errors import invalid_request

SEALED = "sealed"  # the one member of a sealed offer's claims column
_NONCE_BYTES = 12
NOT_HELD = "The claims of this offer are no longer held."


@dataclass(frozen=True, slots=True)
class Grant:
    """What a genuine access token stands for: its offer, the key its claims are sealed under (None
    in a token minted before sealing existed, whose offer's claims are plain), and the thumbprint of
    the DPoP key it is bound to (None for a bearer token). In the token: ``offer key [jkt]``, each
    base64url, so spaces part them."""

    offer_id: str
    key: bytes | None
    jkt: str | None = None

    def subject(self) -> str:
        assert self.key is not None
        return " ".join([self.offer_id, b64url_encode(self.key), *([self.jkt] if self.jkt else [])])

    @classmethod
    def parse(cls, subject: str | None) -> Grant | None:
        if subject is None:
            return None
        parts = subject.split(" ")
        if len(parts) == 1:
            return cls(parts[0], None)
        if len(parts) > 3:
            return None
        try:
            key = b64url_decode(parts[1])
        except EncodingError:
            return None
        return cls(parts[0], key, parts[2] if len(parts) == 3 else None)


def offer_key(pre_authorized_code: str, offer_id: str) -> bytes:
    """The offer's sealing key: only someone holding the code (never stored) can derive it."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"nansen offer claims v1|" + offer_id.encode()
    )
    return hkdf.derive(pre_authorized_code.encode())


def seal(key: bytes, value: Any, *, context: str) -> str:
    """``value`` (JSON) sealed under ``key``; ``context`` (e.g. the offer id) is authenticated with it,
    so a sealed value cannot be moved to another row."""
    nonce = os.urandom(_NONCE_BYTES)
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return b64url_encode(nonce + AESGCM(key).encrypt(nonce, plain, context.encode()))


def unseal(key: bytes, sealed: str, *, context: str) -> Any:
    """The value ``seal`` sealed; a refusal where the key or context do not fit (never a guess)."""
    try:
        raw = b64url_decode(sealed)
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
    except (EncodingError, InvalidTag, ValueError) as exc:
        raise invalid_request(NOT_HELD) from exc
    return json.loads(plain)


def sealed_claims(key: bytes, claims: dict[str, Any], *, offer_id: str) -> dict[str, str]:
    return {SEALED: seal(key, claims, context=offer_id)}


def open_claims(key: bytes | None, stored: Any, *, offer_id: str) -> dict[str, Any]:
    """An offer's claims from its stored form; claims stored before sealing existed are plain."""
    if stored is None:
        raise invalid_request(NOT_HELD)
    if not (isinstance(stored, dict) and set(stored) == {SEALED}):
        return dict(stored)  # written by an earlier version, before an upgrade
    if key is None:
        raise invalid_request(NOT_HELD)
    claims = unseal(key, stored[SEALED], context=offer_id)
    if not isinstance(claims, dict):
        raise invalid_request(NOT_HELD)
    return claims
