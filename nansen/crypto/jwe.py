"""Compact JWE (RFC 7516) with ECDH-ES direct key agreement on P-256 and AES-GCM, nothing else.

This is what OpenID4VP 1.0 ``direct_post.jwt`` (section 8.3), HAIP and OpenID4VCI 1.0 credential
response encryption (section 10) use: the sender makes an ephemeral P-256 key, agrees a secret with
the recipient's key and derives the content key with the Concat KDF (RFC 7518 section 4.6.2, where
AlgorithmID is the ``enc`` value for direct key agreement). The encrypted key part is empty.

Decryption is strict: ``alg`` must be ``ECDH-ES``, ``enc`` one of the caller's allow-list, no ``zip``
(a compressed plaintext is a decompression bomb waiting for a size check) and no ``crit``; the
ephemeral key must be a public P-256 point on the curve (an off-curve point would leak the
recipient's private key, the invalid-curve attack), and the tag must verify. Every refusal is a
``JweError`` with its reason code; nothing here says which of two keys "almost" worked.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import JsonError, JweAlgorithmError, JweDecryptionError, JweError
from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.keys import PrivateKey, PublicKey, generate_private_key, public_key_from_jwk
from nansen.errors import CryptoError

ALG = "ECDH-ES"
CONTENT_KEY_BYTES: Mapping[str, int] = {"A128GCM": 16, "A256GCM": 32}
DEFAULT_ENC = "A128GCM"  # OpenID4VP 1.0 section 8.3: the default when the verifier names none
DEFAULT_MAX_BYTES = 256 * 1024
_IV_BYTES, _TAG_BYTES = 12, 16


@dataclass(frozen=True, slots=True)
class DecryptedJwe:
    header: dict[str, Any]
    plaintext: bytes


def encrypt_ecdh_es(
    plaintext: bytes,
    recipient: PublicKey,
    *,
    enc: str = DEFAULT_ENC,
    kid: str | None = None,
    apu: bytes | None = None,
    apv: bytes | None = None,
    extra_header: Mapping[str, Any] | None = None,
) -> str:
    """The compact JWE of ``plaintext`` for ``recipient``; ``kid`` names the recipient's key."""
    if enc not in CONTENT_KEY_BYTES:
        raise JweAlgorithmError(f"enc {enc[:20]!r} is not supported (A128GCM or A256GCM)")
    ephemeral = generate_private_key()
    header: dict[str, Any] = dict(extra_header or {})
    header.update({"alg": ALG, "enc": enc, "epk": dict(ephemeral.public_key().jwk())})
    if kid is not None:
        header["kid"] = kid
    if apu is not None:
        header["apu"] = b64url_encode(apu)
    if apv is not None:
        header["apv"] = b64url_encode(apv)
    encoded_header = b64url_encode(json.dumps(header, separators=(",", ":")).encode())
    key = _content_key(ephemeral, recipient, enc, apu or b"", apv or b"")
    iv = os.urandom(_IV_BYTES)
    sealed = AESGCM(key).encrypt(iv, plaintext, encoded_header.encode("ascii"))
    ciphertext, tag = sealed[:-_TAG_BYTES], sealed[-_TAG_BYTES:]
    return ".".join((encoded_header, "", b64url_encode(iv), b64url_encode(ciphertext), b64url_encode(tag)))


def peek_header(token: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The protected header, unauthenticated: only for choosing the key (``kid``) to decrypt with."""
    return _header(_parts(token, max_bytes)[0])


def decrypt_ecdh_es(
    token: str,
    recipient: PrivateKey,
    *,
    allowed_enc: Iterable[str] = CONTENT_KEY_BYTES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DecryptedJwe:
    """The header and plaintext of a compact JWE made for ``recipient``; a ``JweError`` otherwise."""
    encoded_header, encrypted_key, iv, ciphertext, tag = _parts(token, max_bytes)
    header = _header(encoded_header)
    enc = _checked_algorithms(header, frozenset(allowed_enc))
    if encrypted_key:
        raise JweError("an ECDH-ES JWE carries no encrypted key, but this one does")
    ephemeral = _ephemeral_key(header)
    apu, apv = _party_info(header, "apu"), _party_info(header, "apv")
    raw_iv, raw_tag = _decoded(iv, "iv"), _decoded(tag, "tag")
    if len(raw_iv) != _IV_BYTES or len(raw_tag) != _TAG_BYTES:
        raise JweError("JWE iv must be 12 bytes and its tag 16 bytes for AES-GCM")
    key = _content_key(recipient, ephemeral, enc, apu, apv)
    try:
        plaintext = AESGCM(key).decrypt(
            raw_iv, _decoded(ciphertext, "ciphertext") + raw_tag, encoded_header.encode("ascii")
        )
    except InvalidTag:
        raise JweDecryptionError(
            "the JWE does not decrypt with this key (another key's, or damaged)"
        ) from None
    return DecryptedJwe(header, plaintext)


def _parts(token: str, max_bytes: int) -> tuple[str, str, str, str, str]:
    if not isinstance(token, str) or not token.isascii():
        raise JweError("a compact JWE is ASCII text")
    if len(token) > max_bytes:
        raise JweError(f"JWE of {len(token)} bytes exceeds the limit of {max_bytes}")
    parts = token.split(".")
    if len(parts) != 5:
        raise JweError(f"a compact JWE has 5 parts separated by '.', this has {len(parts)}")
    return parts[0], parts[1], parts[2], parts[3], parts[4]


def _decoded(part: str, name: str) -> bytes:
    try:
        return b64url_decode(part)
    except CryptoError:
        raise JweError(f"JWE {name} is not base64url") from None


def _header(encoded: str) -> dict[str, Any]:
    try:
        header = loads_strict(_decoded(encoded, "header"))
    except JsonError as exc:
        raise JweError(f"JWE header is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise JweError("JWE header is not a JSON object")
    return header


def _checked_algorithms(header: Mapping[str, Any], allowed_enc: frozenset[str]) -> str:
    alg, enc = header.get("alg"), header.get("enc")
    if alg != ALG:
        raise JweAlgorithmError(f"JWE alg {str(alg)[:20]!r} is not allowed (only {ALG})")
    if not isinstance(enc, str) or enc not in allowed_enc or enc not in CONTENT_KEY_BYTES:
        raise JweAlgorithmError(
            f"JWE enc {str(enc)[:20]!r} is not allowed ({', '.join(sorted(allowed_enc))})"
        )
    if "zip" in header:
        raise JweAlgorithmError("compressed JWE plaintext (zip) is not accepted")
    if "crit" in header:
        raise JweAlgorithmError("JWE crit header parameters are not understood")
    return enc


def _ephemeral_key(header: Mapping[str, Any]) -> PublicKey:
    epk = header.get("epk")
    if not isinstance(epk, Mapping):
        raise JweError("JWE header has no ephemeral public key (epk)")
    try:
        return public_key_from_jwk(epk)  # refuses private members, other curves, off-curve points
    except CryptoError as exc:
        raise JweError(f"JWE epk is not a P-256 public key: {exc}") from None


def _party_info(header: Mapping[str, Any], name: str) -> bytes:
    value = header.get(name)
    if value is None:
        return b""
    if not isinstance(value, str):
        raise JweError(f"JWE {name} is not a base64url string")
    return _decoded(value, name)


def _content_key(private: PrivateKey, public: PublicKey, enc: str, apu: bytes, apv: bytes) -> bytes:
    shared = private.key.exchange(ec.ECDH(), public.key)
    length = CONTENT_KEY_BYTES[enc]
    other_info = b"".join(
        (
            _length_prefixed(enc.encode("ascii")),
            _length_prefixed(apu),
            _length_prefixed(apv),
            (8 * length).to_bytes(4, "big"),
        )
    )
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=length, otherinfo=other_info).derive(shared)


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data
