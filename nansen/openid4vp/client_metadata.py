"""What the holder takes from a request's ``client_metadata`` (OpenID4VP 1.0 sections 5.1, 8.3, 11.1).

* ``vp_formats_supported``: the wallet presents only ``dc+sd-jwt`` signed by its issuer with ES256 and
  a Key Binding JWT signed with ES256; when the verifier lists algorithms that leave either out, or
  lists formats without ``dc+sd-jwt``, the request is refused (``vp_formats_not_supported``) rather
  than answered with a presentation it said it cannot check. A request without the parameter is
  taken to accept what its own DCQL query asks for.
* for ``direct_post.jwt``: the key to encrypt the response to, chosen from ``jwks`` (``use`` absent
  or ``enc``, ``alg`` ECDH-ES, a P-256 EC key, with its ``kid``), and the content encryption from
  ``encrypted_response_enc_values_supported`` (default A128GCM), the first the wallet supports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nansen.crypto.jwe import ALG, CONTENT_KEY_BYTES, DEFAULT_ENC
from nansen.crypto.keys import PublicKey, public_key_from_jwk
from nansen.errors import CryptoError
from nansen.openid4vp.errors import PresentationProtocolError

FORMAT = "dc+sd-jwt"
SIGNING_ALG = "ES256"


class FormatsNotSupportedError(PresentationProtocolError):
    error = "vp_formats_not_supported"
    reason = "vp_formats_not_supported"


class ResponseEncryptionError(PresentationProtocolError):
    reason = "response_encryption_unsupported"


@dataclass(frozen=True, slots=True)
class ResponseEncryption:
    key: PublicKey
    kid: str | None
    enc: str


def client_metadata(unverified: Mapping[str, Any]) -> dict[str, Any]:
    """The request's ``client_metadata`` as an object (a JSON string in a link, an object in a JWT)."""
    raw = unverified.get("client_metadata")
    if raw is None:
        return {}
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise PresentationProtocolError("client_metadata is not JSON") from exc
    if not isinstance(value, dict):
        raise PresentationProtocolError("client_metadata is not a JSON object")
    return value


def check_formats(metadata: Mapping[str, Any]) -> None:
    """Refuses when the verifier's ``vp_formats_supported`` rules out what the wallet can present."""
    formats = metadata.get("vp_formats_supported")
    if formats is None:
        return
    if not isinstance(formats, Mapping) or FORMAT not in formats:
        raise FormatsNotSupportedError(f"the verifier does not accept {FORMAT} presentations")
    parameters = formats[FORMAT]
    if not isinstance(parameters, Mapping):
        raise FormatsNotSupportedError(f"vp_formats_supported.{FORMAT} is not an object")
    for name in ("sd-jwt_alg_values", "kb-jwt_alg_values"):
        algs = parameters.get(name)
        if algs is not None and (not isinstance(algs, list) or SIGNING_ALG not in algs):
            raise FormatsNotSupportedError(f"the verifier does not accept {SIGNING_ALG} in {name}")


def response_encryption(metadata: Mapping[str, Any]) -> ResponseEncryption:
    """The key and ``enc`` for a ``direct_post.jwt`` response, or why there is none we can use."""
    jwks = metadata.get("jwks")
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise ResponseEncryptionError("client_metadata has no jwks to encrypt the response to")
    key = next((k for k in keys if _usable(k)), None)
    if key is None:
        raise ResponseEncryptionError("client_metadata.jwks has no P-256 ECDH-ES encryption key")
    try:
        public = public_key_from_jwk(key)
    except CryptoError as exc:
        raise ResponseEncryptionError("the verifier's encryption key is not a valid P-256 key") from exc
    offered = metadata.get("encrypted_response_enc_values_supported", [DEFAULT_ENC])
    if not isinstance(offered, list) or not offered:
        raise ResponseEncryptionError("encrypted_response_enc_values_supported is not a non-empty array")
    enc = next((e for e in offered if e in CONTENT_KEY_BYTES), None)
    if enc is None:
        raise ResponseEncryptionError("none of the verifier's content encryption algorithms is supported")
    kid = key.get("kid")
    return ResponseEncryption(public, kid if isinstance(kid, str) else None, enc)


def _usable(jwk: object) -> bool:
    return (
        isinstance(jwk, Mapping)
        and jwk.get("use", "enc") == "enc"
        and jwk.get("alg") == ALG
        and jwk.get("kty") == "EC"
        and jwk.get("crv") == "P-256"
        and "d" not in jwk
    )
