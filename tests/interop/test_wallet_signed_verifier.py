"""The real nansen-wallet CLI against Nansen's own verifier in its signed mode (HAIP): the holder
receives a credential from the real issuer on a real chain, then answers signed requests by
reference (x509_hash with request_uri_method post, x509_san_dns with get; OpenID4VP 1.0 §5.9.3,
§5.10) with encrypted responses (direct_post.jwt, §8.3), and the officer sees a valid result; with
the verifier's CA missing from the holder's trust anchors the request is refused and the officer's
request stays unanswered."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from interop_support import IssuerProcess
from test_signed_presentation_outside import _signed_verifier

pytestmark = pytest.mark.chain
WALLET = str(Path(sys.executable).with_name("nansen-wallet"))
PASSPHRASE = "a good passphrase"


def test_the_wallet_answers_nansens_signed_requests(tmp_path: Path, issuer: IssuerProcess) -> None:
    env = {
        **os.environ,
        "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
        "NANSEN_WALLET_RPC_URL": issuer.settings.rpc_url,
        "NANSEN_WALLET_CHAIN_ID": str(issuer.settings.chain_id),
        "NANSEN_WALLET_DEPLOYMENTS_DIR": str(issuer.settings.deployments_dir),
    }

    def wallet(*args: str) -> subprocess.CompletedProcess[str]:
        command = [WALLET, "--data-dir", str(tmp_path / "holder"), "--lang", "en", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=90, check=False)

    assert wallet("init").returncode == 0
    offer = issuer.offer()
    received = wallet("receive", offer["offer_uri"], "--tx-code", offer["tx_code"])
    assert received.returncode == 0, received.stdout + received.stderr
    vct = f"{issuer.settings.issuer_id}/.well-known/vct/refugee_identity"
    for prefix, method in (("x509_hash", "post"), ("x509_san_dns", "get")):
        signed = contextlib.contextmanager(_signed_verifier)
        with signed(tmp_path / prefix, issuer, prefix=prefix, method=method) as (verifier, certificates):
            anchors = tmp_path / prefix / "anchors"
            anchors.mkdir()
            (anchors / "verifier-ca.pem").write_text(certificates.anchor_pem)
            request = verifier.request(vct)
            assert "request_uri=" in request["request_uri"]
            shared = wallet("present", request["request_uri"], "--yes", "--trust-anchors", str(anchors))
            assert shared.returncode == 0, shared.stdout + shared.stderr
            assert "Verified verifier: Border verifier" in shared.stdout
            status, result = verifier.result(request["id"])
            assert status == 200 and result["verdict"] == "valid", result
            assert result["claims"] == {"nationality": "SY", "age_over_18": True}

            unanswered = verifier.request(vct)
            refused = wallet("present", unanswered["request_uri"], "--yes", "--trust-anchors", str(tmp_path))
            assert refused.returncode == 7 and "trust anchors" in refused.stderr, refused.stderr
            pending = httpx.get(
                f"{verifier.base}/requests/{unanswered['id']}/result", headers=verifier.officer, timeout=10
            )
            assert pending.status_code == 202 and pending.json()["status"] == "pending"  # nothing was sent
