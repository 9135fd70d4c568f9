"""Credential Response encryption (OpenID4VCI 1.0 §8.2, §10): the wallet sends an ephemeral P-256
key as ``credential_response_encryption {jwk, enc}`` and the issuer answers with an
``application/jwt`` compact JWE (ECDH-ES, AES-GCM) for it (nansen.crypto.jwe).

The wallet encrypts whenever the issuer's metadata supports a scheme it has (ECDH-ES with A256GCM
or A128GCM): a credential is personal data, and TLS may end at a proxy. When the issuer requires
encryption with only schemes the wallet lacks, the holder is told so before anything is sent.
``zip`` is never asked for: a compressed credential is a decompression bomb the wallet would have
to unpack before it can check its size.

1.0 §8.2 also says the Credential Request MUST then be encrypted, so an attacker cannot swap the
response key: the wallet does so to the issuer's ``credential_request_encryption`` key (an ECDH-ES
P-256 JWK from its ``jwks``). An issuer that publishes no such key (drafts before 1.0, and
@openid4vc/openid4vci 0.4.6, whose metadata schema has no ``credential_request_encryption``) gets
the request in plain JSON with the response key, as those drafts define; one that publishes keys the
wallet cannot use while requiring request encryption is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nansen.crypto.jwe import ALG, decrypt_ecdh_es, encrypt_ecdh_es
from nansen.crypto.keys import PrivateKey, generate_private_key, public_key_from_jwk
from nansen.errors import NansenError
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

PREFERRED_ENC = ("A256GCM", "A128GCM")
MAX_RESPONSE_BYTES = 1024 * 1024  # a batch of SD-JWTs, encrypted


@dataclass(frozen=True, slots=True)
class RequestKey:
    jwk: dict[str, Any]
    enc: str


@dataclass(frozen=True, slots=True)
class ResponseEncryption:
    key: PrivateKey
    enc: str
    request_key: RequestKey | None  # None: the issuer publishes none (drafts before 1.0)

    def request_parameter(self) -> dict[str, Any]:
        """``credential_response_encryption``; the JWE alg is the key's ``alg`` (1.0 §8.2, where
        drafts had a separate ``alg`` member)."""
        jwk = {**self.key.public_key().jwk(), "alg": ALG, "use": "enc"}
        return {"jwk": jwk, "enc": self.enc}

    def body(self, request: Mapping[str, Any]) -> tuple[bytes, str]:
        """The request body and its content type: a JWE for the issuer's key, else JSON."""
        plaintext = json.dumps(dict(request)).encode()
        if self.request_key is None:
            return plaintext, "application/json"
        kid = self.request_key.jwk.get("kid")
        token = encrypt_ecdh_es(
            plaintext,
            public_key_from_jwk(self.request_key.jwk),
            enc=self.request_key.enc,
            kid=kid if isinstance(kid, str) else None,
        )
        return token.encode("ascii"), "application/jwt"

    def decrypt(self, token: str) -> dict[str, Any]:
        try:
            plaintext = decrypt_ecdh_es(
                token, self.key, allowed_enc=(self.enc,), max_bytes=MAX_RESPONSE_BYTES
            ).plaintext
            body = json.loads(plaintext)
        except (NansenError, ValueError):
            raise WalletError(
                _("The issuer's encrypted answer cannot be opened. Nothing was saved."), ExitCode.ERROR
            ) from None
        if not isinstance(body, dict):
            raise WalletError(_("The issuer sent an answer that is not understood."), ExitCode.ERROR)
        return body


def response_encryption(unverified_metadata: Mapping[str, Any]) -> ResponseEncryption | None:
    """The encryption to ask for, None for none; a WalletError when the issuer requires a scheme the
    wallet does not have."""
    offered = unverified_metadata.get("credential_response_encryption")
    if not isinstance(offered, Mapping):
        return None
    required = offered.get("encryption_required") is True
    algs = _strings(offered.get("alg_values_supported"))
    enc = next((e for e in PREFERRED_ENC if e in _strings(offered.get("enc_values_supported"))), None)
    request_key = _request_key(unverified_metadata.get("credential_request_encryption"))
    if ALG not in algs or enc is None or request_key is False:
        if not required:
            return None  # plain answers are allowed: take one rather than fail
        raise WalletError(
            _(
                "The issuer requires its answer to be encrypted in a way this wallet does not support "
                "(it supports {algs} with {encs}). Nothing was sent. Tell the officer."
            ).format(algs=ALG, encs=" or ".join(PREFERRED_ENC)),
            ExitCode.ERROR,
        )
    return ResponseEncryption(
        generate_private_key(), enc, request_key if isinstance(request_key, RequestKey) else None
    )


def _request_key(unverified: Any) -> RequestKey | bool | None:
    """The issuer's key to encrypt the request to; None if it publishes none; False if it publishes
    keys the wallet cannot use (then it cannot keep 1.0 §8.2's rule)."""
    if not isinstance(unverified, Mapping):
        return None
    jwks = unverified.get("jwks")
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    enc = next((e for e in PREFERRED_ENC if e in _strings(unverified.get("enc_values_supported"))), None)
    for jwk in keys if isinstance(keys, list) else []:
        if isinstance(jwk, Mapping) and jwk.get("alg") == ALG and enc is not None:
            try:
                public_key_from_jwk(jwk)
            except NansenError:
                continue
            return RequestKey(dict(jwk), enc)
    return False


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
