"""Our anchored credentials and presentations verify with independent implementations."""

from __future__ import annotations

from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from sd_jwt.verifier import SDJWTVerifier
from world import NOW, World

from nansen.sdjwt.presentation import create_presentation


def test_presentation_verifies_with_pypi_sd_jwt(world: World) -> None:
    issued = world.issue()[0]
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=world.holder_key,
        aud="https://verifier.example",
        nonce="abc123",
        iat=NOW,
    )
    issuer_jwk = jwcrypto_jwk.JWK(**world.issuer_key.public_key().jwk())
    payload = SDJWTVerifier(
        presentation,
        lambda iss, header: issuer_jwk,
        expected_aud="https://verifier.example",
        expected_nonce="abc123",
    ).get_verified_payload()
    assert payload["nationality"] == "SY" and payload["age_over_18"] is True
    assert "given_name" not in payload
    assert payload["anchor"]["proof"]["count"] == 3


def test_issuer_jws_verifies_with_jwcrypto(world: World) -> None:
    issued = world.issue()[0]
    token = jwcrypto_jws.JWS()
    token.deserialize(issued.jwt)
    token.verify(jwcrypto_jwk.JWK(**world.issuer_key.public_key().jwk()))
    assert token.jose_header["typ"] == "dc+sd-jwt"
