"""DPoP with an outside client (@openid4vc/openid4vci and @openid4vc/oauth2, RFC 9449): the issuer
advertises it (§5.1 dpop_signing_alg_values_supported), answers the first proof without a nonce with
use_dpop_nonce and a DPoP-Nonce (§8), binds the access token to the wallet's key (token_type DPoP,
§5), and takes it at the credential endpoint only with a proof of that key (§7); where the
deployment allows no bearer tokens, a client without DPoP gets none (HAIP)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from interop_support import IssuerProcess, node, start_issuer

from nansen.chain import devchain

pytestmark = pytest.mark.chain


def test_an_outside_wallet_gets_a_dpop_bound_token_and_its_credential(issuer: IssuerProcess) -> None:
    metadata = httpx.get(f"{issuer.base}/.well-known/oauth-authorization-server", timeout=10).json()
    assert metadata["dpop_signing_alg_values_supported"] == ["ES256"]
    received = issuer.receive(dpop=True)
    assert received["token_type"] == "DPoP" and received["expires_in"] <= 300
    checked = node(
        "verify_credential.mjs", {"credential": received["credential"], "issuer_base": issuer.base}
    )
    assert checked["ok"], checked


def test_without_bearer_tokens_a_client_without_dpop_gets_no_token(tmp_path: Path) -> None:
    chain = devchain.start(tmp_path / "chain")
    process = None
    try:
        process = start_issuer(tmp_path, chain, NANSEN_ISSUER_ALLOW_BEARER_TOKENS="false")
        made = process.offer()
        refused = node("wallet_receive.mjs", {"offer_uri": made["offer_uri"], "tx_code": made["tx_code"]})
        assert not refused["ok"] and "invalid_dpop_proof" in str(refused), refused
        assert process.receive(dpop=True)["token_type"] == "DPoP"
    finally:
        if process is not None:
            process.stop()
        devchain.stop(tmp_path / "chain")
