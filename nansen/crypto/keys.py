"""P-256 keys: generation, JWK and raw forms, RFC 7638 thumbprints, encryption at rest.

``PrivateKey``/``PublicKey`` are thin frozen wrappers over ``cryptography`` objects so that a key
is parsed and its point validated once, then reused for every signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NewType

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import EncodingError, KeyFormatError, UnsupportedKeyError, WrongPassphraseError

Jwk = NewType("Jwk", dict[str, str])
"""A public P-256 JWK with exactly kty, crv, x, y."""

Kid = NewType("Kid", str)
"""A key id: the base64url RFC 7638 thumbprint."""

_CURVE = ec.SECP256R1()
_COORD_LEN = 32


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A validated P-256 public key."""

    key: ec.EllipticCurvePublicKey

    def raw(self) -> bytes:
        """The 64-byte x||y form used by the on-chain registry."""
        point = self.key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return point[1:]

    def jwk(self) -> Jwk:
        raw = self.raw()
        return Jwk({"kty": "EC", "crv": "P-256", "x": b64url_encode(raw[:32]), "y": b64url_encode(raw[32:])})

    def kid(self) -> Kid:
        return jwk_kid(self.jwk())


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A P-256 private key. Never log or serialise it except through ``encrypt_private_key``."""

    key: ec.EllipticCurvePrivateKey

    def public_key(self) -> PublicKey:
        return PublicKey(self.key.public_key())

    def __repr__(self) -> str:
        return f"PrivateKey(kid={self.public_key().kid()})"


def generate_private_key() -> PrivateKey:
    return PrivateKey(ec.generate_private_key(_CURVE))


def public_key_from_raw(raw: bytes) -> PublicKey:
    """Parse the 64-byte x||y form; the point must be on P-256."""
    if len(raw) != 2 * _COORD_LEN:
        raise KeyFormatError(f"raw P-256 public key must be 64 bytes, got {len(raw)}")
    try:
        return PublicKey(ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, b"\x04" + raw))
    except ValueError as exc:
        raise KeyFormatError("raw public key is not a point on P-256") from exc


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
