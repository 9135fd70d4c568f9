"""Key proofs (OpenID4VCI 1.0 appendix F.1): a JWT of type openid4vci-proof+jwt signed by the
holder key it carries in its ``jwk`` header, bound to the issuer (aud) and a fresh c_nonce."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from nansen.crypto.jws import parse_compact, sign_compact, verify_signature
from nansen.crypto.keys import PrivateKey, PublicKey, public_key_from_jwk
from nansen.errors import NansenError
from nansen.openid4vci.errors import invalid_nonce, invalid_proof

PROOF_TYP = "openid4vci-proof+jwt"
MAX_PROOF_BYTES = 4096


def build_proof_jwt(*, holder_key: PrivateKey, audience: str, nonce: str | None, iat: int) -> str:
    """``nonce`` None: the issuer has no nonce endpoint, so the proof carries none (§8.2.1.1)."""
    header = {"typ": PROOF_TYP, "jwk": dict(holder_key.public_key().jwk())}
    payload: dict[str, Any] = {"aud": audience, "iat": iat}
    if nonce is not None:
        payload["nonce"] = nonce
    return sign_compact(header=header, payload=json.dumps(payload).encode(), key=holder_key)


def verify_proof_jwt(
    unverified: str,
    *,
    expected_audience: str,
    now: int,
    max_age: int = 300,
    clock_skew: int = 60,
    consume_nonce: Callable[[str], bool],
) -> PublicKey:
    """The holder key a valid proof carries. ``consume_nonce`` marks a c_nonce used, True if it was
    fresh: each nonce is good for one proof only."""
    if not isinstance(unverified, str) or len(unverified) > MAX_PROOF_BYTES:
        raise invalid_proof("the key proof is missing or too large")
    try:
        parsed = parse_compact(unverified, max_bytes=MAX_PROOF_BYTES)
    except NansenError as exc:
        raise invalid_proof("the key proof is not a compact JWT") from exc
    header = parsed.header
    if header.get("typ") != PROOF_TYP:
        raise invalid_proof(f"the key proof must have typ {PROOF_TYP}")
    if header.get("alg") != "ES256":
        raise invalid_proof("the key proof must be signed with ES256")
    if "kid" in header or "x5c" in header or not isinstance(header.get("jwk"), Mapping):
        raise invalid_proof("the key proof must carry the holder key as a jwk header")
    if "d" in header["jwk"]:
        raise invalid_proof("the key proof's jwk contains a private key")
    try:
        key = public_key_from_jwk(header["jwk"])
        verify_signature(parsed, key)
        claims: Any = json.loads(parsed.payload)
    except (NansenError, ValueError) as exc:
        raise invalid_proof("the key proof's key or signature is not valid") from exc
    if not isinstance(claims, Mapping):
        raise invalid_proof("the key proof's payload is not a JSON object")
    if claims.get("aud") != expected_audience:
        raise invalid_proof("the key proof is not addressed to this issuer")
    iat = claims.get("iat")
    if not isinstance(iat, int) or iat > now + clock_skew or iat < now - max_age - clock_skew:
        raise invalid_proof("the key proof's iat is missing, in the future or too old")
    nonce = claims.get("nonce")
    if nonce is None:  # OpenID4VCI 1.0 §8.3.1.2: a proof without c_nonce is invalid_proof
        raise invalid_proof("the key proof has no nonce; put a fresh c_nonce from the nonce endpoint in it")
    if not isinstance(nonce, str) or not consume_nonce(nonce):
        raise invalid_nonce("the key proof's nonce is unknown, expired or used; get a fresh c_nonce")
    return key
