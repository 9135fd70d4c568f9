"""The client's DPoP proof (RFC 9449 §4): a ``dpop+jwt`` signed by the key it carries in its ``jwk``
header, for one HTTP method and URL, with the server's nonce when it gave one (§8, §9) and, at a
resource (the credential, nonce, deferred and notification endpoints), the hash of the access token
it goes with (``ath``, §4.2). The issuer side's check is issuer/dpop.py."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from nansen.crypto.b64 import sha256_b64url
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey

DPOP_TYP = "dpop+jwt"
DPOP_ALG = "ES256"  # the one signing algorithm the wallet's P-256 keys make


def build_dpop_proof(
    *, key: PrivateKey, method: str, url: str, iat: int, nonce: str | None, access_token: str | None
) -> str:
    claims: dict[str, Any] = {
        "jti": secrets.token_urlsafe(16),
        "htm": method,
        "htu": target_uri(url),
        "iat": iat,
    }
    if nonce is not None:
        claims["nonce"] = nonce
    if access_token is not None:
        claims["ath"] = sha256_b64url(access_token)  # the token is ASCII (RFC 6750 b64token)
    header = {"typ": DPOP_TYP, "alg": DPOP_ALG, "jwk": dict(key.public_key().jwk())}
    return sign_compact(header=header, payload=json.dumps(claims).encode(), key=key)


def target_uri(url: str) -> str:
    """``htu``: the request URL without query and fragment (RFC 9449 §4.2)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
