"""A credential request is idempotent for the same access token and proof key: a wallet whose answer
was lost asks again and gets the same credential; a proof of another key gets nothing."""

from __future__ import annotations

import time

import pytest
from issuer_desk import CLAIMS, Office

from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt
from nansen.sdjwt.compact import split

pytestmark = pytest.mark.chain


def _proof(office: Office, holder: PrivateKey) -> str:
    nonce = office.client.post("/nonce").json()["c_nonce"]
    return build_proof_jwt(
        holder_key=holder, audience=office.settings.public_url, nonce=nonce, iat=int(time.time())
    )


def test_the_same_request_again_gets_the_same_credential(office: Office) -> None:
    made = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
    code = parse_offer(made["offer_uri"]).pre_authorized_code
    token = office.client.post(
        "/token",
        data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": made["tx_code"]},
    ).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    holder = generate_private_key()
    body = {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [_proof(office, holder)]}}

    def ask(request: dict[str, object]) -> tuple[int, dict[str, object]]:
        response = office.client.post("/credential", headers=auth, json=request)
        return response.status_code, response.json()

    status, first = ask(body)
    assert status == 200, first
    assert ask(body) == (200, first)  # the very same request (its c_nonce already spent on it)
    fresh = {**body, "proofs": {"jwt": [_proof(office, holder)]}}
    assert ask(fresh) == (200, first)  # a fresh proof of the same key
    status, other = ask({**body, "proofs": {"jwt": [_proof(office, generate_private_key())]}})
    assert (status, other["error"]) == (400, "invalid_credential_request")
    credential = first["credentials"][0]["credential"]  # type: ignore[index]
    assert len(split(credential, max_bytes=65_536, max_disclosures=100).disclosures) >= len(
        CLAIMS
    )  # the whole credential, disclosures too
    listing = office.client.get("/credentials", headers=office.officer).json()
    assert len(listing) == 1 and listing[0]["state"] == "delivered"  # one credential, not three
