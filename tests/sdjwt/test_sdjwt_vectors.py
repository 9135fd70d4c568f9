"""Every compact RFC 9901 / sd-jwt-python / SD-JWT VC vector verifies to exactly the expected claims."""

from __future__ import annotations

import json

import pytest
from sdjwt_support import Case, compact_cases, fixed_resolver

from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import public_key_from_jwk
from nansen.sdjwt.policy import plain_sd_jwt
from nansen.sdjwt.verification import verify_presentation

CASES = compact_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.suite}/{c.name}" for c in CASES])
def test_vector_presentation_verifies_to_expected_claims(case: Case) -> None:
    presentation = case.text("sd_jwt_presentation.txt")
    spec = case.json("case.json")
    key_binding = bool(spec.get("key_binding"))
    now = case.json("kb_jwt_payload.json")["iat"] if key_binding else case.settings["iat"] + 1
    typ = json.loads(b64url_decode(presentation.split(".")[0]))["typ"]
    issuer_jwk = {k: v for k, v in case.issuer_jwk.items() if k != "d"}
    result = verify_presentation(
        presentation,
        issuer_key_resolver=fixed_resolver(public_key_from_jwk(issuer_jwk)),
        expected_aud=case.settings["identifiers"]["verifier"],
        expected_nonce=case.settings["key_binding_nonce"],
        now=now,
        require_key_binding=key_binding,
        profile=plain_sd_jwt(typ),
    )
    assert result.claims == case.json("verified_contents.json")
    assert (result.kb is not None) == key_binding
