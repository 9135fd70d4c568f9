"""Self-contained, MAC-protected values: the c_nonce and the access token.

Neither needs a database write to mint or a lookup to check, so every worker process can check what
any other minted. Each is ``base64url(kind | expiry | subject) . base64url(HMAC-SHA256[:16])`` under
a secret derived (HKDF) from the issuer's signing key; ``kind`` keeps a nonce from passing as an
access token. Single use is enforced where it matters: a c_nonce is recorded with the credential it
was spent on (unique), an access token can fetch its one credential only once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from hashlib import sha256

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import EncodingError
from nansen.crypto.keys import PrivateKey, private_key_to_jwk

NONCE, ACCESS_TOKEN = b"n", b"a"
_MAC_BYTES = 16
_MAX_TOKEN_CHARS = 512


class TokenMinter:
    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret needs at least 32 bytes")
        self._secret = secret
        self._clock = clock

    @classmethod
    def from_signing_key(cls, key: PrivateKey) -> TokenMinter:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nansen issuer tokens v1")
        return cls(hkdf.derive(b64url_decode(private_key_to_jwk(key)["d"])))

    def mint(self, kind: bytes, subject: str, ttl_seconds: int) -> str:
        expiry = int(self._clock()) + ttl_seconds
        body = kind + expiry.to_bytes(8, "big") + subject.encode()
        return f"{b64url_encode(body)}.{b64url_encode(self._mac(body))}"

    def new_nonce(self, ttl_seconds: int) -> str:
        return self.mint(NONCE, secrets.token_urlsafe(16), ttl_seconds)

    def open(self, kind: bytes, token: str) -> str | None:
        """The subject of a genuine, unexpired token of this kind; None otherwise."""
        if not isinstance(token, str) or len(token) > _MAX_TOKEN_CHARS or token.count(".") != 1:
            return None
        encoded_body, encoded_mac = token.split(".")
        try:
            body, mac = b64url_decode(encoded_body), b64url_decode(encoded_mac)
        except EncodingError:
            return None
        if not hmac.compare_digest(mac, self._mac(body)) or body[:1] != kind or len(body) < 9:
            return None
        if int.from_bytes(body[1:9], "big") < self._clock():
            return None
        try:
            return body[9:].decode()
        except UnicodeDecodeError:
            return None

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._secret, body, sha256).digest()[:_MAC_BYTES]
