"""DPoP (RFC 9449): proofs of possession for the token and credential endpoints, with server nonces.

A wallet that sends a ``DPoP`` proof at the token endpoint gets a ``token_type: DPoP`` access token
bound to its key (the key's RFC 7638 thumbprint is sealed into the token, issuer.signed_tokens), and
must then prove that key at the credential endpoints (``Authorization: DPoP``, a proof with ``ath``).
Server nonces (§8, §9) are self-contained MAC tokens like the c_nonce, so any worker checks what
another minted; a proof without a current one is answered ``use_dpop_nonce`` with a fresh
``DPoP-Nonce``. A proof is not recorded as spent: a nonce lives ``NONCE_TTL_SECONDS`` and a proof is
accepted for ``MAX_AGE_SECONDS`` after its ``iat``, which bounds a replay of a captured proof (§11.1),
and the endpoints it could be replayed at each hand out their one credential only once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from issuer.signed_tokens import TokenMinter
from nansen.crypto.b64 import b64url_encode
from nansen.crypto.jws import parse_compact, verify_signature
from nansen.crypto.keys import jwk_kid, public_key_from_jwk
from nansen.errors import NansenError
from nansen.openid4vci.errors import IssuanceProtocolError

DPOP_TYP = "dpop+jwt"
ALGS = ("ES256",)
DPOP_NONCE = b"d"
NONCE_TTL_SECONDS = 300
MAX_AGE_SECONDS = 60
CLOCK_SKEW_SECONDS = 30
MAX_PROOF_CHARS = 4096


class DpopRefusal(IssuanceProtocolError):
    """``invalid_dpop_proof`` or ``use_dpop_nonce``: at the token endpoint a 400 with the error
    object (RFC 9449 §5, §8), at the credential endpoints a 401 with a ``WWW-Authenticate: DPoP``
    challenge (§7.1, §9); both carry a fresh ``DPoP-Nonce``."""

    def __init__(self, error: str, description: str, *, nonce: str, resource: bool) -> None:
        super().__init__(error, description, status=401 if resource else 400)
        self.headers = {"DPoP-Nonce": nonce}
        if resource:
            self.headers["WWW-Authenticate"] = f'DPoP error="{error}", algs="{" ".join(ALGS)}"'


def new_nonce(tokens: TokenMinter) -> str:
    return tokens.mint(DPOP_NONCE, secrets.token_urlsafe(12), NONCE_TTL_SECONDS)


def check_proof(
    unverified: str,
    *,
    tokens: TokenMinter,
    method: str,
    url: str,
    now: int,
    access_token: str | None = None,
) -> str:
    """The thumbprint of the key a valid proof was made with; raises DpopRefusal otherwise.
    ``url`` is the endpoint as the wallet addresses it (from the metadata: PUBLIC_URL based)."""
    resource = access_token is not None

    def refuse(error: str, description: str) -> DpopRefusal:
        return DpopRefusal(error, description, nonce=new_nonce(tokens), resource=resource)

    try:
        parsed = parse_compact(unverified, max_bytes=MAX_PROOF_CHARS)
    except NansenError as exc:
        raise refuse("invalid_dpop_proof", "The DPoP proof is not a compact JWT.") from exc
    header = parsed.header
    jwk = header.get("jwk")
    if header.get("typ") != DPOP_TYP or header.get("alg") not in ALGS:
        raise refuse("invalid_dpop_proof", f"The DPoP proof must have typ {DPOP_TYP} and alg ES256.")
    if not isinstance(jwk, Mapping) or "d" in jwk:
        raise refuse("invalid_dpop_proof", "The DPoP proof must carry its public key as a jwk header.")
    try:
        key = public_key_from_jwk(jwk)
        verify_signature(parsed, key)
        claims: Any = json.loads(parsed.payload)
    except (NansenError, ValueError) as exc:
        raise refuse("invalid_dpop_proof", "The DPoP proof's key or signature is not valid.") from exc
    if not isinstance(claims, Mapping) or not isinstance(claims.get("jti"), str) or not claims["jti"]:
        raise refuse("invalid_dpop_proof", "The DPoP proof needs a jti.")
    if claims.get("htm") != method or claims.get("htu") != url:
        raise refuse("invalid_dpop_proof", f"The DPoP proof must be for {method} {url}.")
    iat = claims.get("iat")
    if not isinstance(iat, int) or not now - MAX_AGE_SECONDS <= iat <= now + CLOCK_SKEW_SECONDS:
        raise refuse("invalid_dpop_proof", "The DPoP proof's iat is missing, in the future or too old.")
    if access_token is not None:
        ath = b64url_encode(hashlib.sha256(access_token.encode()).digest())
        if claims.get("ath") != ath:
            raise refuse("invalid_dpop_proof", "The DPoP proof's ath does not match the access token.")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or tokens.open(DPOP_NONCE, nonce) is None:
        raise refuse("use_dpop_nonce", "Use the DPoP-Nonce this issuer gave in the DPoP proof.")
    return str(jwk_kid(dict(jwk)))
