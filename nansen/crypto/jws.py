"""Compact JWS (RFC 7515) with ES256 only.

The allow-list of algorithms is explicit; ``none``, HMAC and everything else are refused before any
key is touched. Header parameters that carry their own key (``jwk``, ``jku``, ``x5u``, ``x5c``) are
refused unless the caller allows them, and ``crit`` must only name parameters the caller understands.

ES256 signatures are malleable (``(r, s)`` and ``(r, n - s)`` both verify), so two different token
strings can carry the same signed content. Bookkeeping (replay caches, revocation) must key on
``signed_content_digest`` = SHA-256 of the signing input ``header.payload``, never on the token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, NewType

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import (
    AlgorithmNotAllowedError,
    CritNotUnderstoodError,
    EncodingError,
    ForbiddenHeaderError,
    JsonError,
    JwsError,
    SignatureInvalidError,
)
from nansen.crypto.jsonstrict import DEFAULT_MAX_BYTES, loads_strict
from nansen.crypto.keys import PrivateKey, PublicKey

ContentDigest = NewType("ContentDigest", bytes)
"""SHA-256 of a JWS signing input (``b64(header) '.' b64(payload)``): stable under signature malleation."""

DEFAULT_ALGS: frozenset[str] = frozenset({"ES256"})
KEY_CARRYING_HEADERS: frozenset[str] = frozenset({"jwk", "jku", "x5u", "x5c"})

_HALF = 32
_REMEMBERED_HEADER_CHARS = 512  # so the remembered headers stay small, whoever sends them
# Order of the P-256 group: needed to describe (and test) the s -> n - s malleation.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class UnverifiedJws(NamedTuple):
    """A parsed but NOT verified compact JWS. Nothing in it may be trusted yet. (A NamedTuple: the
    C module's SD-JWT reader makes these directly.)"""

    header: dict[str, Any]
    payload: bytes
    digest: ContentDigest  # SHA-256 of the signing input, ``b64(header) '.' b64(payload)``
    signature: bytes


@dataclass(frozen=True, slots=True)
class VerifiedJws:
    header: dict[str, Any]
    payload: bytes
    signed_content_digest: ContentDigest


def signing_input_digest(signing_input: bytes) -> ContentDigest:
    return ContentDigest(hashlib.sha256(signing_input).digest())


def signed_content_digest(unverified_token: str) -> ContentDigest:
    """Digest of ``header.payload`` of a compact JWS (does NOT verify it)."""
    head, sep, _ = unverified_token.rpartition(".")
    if not sep or head.count(".") != 1:
        raise JwsError("not a compact JWS")
    try:
        return signing_input_digest(head.encode("ascii"))
    except UnicodeEncodeError as exc:
        raise JwsError("compact JWS is not ASCII") from exc


def parse_compact(unverified_token: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> UnverifiedJws:
    """Split and decode a compact JWS; checks form only, not the signature or the header policy."""
    if len(unverified_token) > max_bytes:
        raise JwsError(f"compact JWS exceeds {max_bytes} characters")
    parts = unverified_token.split(".")
    if len(parts) != 3:
        raise JwsError("compact JWS must have three parts")
    head_b64, payload_b64, sig_b64 = parts
    try:
        header = _parse_header(head_b64, max_bytes)
        payload = b64url_decode(payload_b64)
        signature = b64url_decode(sig_b64)
        digest = signing_input_digest(f"{head_b64}.{payload_b64}".encode("ascii"))
    except EncodingError as exc:
        raise JwsError(f"compact JWS part is not base64url: {exc}") from exc
    except UnicodeEncodeError as exc:  # pragma: no cover - b64 check already enforces ASCII
        raise JwsError("compact JWS is not ASCII") from exc
    except JsonError as exc:
        if type(exc) is not JsonError:
            raise  # duplicate key / too large / too deep keep their specific reason
        raise JwsError(f"JWS header is not JSON: {exc}") from exc
    return UnverifiedJws(header, payload, digest, signature)


def _parse_header(head_b64: str, max_bytes: int) -> dict[str, Any]:
    """The header as a JSON object. An issuer signs every credential, and a holder every KB-JWT,
    under the same few header texts, so short flat ones (every value a string, number, boolean or
    null) are remembered once parsed, and each caller gets a copy of its own; refusals and headers
    with nested values (``jwk``, ``crit``...) are parsed afresh every time."""
    if len(head_b64) <= _REMEMBERED_HEADER_CHARS:
        flat = _remembered_flat_header(head_b64)
        if flat is not None:
            return dict(flat)
    return _decode_header(head_b64, max_bytes)


@lru_cache(maxsize=256)
def _remembered_flat_header(head_b64: str) -> tuple[tuple[str, str | int | float | bool | None], ...] | None:
    header = _decode_header(head_b64, DEFAULT_MAX_BYTES)  # at most 512 characters: within any limit
    items = tuple(header.items())
    return items if all(v is None or isinstance(v, str | int | float) for _, v in items) else None


def _decode_header(head_b64: str, max_bytes: int) -> dict[str, Any]:
    header = loads_strict(b64url_decode(head_b64), max_bytes=max_bytes)
    if not isinstance(header, dict):
        raise JwsError("JWS header is not a JSON object")
    return header


def check_header(
    header: Mapping[str, Any],
    *,
    allowed_algs: frozenset[str] = DEFAULT_ALGS,
    allowed_header_keys: frozenset[str] = frozenset(),
    understood_crit: frozenset[str] = frozenset(),
) -> None:
    """Apply the header policy: alg allow-list, key-carrying headers, ``crit``."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in allowed_algs or alg not in DEFAULT_ALGS:
        raise AlgorithmNotAllowedError(f"JWS alg {str(alg)[:20]!r} is not allowed")
    forbidden = (KEY_CARRYING_HEADERS - allowed_header_keys) & header.keys()
    if forbidden:
        raise ForbiddenHeaderError(f"JWS header carries forbidden key parameter(s) {sorted(forbidden)}")
    if "crit" in header:
        crit = header["crit"]
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise JwsError("JWS crit must be a non-empty list of strings")
        unknown = [c for c in crit if c not in understood_crit or c not in header]
        if unknown:
            raise CritNotUnderstoodError(f"JWS crit names parameters we do not understand: {unknown[:5]}")


def verify_signature(unverified: UnverifiedJws, key: PublicKey) -> ContentDigest:
    """Check the raw r||s ES256 signature; return the signed-content digest."""
    if len(unverified.signature) != 2 * _HALF:
        raise SignatureInvalidError("ES256 signature must be 64 bytes")
    digest = unverified.digest  # hashed once, at parsing: bookkeeping keys on it too
    if not key.verify_digest(digest, unverified.signature):
        raise SignatureInvalidError("JWS signature does not verify")
    return digest


def verify_parsed(
    unverified: UnverifiedJws,
    key: PublicKey,
    *,
    allowed_algs: frozenset[str] = DEFAULT_ALGS,
    allowed_header_keys: frozenset[str] = frozenset(),
    understood_crit: frozenset[str] = frozenset(),
) -> VerifiedJws:
    check_header(
        unverified.header,
        allowed_algs=allowed_algs,
        allowed_header_keys=allowed_header_keys,
        understood_crit=understood_crit,
    )
    digest = verify_signature(unverified, key)
    return VerifiedJws(unverified.header, unverified.payload, digest)


def verify_compact(
    unverified_token: str,
    key: PublicKey,
    *,
    allowed_algs: frozenset[str] = DEFAULT_ALGS,
    allowed_header_keys: frozenset[str] = frozenset(),
    understood_crit: frozenset[str] = frozenset(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> VerifiedJws:
    """Parse, apply the header policy and verify; returns header, payload bytes and content digest."""
    return verify_parsed(
        parse_compact(unverified_token, max_bytes=max_bytes),
        key,
        allowed_algs=allowed_algs,
        allowed_header_keys=allowed_header_keys,
        understood_crit=understood_crit,
    )


def sign_compact(*, header: Mapping[str, Any], payload: bytes, key: PrivateKey) -> str:
    """Sign ``payload`` with ES256; ``alg`` is set here, any other header members are kept."""
    return sign_compact_with_digest(header=header, payload=payload, key=key)[0]


def _encoded_header(header: Mapping[str, Any]) -> str:
    """b64url of the compact JSON header with ``alg`` first. An issuer signs every credential under
    the same few headers, so flat ones (string values) are encoded once and remembered."""
    items = tuple(header.items())
    if all(type(v) is str for _, v in items):
        return _encoded_flat_header(items)
    return _encode_header(items)


@lru_cache(maxsize=64)
def _encoded_flat_header(items: tuple[tuple[str, str], ...]) -> str:
    return _encode_header(items)


def _encode_header(items: tuple[tuple[str, Any], ...]) -> str:
    full_header = {"alg": "ES256", **{k: v for k, v in items if k != "alg"}}
    return b64url_encode(json.dumps(full_header, separators=(",", ":")).encode("utf-8"))


def sign_compact_with_digest(
    *, header: Mapping[str, Any], payload: bytes, key: PrivateKey
) -> tuple[str, ContentDigest]:
    """``sign_compact`` and the signed-content digest of the token, its signing input hashed once."""
    if "alg" in header and header["alg"] != "ES256":
        raise AlgorithmNotAllowedError("only ES256 signing is supported")
    signing_input = f"{_encoded_header(header)}.{b64url_encode(payload)}"
    digest = signing_input_digest(signing_input.encode("ascii"))
    signature = b64url_encode(key.sign_digest(digest))
    return f"{signing_input}.{signature}", digest
