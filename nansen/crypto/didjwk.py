"""did:jwk (https://github.com/quartzjer/did-jwk): the DID is the base64url of the JWK's JSON."""

from __future__ import annotations

import json
from typing import Any, NewType

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.errors import DidJwkError, EncodingError, JsonError
from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.keys import PublicKey, public_key_from_jwk

Did = NewType("Did", str)
DidUrl = NewType("DidUrl", str)

_PREFIX = "did:jwk:"
_MAX_DID_LEN = 4096


def did_from_public_key(key: PublicKey) -> Did:
    text = json.dumps(key.jwk(), separators=(",", ":"), sort_keys=True)
    return Did(_PREFIX + b64url_encode(text.encode("utf-8")))


def verification_method(did: Did) -> DidUrl:
    """The one verification method of a did:jwk is ``#0``."""
    return DidUrl(did + "#0")


def decode_did_jwk(did_or_url: str) -> dict[str, Any]:
    """The JWK inside a did:jwk (any kty); a DID URL may only carry the ``#0`` fragment."""
    if len(did_or_url) > _MAX_DID_LEN or not did_or_url.startswith(_PREFIX):
        raise DidJwkError("not a did:jwk")
    body, sep, fragment = did_or_url[len(_PREFIX) :].partition("#")
    if sep and fragment != "0":
        raise DidJwkError("a did:jwk DID URL may only use the fragment #0")
    try:
        jwk = loads_strict(b64url_decode(body))
    except (EncodingError, JsonError) as exc:
        raise DidJwkError("did:jwk body is not base64url JSON") from exc
    if not isinstance(jwk, dict) or "kty" not in jwk:
        raise DidJwkError("did:jwk body is not a JWK")
    if "d" in jwk:
        raise DidJwkError("did:jwk must not contain a private key")
    return jwk


def public_key_from_did(did_or_url: str) -> PublicKey:
    """The P-256 public key of a did:jwk (other key types raise ``UnsupportedKeyError``)."""
    return public_key_from_jwk(decode_did_jwk(did_or_url))
