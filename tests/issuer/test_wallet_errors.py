"""The wallet endpoints' error codes (OpenID4VCI 1.0 §6.3, §8.3.1.2, §9.3) and the deferred
transaction id's end, against a real chain."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from issuer_desk import CLAIMS, chain_setup

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.retention import purge_personal_data
from nansen.chain import devchain
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import PROOF_TYP, build_proof_jwt

pytestmark = pytest.mark.chain


class Issuer:
    def __init__(self, client: TestClient, staff: dict[str, str], audience: str) -> None:
        self.client, self.staff, self.audience = client, staff, audience

    def offer(self) -> tuple[str, str]:
        made = self.client.post("/offers", json={"claims": CLAIMS}, headers=self.staff).json()
        return parse_offer(made["offer_uri"]).pre_authorized_code, made["tx_code"]

    def token(self, code: str, tx_code: str | None) -> Any:
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.client.post("/token", data=form)

    def bearer(self) -> dict[str, str]:
        token = self.token(*self.offer()).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}

    def proof(self) -> str:
        nonce = self.client.post("/nonce").json()["c_nonce"]
        return build_proof_jwt(
            holder_key=generate_private_key(), audience=self.audience, nonce=nonce, iat=int(time.time())
        )


def _issuer(tmp_path: Path, **settings: Any) -> Iterator[Issuer]:
    chain = devchain.start(tmp_path / "chain")
    try:
        _, base = chain_setup(tmp_path, chain)
        config = base.model_copy(update=settings)
        staff = {"Authorization": f"Bearer {bootstrap_admin(config, 'Admin')}"}
        with TestClient(create_app(config), raise_server_exceptions=False) as client:
            yield Issuer(client, staff, config.public_url)
    finally:
        devchain.stop(tmp_path / "chain")


@pytest.fixture()
def issuer(tmp_path: Path) -> Iterator[Issuer]:
    yield from _issuer(tmp_path, credential_wait_seconds=0)  # every credential is deferred first


def test_a_missing_tx_code_is_invalid_request_and_not_a_wrong_attempt(issuer: Issuer) -> None:
    """§6.3: a missing tx_code is invalid_request; only a wrong one counts towards the lock."""
    code, tx_code = issuer.offer()
    for _ in range(5):  # more than TX_CODE_ATTEMPTS
        missing = issuer.token(code, None)
        assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
        assert "tx_code" in missing.json()["error_description"]
    assert issuer.token(code, tx_code).status_code == 200


def test_an_unknown_configuration_and_a_proof_without_nonce(issuer: Issuer) -> None:
    """§8.3.1.2: unknown_credential_configuration; a key proof without c_nonce is invalid_proof."""
    auth = issuer.bearer()
    unknown = issuer.client.post(
        "/credential",
        headers=auth,
        json={"credential_configuration_id": "driving_licence", "proofs": {"jwt": [issuer.proof()]}},
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown_credential_configuration"
    holder = generate_private_key()
    without_nonce = sign_compact(
        header={"typ": PROOF_TYP, "jwk": dict(holder.public_key().jwk())},
        payload=f'{{"aud": "{issuer.audience}", "iat": {int(time.time())}}}'.encode(),
        key=holder,
    )
    refused = issuer.client.post(
        "/credential",
        headers=auth,
        json={"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [without_nonce]}},
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_proof"


def _deferred_until_delivered(issuer: Issuer) -> tuple[dict[str, str], str, str]:
    auth = issuer.bearer()
    first = issuer.client.post(
        "/credential",
        headers=auth,
        json={"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [issuer.proof()]}},
    )
    assert first.status_code == 202, first.text
    transaction = first.json()["transaction_id"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answer = issuer.client.post(
            "/deferred_credential", headers=auth, json={"transaction_id": transaction}
        )
        if answer.status_code == 200:
            return auth, transaction, answer.json()["credentials"][0]["credential"]
        assert answer.status_code == 202, answer.text
        time.sleep(0.2)
    raise AssertionError("the credential was never delivered")


def test_a_delivered_and_forgotten_transaction_id_is_invalid(issuer: Issuer) -> None:
    """§9.3: once delivered and deleted, invalid_transaction_id: the wallet stops polling instead of
    getting 202 forever. With RETENTION_SECONDS=0 the sealed credential is deleted when the access
    token expires (until then a wallet whose 200 was lost gets it again, tests/issuer/test_retry.py);
    the purge is run here as if that time had come."""
    auth, transaction, credential = _deferred_until_delivered(issuer)
    again = issuer.client.post("/deferred_credential", headers=auth, json={"transaction_id": transaction})
    assert again.status_code == 200 and again.json()["credentials"][0]["credential"] == credential
    state = issuer.client.app.state.issuer  # type: ignore[attr-defined]
    with state.sessions() as session:
        later = time.time() + state.settings.access_token_ttl_seconds + 2
        assert purge_personal_data(session, now=later, retention_seconds=0) >= 1
    again = issuer.client.post("/deferred_credential", headers=auth, json={"transaction_id": transaction})
    assert again.status_code == 400 and again.json()["error"] == "invalid_transaction_id"


def test_a_held_credential_is_delivered_again(tmp_path: Path) -> None:
    """While RETENTION_SECONDS keeps it, a wallet whose 200 was lost gets the same credential again."""
    for issuer in _issuer(tmp_path, credential_wait_seconds=0, retention_seconds=3600):
        auth, transaction, credential = _deferred_until_delivered(issuer)
        again = issuer.client.post("/deferred_credential", headers=auth, json={"transaction_id": transaction})
        assert again.status_code == 200 and again.json()["credentials"][0]["credential"] == credential
