"""Issuance over OpenID4VCI against a real chain; the credential verifies against the mirror."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from issuer_desk import CLAIMS, Office, wallet_receive

from nansen.chain.mirror import ChainMirror
from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.b64 import b64url_decode
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer

pytestmark = pytest.mark.chain


def offer(office: Office, claims: dict | None = None) -> dict:  # type: ignore[type-arg]
    response = office.client.post("/offers", json={"claims": claims or CLAIMS}, headers=office.officer)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_full_issuance_anchors_and_verifies(office: Office) -> None:
    made = offer(office)
    assert made["offer_uri"].startswith("openid-credential-offer://?credential_offer=")
    assert len(made["tx_code"]) == 6 and made["tx_code"] not in made["offer_uri"]
    result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    assert result["status"] == 200, result
    compact = result["body"]["credentials"][0]["credential"]
    mirror = ChainMirror(office.chain.conn, office.chain.deployment)
    mirror.sync()
    verified = CredentialVerifier(mirror).verify_issued(compact)
    assert verified.verdict is Verdict.VALID, verified.checks
    assert verified.claims["given_name"] == "Amina"
    # the anchor claim says when its root was anchored (the block's time), for verifiers not yet past it
    anchor = json.loads(b64url_decode(compact.split(".")[1]))["anchor"]
    batch = mirror.batch(b64url_decode(anchor["root"]))
    assert batch is not None and anchor["anchored_at"] == batch.anchored_at
    listing = office.client.get("/credentials", headers=office.officer).json()
    assert listing[0]["state"] == "delivered" and listing[0]["batch_root"]
    assert "given_name" not in str(listing)


def test_a_queue_insert_that_clashes_is_refused_for_what_it_clashed_with(office: Office) -> None:
    """Concurrent requests with one nonce or for one offer pass the checks before the insert; the
    insert itself must refuse the loser without spoiling the transaction it shares with others."""
    from sqlalchemy import create_engine, text

    from issuer import statements as sql
    from issuer.sealed import offer_key
    from nansen.crypto.keys import generate_private_key
    from nansen.openid4vci.errors import IssuanceProtocolError

    first = offer(office)
    wallet_receive(office.client, first["offer_uri"], first["tx_code"])
    second = offer(office)  # redeemed by no one: its claims are still held
    flow = office.client.app.state.issuer.flow  # type: ignore[attr-defined]
    engine = create_engine(office.settings.database)
    key = generate_private_key().public_key()
    with engine.begin() as db:
        spent_nonce = db.execute(text("SELECT proof_nonce FROM credentials")).scalar_one()
        offer_id = db.execute(text("SELECT id FROM offers WHERE state = 'offered'")).scalar_one()
        row = db.execute(sql.OFFER_FOR_CREDENTIAL, {"offer_id_": offer_id}).one()
        sealing = offer_key(parse_offer(second["offer_uri"]).pre_authorized_code, offer_id)
        with pytest.raises(IssuanceProtocolError, match="c_nonce was already used") as refused:
            flow._enqueue(db, row, key, spent_nonce, sealing)
        assert refused.value.error == "invalid_nonce"
        queued = flow._enqueue(db, row, key, "1" * 64, sealing)
        with pytest.raises(IssuanceProtocolError, match="already requested") as refused:
            flow._enqueue(db, row, key, "2" * 64, sealing)
        assert refused.value.error == "invalid_credential_request"
        of_offer = db.execute(text("SELECT id FROM credentials WHERE offer_id = :o"), {"o": offer_id})
        assert of_offer.scalars().all() == [queued.id]
    engine.dispose()


def test_wrong_tx_code_three_times_kills_the_code(office: Office) -> None:
    made = offer(office)
    code = parse_offer(made["offer_uri"]).pre_authorized_code
    for _ in range(3):
        wrong = office.client.post(
            "/token",
            data={
                "grant_type": PRE_AUTHORIZED_GRANT,
                "pre-authorized_code": code,
                "tx_code": "000000" if made["tx_code"] != "000000" else "111111",
            },
        )
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    right = office.client.post(
        "/token",
        data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": made["tx_code"]},
    )
    assert right.status_code == 400 and right.json()["error"] == "invalid_grant"


def test_unknown_code_and_bad_grant(office: Office) -> None:
    response = office.client.post(
        "/token", data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "nope"}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    response = office.client.post("/token", data={"grant_type": "authorization_code"})
    assert response.json()["error"] == "unsupported_grant_type"
    assert office.client.post("/token", data={}).json()["error"] == "invalid_request"


def test_replayed_proof_and_bad_proof(office: Office) -> None:
    from nansen.crypto.keys import generate_private_key
    from nansen.openid4vci.proof import build_proof_jwt

    made = offer(office)
    parsed = parse_offer(made["offer_uri"])
    auth = _token(office, made)
    holder = generate_private_key()
    wrong_aud = build_proof_jwt(
        holder_key=holder,
        audience="https://evil.example",
        nonce=office.client.post("/nonce").json()["c_nonce"],
        iat=int(time.time()),
    )
    body = {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [wrong_aud]}}
    assert office.client.post("/credential", headers=auth, json=body).json()["error"] == "invalid_proof"
    stale_nonce = build_proof_jwt(
        holder_key=holder, audience=parsed.credential_issuer, nonce="never-issued", iat=int(time.time())
    )
    body["proofs"] = {"jwt": [stale_nonce]}
    assert office.client.post("/credential", headers=auth, json=body).json()["error"] == "invalid_nonce"
    garbage = office.client.post("/credential", headers=auth, content=b"not json")
    assert garbage.status_code == 400 and garbage.json()["error"] == "invalid_request"
    no_token = office.client.post("/credential", json=body)
    assert no_token.status_code == 401 and no_token.json()["error"] == "invalid_token"


def test_staff_auth_roles_and_validation(office: Office) -> None:
    assert office.client.post("/offers", json={"claims": CLAIMS}).status_code == 401
    assert office.client.post("/staff", json={"name": "x"}, headers=office.officer).status_code == 403
    bad = office.client.post(
        "/offers", json={"claims": {**CLAIMS, "birth_date": "yesterday"}}, headers=office.officer
    )
    assert bad.status_code == 422 and "birth_date" in bad.json()["detail"]
    assert "yesterday" not in bad.text
    missing = office.client.post("/offers", json={"claims": {"given_name": "A"}}, headers=office.officer)
    assert missing.status_code == 422 and "family_name" in missing.json()["detail"]
    huge = office.client.post(
        "/offers",
        content=b"{" + b" " * 100_000 + b"}",
        headers={**office.officer, "content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_revocation_reaches_the_chain(office: Office) -> None:
    made = offer(office)
    result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    credential = office.client.get("/credentials", headers=office.officer).json()[0]
    assert (
        office.client.post(
            f"/credentials/{credential['id']}/suspend", json={"reason": "lost_device"}, headers=office.officer
        ).status_code
        == 202
    )
    mirror = ChainMirror(office.chain.conn, office.chain.deployment)
    compact = result["body"]["credentials"][0]["credential"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        mirror.sync()
        if CredentialVerifier(mirror).verify_issued(compact).reason == "status:suspended":
            break
        time.sleep(0.1)
    assert CredentialVerifier(mirror).verify_issued(compact).reason == "status:suspended"
    for action, expected in (("reinstate", 202), ("revoke", 202), ("reinstate", 409), ("suspend", 409)):
        response = office.client.post(
            f"/credentials/{credential['id']}/{action}", json={"reason": "fraud"}, headers=office.officer
        )
        assert response.status_code == expected, (action, response.text)
    time.sleep(1)
    mirror.sync()
    assert CredentialVerifier(mirror).verify_issued(compact).reason == "status:revoked"
    audit = office.client.get("/audit", headers=office.admin).json()
    assert {"credential_revoke", "credential_suspend", "offer_created"} <= {a["action"] for a in audit}


def test_metadata_endpoints(office: Office) -> None:
    meta = office.client.get("/.well-known/openid-credential-issuer").json()
    config = meta["credential_configurations_supported"]["refugee_identity"]
    assert config["format"] == "dc+sd-jwt" and meta["nonce_endpoint"].endswith("/nonce")
    assert (
        office.client.get("/.well-known/oauth-authorization-server")
        .json()["token_endpoint"]
        .endswith("/token")
    )
    jwks = office.client.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"]
    assert jwks[0]["kty"] == "EC" and "d" not in jwks[0]
    status = office.client.get("/status-list")
    assert status.status_code == 200 and status.text.count(".") == 2


def _token(office: Office, made: dict) -> dict[str, str]:  # type: ignore[type-arg]
    parsed = parse_offer(made["offer_uri"])
    token = office.client.post(
        "/token",
        data={
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": parsed.pre_authorized_code,
            "tx_code": made["tx_code"],
        },
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _proof(office: Office, nonce: str | None = None) -> str:
    from nansen.crypto.keys import generate_private_key
    from nansen.openid4vci.proof import build_proof_jwt

    return build_proof_jwt(
        holder_key=generate_private_key(),
        audience=office.settings.public_url.rstrip("/"),
        nonce=nonce or office.client.post("/nonce").json()["c_nonce"],
        iat=int(time.time()),
    )


def test_a_proof_checked_before_the_transaction_is_refused_in_its_old_turn(office: Office) -> None:
    """The access token, then the request, then the proof, then its nonce: as when all were checked
    in one transaction."""

    def error(auth: dict[str, str], proof: str, configuration: str = "refugee_identity") -> tuple[int, str]:
        body = {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}
        response = office.client.post("/credential", headers=auth, json=body)
        return response.status_code, response.json().get("error_description", "")

    auth = _token(office, offer(office))
    bad_proof = "not-a-jwt"
    assert (
        error({"Authorization": "Bearer made-up.token"}, bad_proof)[1]
        == "The access token is unknown or expired."
    )
    assert error(auth, bad_proof, "other")[1] == "This issuer has no such credential configuration."
    assert error(auth, bad_proof)[1] == "the key proof is not a compact JWT"
    never_issued = error(auth, _proof(office, "never-issued"))
    first = _proof(office)
    assert error(auth, first)[0] == 200
    assert error(auth, bad_proof)[1] == "the key proof is not a compact JWT"  # a retry proves its key too
    assert error(auth, _proof(office))[1] == "This credential was already requested with another key."
    # a genuine c_nonce already spent is refused inside the transaction, in the proof's own words
    spent = error(_token(office, offer(office)), first)
    assert spent == never_issued
    assert spent == (400, "the key proof's nonce is unknown, expired or used; get a fresh c_nonce")


@pytest.mark.parametrize("database_url", [""])  # SQLite only: PostgreSQL takes no write lock
def test_the_key_proof_is_checked_without_the_write_lock(office: Office) -> None:
    import threading

    from test_write_lock import _held_elsewhere

    flow = office.client.app.state.issuer.flow  # type: ignore[attr-defined]
    lock_file = office.settings.data_dir / "issuer.writers.lock"
    checks: list[tuple[str, bool]] = []
    verify = flow.verify_proof

    def recording(*args: Any, **kwargs: Any) -> Any:
        checks.append((threading.current_thread().name, _held_elsewhere(lock_file)))
        return verify(*args, **kwargs)

    flow.verify_proof = recording
    made = offer(office)
    result, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    assert result["status"] == 200, result
    assert len(checks) == 1
    thread, held = checks[0]
    assert not thread.startswith("wallet-db") and not held
    # behind a forged access token no signature is checked: refusing it stays cheap
    body = {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [_proof(office)]}}
    forged = office.client.post("/credential", headers={"Authorization": "Bearer made-up.token"}, json=body)
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
    assert len(checks) == 1
