"""Verifying the Key Binding JWT (RFC 9901 section 7.3)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any, NamedTuple

from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.jws import ContentDigest, UnverifiedJws, check_header, parse_compact, verify_signature
from nansen.crypto.keys import public_key_from_jwk
from nansen.errors import CryptoError
from nansen.sdjwt.compact import sd_hash
from nansen.sdjwt.errors import (
    HolderKeyMissingError,
    KbAudMismatchError,
    KbIatInFutureError,
    KbNonceMismatchError,
    KbStaleError,
    KbTypInvalidError,
    MalformedError,
    SdHashMismatchError,
)
from nansen.sdjwt.policy import Limits, numeric_date, translate
from nansen.sdjwt.presentation import KB_TYP


class KeyBinding(NamedTuple):
    header: dict[str, Any]
    payload: dict[str, Any]
    iat: int | float
    aud: str
    nonce: str
    kb_digest: ContentDigest  # SHA-256 of the KB-JWT signing input


def holder_jwk(issuer_payload: Mapping[str, Any]) -> dict[str, Any] | None:
    cnf = issuer_payload.get("cnf")
    if cnf is None:
        return None
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        raise HolderKeyMissingError("cnf must be an object with a jwk member")
    jwk: dict[str, Any] = cnf["jwk"]
    return jwk


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def verify_kb_jwt(
    unverified_kb: str,
    *,
    jwk: dict[str, Any],
    sd_hash_input: str,
    parsed: UnverifiedJws | None = None,
    sd_hash_of_input: str | None = None,  # sd_hash(sd_hash_input), when known
    expected_aud: str,
    expected_nonce: str,
    now: int,
    clock_skew: int,
    kb_max_age: int,
    limits: Limits,
) -> KeyBinding:
    try:
        key = public_key_from_jwk(jwk)
    except CryptoError as exc:
        raise HolderKeyMissingError(f"cnf.jwk is not a usable P-256 key: {exc}") from exc
    try:
        parsed = parsed or parse_compact(unverified_kb, max_bytes=limits.max_bytes)
        if parsed.header.get("typ") != KB_TYP:
            raise KbTypInvalidError("KB-JWT typ must be kb+jwt")
        check_header(parsed.header)
        kb_digest = verify_signature(parsed, key)
        payload = loads_strict(parsed.payload, max_bytes=limits.max_bytes, max_depth=limits.max_depth)
    except CryptoError as exc:
        raise translate(exc, where="KB-JWT", kb=True) from exc
    if not isinstance(payload, dict):
        raise MalformedError("KB-JWT payload is not a JSON object")
    aud, nonce, presented_hash = payload.get("aud"), payload.get("nonce"), payload.get("sd_hash")
    if not isinstance(aud, str) or not isinstance(nonce, str) or not isinstance(presented_hash, str):
        raise MalformedError("KB-JWT needs string aud, nonce and sd_hash")
    iat = numeric_date(payload, "iat")
    if iat is None:
        raise MalformedError("KB-JWT needs iat")
    if not _same(aud, expected_aud):
        raise KbAudMismatchError("KB-JWT aud is not this verifier")
    if not _same(nonce, expected_nonce):
        raise KbNonceMismatchError("KB-JWT nonce does not match the one we issued")
    if iat > now + clock_skew:
        raise KbIatInFutureError("KB-JWT iat is in the future")
    if iat < now - kb_max_age - clock_skew:
        raise KbStaleError("KB-JWT is too old")
    if not _same(presented_hash, sd_hash_of_input or sd_hash(sd_hash_input)):
        raise SdHashMismatchError("KB-JWT sd_hash does not match the presented SD-JWT")
    return KeyBinding(parsed.header, payload, iat, aud, nonce, kb_digest)
