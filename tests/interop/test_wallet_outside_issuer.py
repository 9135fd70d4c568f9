"""The real nansen-wallet CLI against an outside issuer built on npm @openid4vc/openid4vci and
@openid4vc/oauth2 (tests/interop/outside_issuer.mjs) that puts every endpoint at a path no wallet
would guess and its token endpoint behind an authorization server identifier with a path (issue 17):
endpoints from the metadata (OpenID4VCI §12.2, RFC 8414 §3.1), tx_code only when offered (§6.1),
no c_nonce when there is no nonce endpoint (§7.2), and the issuer told what became of it (§11)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

HERE = Path(__file__).resolve().parent
WALLET = str(Path(sys.executable).with_name("nansen-wallet"))
PASSPHRASE = "a good passphrase"


class OutsideIssuer:
    def __init__(self, **options: bool) -> None:
        self.process = subprocess.Popen(
            ["node", str(HERE / "outside_issuer.mjs"), json.dumps(options)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        started = json.loads(self.process.stdout.readline())
        assert started["ok"], started
        self.base: str = started["base"]
        self.offer_uri: str = started["offer_uri"]
        self.tx_code: str | None = started["tx_code"]

    def seen(self) -> list[dict[str, Any]]:
        return [r for r in httpx.get(f"{self.base}/seen", timeout=5).json() if r["path"] != "/seen"]

    def bodies(self, path: str) -> list[str]:
        return [r["body"] for r in self.seen() if r["path"] == path]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture()
def outside() -> Iterator[Any]:
    started: list[OutsideIssuer] = []

    def start(**options: bool) -> OutsideIssuer:
        started.append(OutsideIssuer(**options))
        return started[-1]

    try:
        yield start
    finally:
        for issuer in started:
            issuer.stop()


@pytest.fixture()
def wallet(tmp_path: Path) -> Any:
    env = {
        **os.environ,
        "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
        "NANSEN_WALLET_RPC_URL": "http://127.0.0.1:1",  # no chain: the credential is kept unchecked
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [WALLET, "--data-dir", str(tmp_path / "w"), "--lang", "en", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("init").returncode == 0
    return run


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
