"""Issue -> present -> verify, against our own verifier, the vectors' inputs and PyPI sd-jwt."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws
from sd_jwt.verifier import SDJWTVerifier
from sdjwt_support import (
    AUD,
    NONCE,
    NOW,
    PERSON,
    PERSON_PATHS,
    Case,
    Parties,
    compact_cases,
    fixed_resolver,
    from_sd_markup,
    holder_paths,
)

from nansen.crypto.keys import private_key_from_jwk, public_key_from_jwk
from nansen.sdjwt.errors import IssuanceError
from nansen.sdjwt.issuance import issue_sd_jwt
from nansen.sdjwt.policy import plain_sd_jwt
from nansen.sdjwt.presentation import create_presentation
from nansen.sdjwt.verification import verify_issued, verify_presentation


def _issue(parties: Parties, decoys: int = 2) -> Any:
    return issue_sd_jwt(
        payload=PERSON,
        disclosable=PERSON_PATHS,
        signer_key=parties.issuer,
        kid=parties.issuer.public_key().kid(),
        decoys=decoys,
        holder_key=parties.holder.public_key(),
    )


def test_issue_present_verify(parties: Parties) -> None:
    issued = _issue(parties)
    received = verify_issued(
        issued.compact, issuer_key_resolver=fixed_resolver(parties.issuer.public_key()), now=NOW
    )
    assert received.claims == {**PERSON, "cnf": {"jwk": parties.holder.public_key().jwk()}}
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("given_name",), ("address", "camp_block"), ("nationalities", 1)],
        holder_key=parties.holder,
        aud=AUD,
        nonce=NONCE,
        iat=NOW,
    )
    result = verify_presentation(
        presentation,
        issuer_key_resolver=fixed_resolver(parties.issuer.public_key()),
        expected_aud=AUD,
        expected_nonce=NONCE,
        now=NOW + 5,
    )
    assert result.claims["given_name"] == "Amina"
    assert "family_name" not in result.claims and "birthdate" not in result.claims
    assert result.claims["address"] == {"locality": "Kakuma", "country": "KE", "camp_block": "B7"}
    assert result.claims["nationalities"] == ["SS"]
    assert "_sd" not in json.dumps(result.claims) and "_sd_alg" not in result.claims
    assert set(result.disclosed_paths) == {
        ("given_name",),
        ("address",),
        ("address", "camp_block"),
        ("nationalities", 0),
    }
    assert result.kb is not None and result.kb.nonce == NONCE and result.kb_digest is not None
    assert result.signed_content_digest == issued.signed_content_digest
    assert result.holder_jwk == parties.holder.public_key().jwk()
    assert "key_binding" in result.checks


def test_issued_sd_arrays_are_sorted_with_decoys(parties: Parties) -> None:
    issued = _issue(parties, decoys=3)
    from nansen.crypto.jws import parse_compact

    payload = json.loads(parse_compact(issued.jwt).payload)
    assert payload["_sd"] == sorted(payload["_sd"]) and len(payload["_sd"]) == 4 + 3
    assert payload["_sd_alg"] == "sha-256"
    assert len(issued.disclosures) == len(PERSON_PATHS)


def test_issuance_refuses_unknown_path_and_reserved_claims(parties: Parties) -> None:
    with pytest.raises(IssuanceError, match="not found"):
        issue_sd_jwt(payload=PERSON, disclosable=[("nope",)], signer_key=parties.issuer, kid=None)
    with pytest.raises(IssuanceError, match="must not be selectively disclosable"):
        issue_sd_jwt(payload=PERSON, disclosable=[("exp",)], signer_key=parties.issuer, kid=None)
    with pytest.raises(IssuanceError, match="reserved"):
        issue_sd_jwt(payload={"_sd": 1}, disclosable=[], signer_key=parties.issuer, kid=None)


def test_presentation_refuses_unknown_path(parties: Parties) -> None:
    with pytest.raises(IssuanceError, match="not in the credential"):
        create_presentation(
            issued=_issue(parties).compact,
            disclose=[("nope",)],
            holder_key=parties.holder,
            aud=AUD,
            nonce=NONCE,
            iat=NOW,
        )


def test_cross_check_with_pypi_sd_jwt(parties: Parties) -> None:
    issued = _issue(parties)
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("family_name",), ("address",), ("nationalities", 0)],
        holder_key=parties.holder,
        aud=AUD,
        nonce=NONCE,
        iat=NOW,
    )
    issuer_jwk = jwcrypto_jwk.JWK(**parties.issuer.public_key().jwk())
    reference = SDJWTVerifier(presentation, lambda iss, header: issuer_jwk, AUD, NONCE).get_verified_payload()
    ours = verify_presentation(
        presentation,
        issuer_key_resolver=fixed_resolver(parties.issuer.public_key()),
        expected_aud=AUD,
        expected_nonce=NONCE,
        now=NOW,
    ).claims
    assert reference == ours
    jws = jwcrypto_jws.JWS()
    jws.deserialize(issued.jwt)
    jws.verify(issuer_jwk, alg="ES256")
    kb = jwcrypto_jws.JWS()
    kb.deserialize(presentation.rsplit("~", 1)[1])
    kb.verify(jwcrypto_jwk.JWK(**parties.holder.public_key().jwk()), alg="ES256")


CASES = compact_cases()


def _exists(claims: Any, path: tuple[Any, ...]) -> bool:
    for step in path:
        try:
            claims = claims[step]
        except (KeyError, IndexError, TypeError):
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[f"{c.suite}/{c.name}" for c in CASES])
def test_reissue_vector_inputs_and_match_expected_claims(case: Case) -> None:
    """Our issuer + holder on the vectors' inputs reproduce the vectors' verified contents."""
    spec = case.json("case.json")
    paths: set[tuple[Any, ...]] = set()
    user = from_sd_markup(spec["user_claims_sd"], (), paths)
    expected = case.json("verified_contents.json")
    added = {
        "iss": case.settings["identifiers"]["issuer"],
        "iat": case.settings["iat"],
        "exp": case.settings["exp"],
    }
    payload = {**{k: v for k, v in added.items() if k in expected and k not in user}, **user}
    key_binding = bool(spec.get("key_binding"))
    issuer = private_key_from_jwk(case.issuer_jwk)
    holder = private_key_from_jwk(case.holder_jwk)
    issued = issue_sd_jwt(
        payload=payload,
        disclosable=paths,
        signer_key=issuer,
        kid=None,
        typ="example+sd-jwt",
        decoys=1,
        holder_key=holder.public_key() if key_binding else None,
        never_disclosable=frozenset(),
        random=secrets,  # type: ignore[arg-type]
    )
    # sd-jwt-python ignores selections of claims that do not exist; we refuse them, so drop them here.
    full = verify_issued(
        issued.compact,
        issuer_key_resolver=fixed_resolver(issuer.public_key()),
        now=NOW,
        profile=plain_sd_jwt("example+sd-jwt"),
    ).claims
    wanted = [p for p in holder_paths(spec["holder_disclosed_claims"]) if _exists(full, p)]
    presentation = create_presentation(
        issued=issued.compact,
        disclose=wanted,
        holder_key=holder if key_binding else None,
        aud=AUD,
        nonce=NONCE,
        iat=NOW,
        subtree=False,
    )
    result = verify_presentation(
        presentation,
        issuer_key_resolver=fixed_resolver(public_key_from_jwk(issuer.public_key().jwk())),
        expected_aud=AUD,
        expected_nonce=NONCE,
        now=NOW,
        require_key_binding=key_binding,
        profile=plain_sd_jwt("example+sd-jwt"),
    )
    assert result.claims == expected
