"""PyPI `sd-jwt` (the OpenWallet Foundation's Python implementation) verifies a credential from the
real issuer with the key it finds by `kid` in /.well-known/jwt-vc-issuer (SD-JWT VC §3.5, JWT VC
Issuer Metadata §3), and a presentation of it with key binding (RFC 9901 §7.3)."""

from __future__ import annotations

import time

import httpx
import pytest
from interop_support import IssuerProcess
from jwcrypto import jwk as jwcrypto_jwk
from sd_jwt.verifier import SDJWTVerifier

from nansen.crypto.keys import private_key_from_jwk
from nansen.sdjwt.presentation import create_presentation

pytestmark = pytest.mark.chain


def test_pypi_sd_jwt_verifies_the_issuers_credential_and_a_presentation(issuer: IssuerProcess) -> None:
    received = issuer.receive(holder_private=True)
    metadata = httpx.get(f"{issuer.base}/.well-known/jwt-vc-issuer", timeout=10).json()
    keys = {key["kid"]: jwcrypto_jwk.JWK(**key) for key in metadata["jwks"]["keys"]}

    def issuer_key(iss: str, header: dict[str, str]) -> jwcrypto_jwk.JWK:
        assert iss == metadata["issuer"]
        return keys[header["kid"]]

    presentation = create_presentation(
        issued=received["credential"],
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=private_key_from_jwk(received["holder_private_jwk"]),
        aud="https://verifier.example.org",
        nonce="n-0S6_WzA2Mj",
        iat=int(time.time()),
    )
    payload = SDJWTVerifier(
        presentation, issuer_key, expected_aud="https://verifier.example.org", expected_nonce="n-0S6_WzA2Mj"
    ).get_verified_payload()
    assert payload["nationality"] == "SY" and payload["age_over_18"] is True
    assert "given_name" not in payload and payload["iss"] == issuer.settings.issuer_id
