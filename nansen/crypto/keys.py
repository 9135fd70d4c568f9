"""P-256 keys: generation, JWK and raw forms, RFC 7638 thumbprints, encryption at rest.

``PrivateKey`` wraps a ``cryptography`` key. ``PublicKey`` is parsed and its point validated once,
then reused for every signature: verification goes through the native ES256 verifier
(``nansen/crypto/_native.c``, OpenSSL libcrypto) when it is built, through ``cryptography`` otherwise.
``precomputed()`` gives the long-lived issuer keys a table that halves their verification cost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NewType

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    decode_dss_signature,
    encode_dss_signature,
)

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import EncodingError, KeyFormatError, UnsupportedKeyError, WrongPassphraseError
from nansen.crypto.native import native

Jwk = NewType("Jwk", dict[str, str])
"""A public P-256 JWK with exactly kty, crv, x, y."""

Kid = NewType("Kid", str)
"""A key id: the base64url RFC 7638 thumbprint."""

_CURVE = ec.SECP256R1()
_COORD_LEN = 32
_ECDSA_PREHASHED_SHA256 = ec.ECDSA(Prehashed(hashes.SHA256()))

if TYPE_CHECKING:
    from nansen.crypto._native import VerifyingKey

_NativeKey: type[VerifyingKey] | None = native.VerifyingKey if native else None

NATIVE_VERIFIER = _NativeKey is not None
"""Whether ES256 verification runs on the native module (else on ``cryptography``)."""


def _crypto_key(raw: bytes) -> ec.EllipticCurvePublicKey:
    """``cryptography``'s parse of x||y, which checks that the point is on the curve (ValueError)."""
    return ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, b"\x04" + raw)


class PublicKey:
    """A validated P-256 public key. Build it with ``public_key_from_raw``/``public_key_from_jwk``."""

    __slots__ = ("_crypto", "_native", "_raw")

    def __init__(self, raw: bytes, *, crypto: ec.EllipticCurvePublicKey | None = None) -> None:
        if len(raw) != 2 * _COORD_LEN:
            raise KeyFormatError(f"raw P-256 public key must be 64 bytes, got {len(raw)}")
        self._raw = bytes(raw)
        self._crypto = crypto
        self._native: VerifyingKey | None = None
        try:
            if _NativeKey is not None:
                self._native = _NativeKey(self._raw)  # checks that the point is on the curve
            elif crypto is None:
                self._crypto = _crypto_key(self._raw)
        except ValueError as exc:
            raise KeyFormatError("raw public key is not a point on P-256") from exc

    @property
    def key(self) -> ec.EllipticCurvePublicKey:
        """The same key as a ``cryptography`` object."""
        if self._crypto is None:
            self._crypto = _crypto_key(self._raw)
        return self._crypto

    def precomputed(self) -> PublicKey:
        """This key with a table of its multiples (about 150 KB): each verification costs about half.
        For the few long-lived keys a verifier checks again and again (issuers'), not holders'."""
        if self._native is not None:
            self._native.precompute()
        return self

    def verify_digest(self, digest: bytes, signature: bytes) -> bool:
        """A raw 64-byte r||s ES256 signature over a SHA-256 ``digest``."""
        if len(signature) != 2 * _COORD_LEN or len(digest) != 32:
            return False
        if self._native is not None:
            return self._native.verify_digest(digest, signature)
        r, s = int.from_bytes(signature[:_COORD_LEN], "big"), int.from_bytes(signature[_COORD_LEN:], "big")
        try:
            self.key.verify(encode_dss_signature(r, s), digest, _ECDSA_PREHASHED_SHA256)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"PublicKey(kid={self.kid()})"

    def raw(self) -> bytes:
        """The 64-byte x||y form used by the on-chain registry."""
        return self._raw

    def jwk(self) -> Jwk:
        raw = self.raw()
        return Jwk({"kty": "EC", "crv": "P-256", "x": b64url_encode(raw[:32]), "y": b64url_encode(raw[32:])})

    def kid(self) -> Kid:
        return jwk_kid(self.jwk())


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A P-256 private key. Never log or serialise it except through ``encrypt_private_key``."""

    key: ec.EllipticCurvePrivateKey

    def sign_digest(self, digest: bytes) -> bytes:
        """A raw 64-byte r||s ES256 signature over a SHA-256 ``digest`` (``verify_digest``'s twin)."""
        r, s = decode_dss_signature(self.key.sign(digest, _ECDSA_PREHASHED_SHA256))
        return r.to_bytes(_COORD_LEN, "big") + s.to_bytes(_COORD_LEN, "big")

    def public_key(self) -> PublicKey:
        public = self.key.public_key()
        point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return PublicKey(point[1:], crypto=public)

    def __repr__(self) -> str:
        return f"PrivateKey(kid={self.public_key().kid()})"


def generate_private_key() -> PrivateKey:
    return PrivateKey(ec.generate_private_key(_CURVE))


def public_key_from_raw(raw: bytes) -> PublicKey:
    """Parse the 64-byte x||y form; the point must be on P-256."""
    return PublicKey(raw)


def _coordinate(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} is missing or not a string")
    try:
        raw = b64url_decode(value)
    except EncodingError as exc:
        raise KeyFormatError(f"JWK member {name!r} is not base64url") from exc
    if len(raw) != _COORD_LEN:
        raise KeyFormatError(f"JWK member {name!r} must be 32 bytes, got {len(raw)}")
    return raw


def _check_type(jwk: Mapping[str, Any]) -> None:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("JWK is not a JSON object")
    if jwk.get("kty") != "EC":
        raise UnsupportedKeyError(f"JWK kty {str(jwk.get('kty'))[:20]!r} is not supported (only EC)")
    if jwk.get("crv") != "P-256":
        raise UnsupportedKeyError(f"JWK crv {str(jwk.get('crv'))[:20]!r} is not supported (only P-256)")


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Import a public P-256 JWK; refuses private members, other kty/crv, and off-curve points."""
    _check_type(jwk)
    if "d" in jwk:
        raise KeyFormatError("a public JWK must not carry the private member 'd'")
    return public_key_from_raw(_coordinate(jwk, "x") + _coordinate(jwk, "y"))


def private_key_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey:
    """Import a private P-256 JWK; x and y must match d."""
    _check_type(jwk)
    d = int.from_bytes(_coordinate(jwk, "d"), "big")
    try:
        key = PrivateKey(ec.derive_private_key(d, _CURVE))
    except ValueError as exc:
        raise KeyFormatError("JWK d is out of range for P-256") from exc
    if key.public_key().raw() != _coordinate(jwk, "x") + _coordinate(jwk, "y"):
        raise KeyFormatError("JWK x/y do not match d")
    return key


def private_key_to_jwk(key: PrivateKey) -> dict[str, str]:
    jwk: dict[str, str] = dict(key.public_key().jwk())
    jwk["d"] = b64url_encode(key.key.private_numbers().private_value.to_bytes(_COORD_LEN, "big"))
    return jwk


def jwk_thumbprint(jwk: Mapping[str, Any]) -> bytes:
    """RFC 7638 SHA-256 thumbprint of an EC P-256 JWK (required members, sorted, no whitespace)."""
    public = public_key_from_jwk({k: v for k, v in jwk.items() if k != "d"}).jwk()
    canonical = json.dumps(
        {"crv": public["crv"], "kty": public["kty"], "x": public["x"], "y": public["y"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).digest()


def jwk_kid(jwk: Mapping[str, Any]) -> Kid:
    """The base64url thumbprint, used as ``kid``."""
    return Kid(b64url_encode(jwk_thumbprint(jwk)))


def encrypt_private_key(key: PrivateKey, passphrase: bytes) -> bytes:
    """PEM PKCS#8 encrypted with the best scheme ``cryptography`` offers (PBES2, AES-256-CBC)."""
    if not passphrase:
        raise KeyFormatError("refusing to store a private key under an empty passphrase")
    return key.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_encrypted_private_key(data: bytes, passphrase: bytes) -> PrivateKey:
    """Inverse of ``encrypt_private_key``; ``WrongPassphraseError`` when the passphrase is wrong."""
    if b"ENCRYPTED PRIVATE KEY" not in data:
        raise KeyFormatError("not an encrypted PKCS#8 PEM private key")
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except (ValueError, TypeError) as exc:
        # cryptography reports a wrong passphrase and a corrupt file alike; the first is far likelier.
        raise WrongPassphraseError("could not decrypt the private key (wrong passphrase?)") from exc
    except UnsupportedAlgorithm as exc:
        raise UnsupportedKeyError("the private key uses an unsupported algorithm") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise UnsupportedKeyError("the stored private key is not a P-256 key")
    return PrivateKey(key)
