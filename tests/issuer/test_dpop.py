"""DPoP at the token and credential endpoints (RFC 9449), against a real chain: server nonces,
key binding, ath and htu checks, and the refusals' headers."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

import pytest
from issuer_desk import CLAIMS, Office

from issuer.dpop import DPOP_TYP
from nansen.crypto.b64 import b64url_encode
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

pytestmark = pytest.mark.chain


@pytest.fixture()
def database_url() -> str:
    return ""  # DPoP is checked before the database: SQLite only


def dpop_proof(key: PrivateKey, url: str, *, nonce: str | None, access_token: str | None = None) -> str:
    claims: dict[str, Any] = {
        "jti": secrets.token_urlsafe(8),
        "htm": "POST",
        "htu": url,
        "iat": int(time.time()),
    }
    if nonce is not None:
        claims["nonce"] = nonce
    if access_token is not None:
        claims["ath"] = b64url_encode(hashlib.sha256(access_token.encode()).digest())
    header = {"typ": DPOP_TYP, "jwk": dict(key.public_key().jwk())}
    return sign_compact(header=header, payload=json.dumps(claims).encode(), key=key)


def test_dpop_nonce_binding_and_refusals(office: Office) -> None:
    base = office.settings.public_url.rstrip("/")
    made = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": parse_offer(made["offer_uri"]).pre_authorized_code,
        "tx_code": made["tx_code"],
    }
    key = generate_private_key()
    first = office.client.post(
        "/token", data=form, headers={"DPoP": dpop_proof(key, f"{base}/token", nonce=None)}
    )
    assert first.status_code == 400 and first.json()["error"] == "use_dpop_nonce"
    nonce = first.headers["dpop-nonce"]
    wrong_url = dpop_proof(key, f"{base}/other", nonce=nonce)
    assert (
        office.client.post("/token", data=form, headers={"DPoP": wrong_url}).json()["error"]
        == "invalid_dpop_proof"
    )
    token = office.client.post(
        "/token", data=form, headers={"DPoP": dpop_proof(key, f"{base}/token", nonce=nonce)}
    )
    assert token.status_code == 200 and token.json()["token_type"] == "DPoP"
    access, nonce = token.json()["access_token"], token.headers["dpop-nonce"]

    body = {
        "credential_configuration_id": "refugee_identity",
        "proofs": {
            "jwt": [
                build_proof_jwt(
                    holder_key=generate_private_key(),
                    audience=base,
                    nonce=office.client.post("/nonce").json()["c_nonce"],
                    iat=int(time.time()),
                )
            ]
        },
    }
    url = f"{base}/credential"

    def post(authorization: str, proof: str | None) -> Any:
        headers = {"Authorization": authorization} | ({"DPoP": proof} if proof else {})
        return office.client.post("/credential", json=body, headers=headers)

    as_bearer = post(f"Bearer {access}", None)
    assert as_bearer.status_code == 401 and as_bearer.json()["error"] == "invalid_token"
    no_proof = post(f"DPoP {access}", None)
    assert no_proof.status_code == 401 and no_proof.headers["www-authenticate"].startswith("DPoP ")
    wrong_ath = post(f"DPoP {access}", dpop_proof(key, url, nonce=nonce, access_token="other"))
    assert wrong_ath.status_code == 401 and wrong_ath.json()["error"] == "invalid_dpop_proof"
    stale = post(f"DPoP {access}", dpop_proof(key, url, nonce="made-up", access_token=access))
    assert stale.status_code == 401 and 'error="use_dpop_nonce"' in stale.headers["www-authenticate"]
    assert stale.headers["dpop-nonce"]
    other_key = post(
        f"DPoP {access}", dpop_proof(generate_private_key(), url, nonce=nonce, access_token=access)
    )
    assert other_key.status_code == 401 and other_key.json()["error"] == "invalid_token"
    issued = post(f"DPoP {access}", dpop_proof(key, url, nonce=nonce, access_token=access))
    assert issued.status_code in (200, 202), issued.text
    assert issued.headers["dpop-nonce"]
