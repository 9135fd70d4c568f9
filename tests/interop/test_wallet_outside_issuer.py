"""The real nansen-wallet CLI against an outside issuer built on npm @openid4vc/openid4vci and
@openid4vc/oauth2 (tests/interop/outside_issuer.mjs) that puts every endpoint at a path no wallet
would guess and its token endpoint behind an authorization server identifier with a path (issue 17):
endpoints from the metadata (OpenID4VCI §12.2, RFC 8414 §3.1), tx_code only when offered (§6.1),
no c_nonce when there is no nonce endpoint (§7.2), and the issuer told what became of it
(§11: accepted, deleted)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from outside_issuer_process import WalletRun, outside_issuers, wallet_runner


@pytest.fixture()
def outside() -> Iterator[Any]:
    yield from outside_issuers()


@pytest.fixture()
def wallet(tmp_path: Path) -> WalletRun:
    return wallet_runner(tmp_path / "w")


def proof_payload(request_body: str) -> dict[str, Any]:
    proof = json.loads(request_body)["proofs"]["jwt"][0]
    part = proof.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def test_no_nonce_endpoint_and_an_offer_without_tx_code(outside: Any, wallet: Any) -> None:
    issuer = outside(nonce=False, tx_code=False)
    received = wallet("receive", issuer.offer_uri)
    assert received.returncode == 0, received.stdout + received.stderr
    assert "Saved credential" in received.stdout
    paths = [r["path"] for r in issuer.seen()]
    assert paths == [
        "/.well-known/openid-credential-issuer",
        "/.well-known/oauth-authorization-server/oauth",
        "/oauth/get-token",
        "/v1/issue-credential",
        "/v1/told",
    ]
    (form,) = issuer.bodies("/oauth/get-token")
    assert "tx_code" not in parse_qs(form)  # the issuer would answer invalid_request (§6.1)
    (request,) = issuer.bodies("/v1/issue-credential")
    assert "nonce" not in proof_payload(request)
    (notice,) = issuer.bodies("/v1/told")
    assert json.loads(notice) == {"notification_id": "note-1", "event": "credential_accepted"}
    (kept,) = json.loads(wallet("list", "--json").stdout)["credentials"]
    assert kept["type"] == f"{issuer.base}/types/other-id" and kept["chain_check"] == "not_checked", kept
    assert wallet("delete", kept["id"], "--yes").returncode == 0
    assert [json.loads(body)["event"] for body in issuer.bodies("/v1/told")] == [
        "credential_accepted",
        "credential_deleted",
    ]


def test_nonce_endpoint_and_a_tx_code_checked_before_it_is_sent(outside: Any, wallet: Any) -> None:
    issuer = outside(nonce=True, tx_code=True)
    short = wallet("receive", issuer.offer_uri, "--tx-code", "12")
    assert short.returncode == 2 and "must have 4 characters" in short.stdout + short.stderr
    assert issuer.bodies("/oauth/get-token") == []  # nothing was sent, no try used up
    wrong = wallet("receive", issuer.offer_uri, "--tx-code", "0000")
    assert wrong.returncode == 7 and "Check the code with the officer" in wrong.stdout + wrong.stderr
    received = wallet("receive", issuer.offer_uri, "--tx-code", issuer.tx_code)
    assert received.returncode == 0, received.stdout + received.stderr
    (request,) = issuer.bodies("/v1/issue-credential")
    assert isinstance(proof_payload(request).get("nonce"), str)  # the issuer checked it was its own


def test_a_credential_from_an_issuer_not_in_the_registry_is_refused(
    outside: Any, issuer: Any, tmp_path: Path
) -> None:
    """With the chain reachable (a real anvil chain with the registry deployed, from the interop
    fixture), the outside issuer's credential goes through the whole protocol and is then refused,
    unsaved, because no accredited issuer stands behind it; the issuer is told (§11)."""
    outsider = outside(nonce=False, tx_code=False)
    run = wallet_runner(
        tmp_path / "anchored",
        NANSEN_WALLET_RPC_URL=issuer.settings.rpc_url,
        NANSEN_WALLET_CHAIN_ID=str(issuer.settings.chain_id),
        NANSEN_WALLET_DEPLOYMENTS_DIR=str(issuer.settings.deployments_dir),
    )
    refused = run("receive", outsider.offer_uri)
    assert refused.returncode == 7, refused.stdout + refused.stderr
    said = refused.stderr + refused.stdout
    assert "This credential was refused and not saved." in said
    # which check failed, in plain words, and the code for whoever helps the holder
    assert "is not on the registry's list of approved organisations" in said, said
    assert "(Reason code for them: issuer_trust:issuer_not_accredited)" in said
    assert json.loads(run("list", "--json").stdout)["credentials"] == []
    (notice,) = outsider.bodies("/v1/told")
    assert json.loads(notice)["event"] == "credential_failure"
    uk = run("receive", outsider.offer_uri, lang="uk")
    assert uk.returncode == 7 and "issuer_trust:issuer_not_accredited" in uk.stderr
    assert "is not on the registry's list" not in uk.stderr  # said in Ukrainian
