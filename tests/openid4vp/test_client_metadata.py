"""What the holder takes from client_metadata (OpenID4VP 1.0 §5.1, §8.3, §11.1): formats it may
present in, and the key and enc for a direct_post.jwt response."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nansen.crypto.jwe import decrypt_ecdh_es, encrypt_ecdh_es
from nansen.crypto.keys import generate_private_key
from nansen.openid4vp.client_metadata import (
    FormatsNotSupportedError,
    ResponseEncryptionError,
    check_formats,
    client_metadata,
    response_encryption,
)
from nansen.openid4vp.errors import PresentationProtocolError

RECIPIENT = generate_private_key()
ENC_KEY = {**RECIPIENT.public_key().jwk(), "kid": "enc-1", "use": "enc", "alg": "ECDH-ES"}


@pytest.mark.parametrize(
    "formats",
    [
        None,
        {"dc+sd-jwt": {}},
        {"dc+sd-jwt": {"sd-jwt_alg_values": ["ES256", "ES384"], "kb-jwt_alg_values": ["ES256"]}},
        {"mso_mdoc": {}, "dc+sd-jwt": {"kb-jwt_alg_values": ["EdDSA", "ES256"]}},
    ],
)
def test_formats_the_wallet_can_answer_in(formats: Any) -> None:
    check_formats({} if formats is None else {"vp_formats_supported": formats})


@pytest.mark.parametrize(
    "formats",
    [
        {"mso_mdoc": {}},
        {"dc+sd-jwt": {"kb-jwt_alg_values": ["EdDSA"]}},
        {"dc+sd-jwt": {"sd-jwt_alg_values": ["ES384"]}},
        {"dc+sd-jwt": ["ES256"]},
        ["dc+sd-jwt"],
    ],
)
def test_formats_that_rule_the_wallet_out(formats: Any) -> None:
    with pytest.raises(FormatsNotSupportedError) as raised:
        check_formats({"vp_formats_supported": formats})
    assert raised.value.error == "vp_formats_not_supported"


def test_client_metadata_from_a_link_or_an_object() -> None:
    assert client_metadata({"client_metadata": '{"a": 1}'}) == {"a": 1}
    assert client_metadata({"client_metadata": {"a": 1}}) == {"a": 1}
    assert client_metadata({}) == {}
    for bad in ("{", "[1]", 3):
        with pytest.raises(PresentationProtocolError):
            client_metadata({"client_metadata": bad})


def test_the_encryption_key_is_chosen_by_use_alg_and_curve() -> None:
    signing = {**generate_private_key().public_key().jwk(), "kid": "sig", "use": "sig", "alg": "ECDH-ES"}
    p384 = {"kty": "EC", "crv": "P-384", "kid": "384", "alg": "ECDH-ES", "x": "AA", "y": "AA"}
    metadata = {
        "jwks": {"keys": [signing, p384, ENC_KEY]},
        "encrypted_response_enc_values_supported": ["A128CBC-HS256", "A256GCM"],
    }
    chosen = response_encryption(metadata)
    assert (chosen.kid, chosen.enc) == ("enc-1", "A256GCM")
    token = encrypt_ecdh_es(b'{"vp_token":{}}', chosen.key, enc=chosen.enc, kid=chosen.kid)
    opened = decrypt_ecdh_es(token, RECIPIENT)
    assert opened.header["kid"] == "enc-1" and json.loads(opened.plaintext) == {"vp_token": {}}
    assert response_encryption({"jwks": {"keys": [ENC_KEY]}}).enc == "A128GCM"  # the default (§8.3)


@pytest.mark.parametrize(
    ("metadata", "match"),
    [
        ({}, "no jwks"),
        ({"jwks": {"keys": [{**ENC_KEY, "alg": "ECDH-ES+A128KW"}]}}, "no P-256 ECDH-ES"),
        ({"jwks": {"keys": [{**ENC_KEY, "x": ENC_KEY["y"]}]}}, "not a valid P-256 key"),
        (
            {"jwks": {"keys": [ENC_KEY]}, "encrypted_response_enc_values_supported": ["A128CBC-HS256"]},
            "none of",
        ),
        ({"jwks": {"keys": [ENC_KEY]}, "encrypted_response_enc_values_supported": []}, "non-empty"),
    ],
)
def test_no_usable_key_or_enc(metadata: dict[str, Any], match: str) -> None:
    with pytest.raises(ResponseEncryptionError, match=match):
        response_encryption(metadata)
