"""Encrypted responses (OpenID4VP 1.0 §8.3, response mode ``direct_post.jwt``; HAIP: ECDH-ES on P-256).

Each signed request gets a key agreement key of its own, made when the officer opens the request,
deleted as soon as the response is in, never used after the request expires, and purged with the
expired requests (the store does so whenever a request is made): a response captured on the way can
never be decrypted later, not even from a copy of the verifier's state taken afterwards, and a
response encrypted for one request cannot be replayed into another. One P-256 key generation per
request costs far less than the verification of the presentation that follows. The private key lives
in the state store (RAM-backed, owner-only file) because a request made by one worker may be answered
in another.
"""

from __future__ import annotations

from typing import Any

from nansen.crypto import jwe
from nansen.crypto.errors import JsonError, JweDecryptionError, JweError
from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.keys import generate_private_key, jwk_kid, private_key_from_jwk, private_key_to_jwk
from nansen.errors import CryptoError
from nansen.openid4vp.errors import PresentationProtocolError
from verifier.store import StateStore

ENC_VALUES = ("A128GCM", "A256GCM")  # HAIP: A128GCM must be supported; A256GCM as well
MAX_RESPONSE_CHARS = 60_000  # the same bound as a plain vp_token form field


def new_response_key(store: StateStore, request_id: str, expires_at: float) -> None:
    private_jwk = private_key_to_jwk(generate_private_key())
    private_jwk["kid"] = jwk_kid(private_jwk)  # the RFC 7638 thumbprint, kept with the key
    store.add_response_key(request_id, private_jwk, expires_at)


def encryption_metadata(private_jwk: dict[str, str]) -> dict[str, Any]:
    """The ``client_metadata`` members that tell the wallet how to encrypt (§5.1, §8.3)."""
    public = {k: private_jwk[k] for k in ("kty", "crv", "x", "y", "kid")}
    return {
        "jwks": {"keys": [{**public, "use": "enc", "alg": jwe.ALG}]},
        "encrypted_response_enc_values_supported": list(ENC_VALUES),
    }


def open_response(private_jwk: dict[str, str], unverified_response: str) -> dict[str, Any]:
    """The Authorization Response parameters inside the wallet's JWE (``vp_token``, ``state`` or
    ``error``); PresentationProtocolError for anything that is not a JWE made for this key."""
    try:
        header = jwe.peek_header(unverified_response, max_bytes=MAX_RESPONSE_CHARS)
        if "kid" in header and header["kid"] != private_jwk["kid"]:
            raise PresentationProtocolError(
                "JWE kid names another key",
                user_message="The response is encrypted to another key than this request's.",
            )
        opened = jwe.decrypt_ecdh_es(
            unverified_response,
            private_key_from_jwk(private_jwk),
            allowed_enc=ENC_VALUES,
            max_bytes=MAX_RESPONSE_CHARS,
        )
        payload = loads_strict(opened.plaintext)
    except JweDecryptionError as exc:
        raise PresentationProtocolError(
            exc.message,
            user_message="The response does not decrypt with this request's key (another key's, or damaged).",
        ) from None
    except (JweError, JsonError) as exc:
        raise PresentationProtocolError(
            exc.message, user_message=f"The response is not a usable JWE: {exc.message}."
        ) from None
    except CryptoError as exc:  # the stored key itself: not the wallet's doing, never shown as such
        raise RuntimeError("the request's response key does not load") from exc
    if not isinstance(payload, dict):
        raise PresentationProtocolError(
            "JWE payload is not an object",
            user_message="The decrypted response is not a JSON object of response parameters.",
        )
    return payload
