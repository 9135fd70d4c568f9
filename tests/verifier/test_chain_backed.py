"""The verifier over a real chain: revocations show up within a sync interval; when the chain
goes away it answers from its mirror while fresh enough, then says "unknown"."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chain_world import ChainIssuer, chain_issuer
from fastapi.testclient import TestClient
from presenting import present_online

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.sdjwt.issuance import IssuedSdJwt
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain
SYNC = 0.2
STALENESS = 2.0


@pytest.fixture()
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, ChainIssuer, dict[str, str], Path]]:
    chain_dir = tmp_path / "chain"
    chain = devchain.start(chain_dir)
    try:
        issuer = chain_issuer(chain)
        save_deployment(tmp_path / "deployments", issuer.deployment)
        settings = VerifierSettings(
            public_url="https://verifier.example",
            rpc_url=chain.rpc_url,
            chain_id=chain.chain_id,
            deployments_dir=tmp_path / "deployments",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
            sync_interval_seconds=SYNC,
            max_staleness_seconds=STALENESS,
            _env_file=None,  # type: ignore[call-arg]
        )
        token = OfficerDirectory(settings.officers_file).add("Officer")
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, issuer, {"Authorization": f"Bearer {token}"}, chain_dir
    finally:
        devchain.stop(chain_dir)


def check(
    client: TestClient, headers: dict[str, str], issuer: ChainIssuer, issued: IssuedSdJwt
) -> dict[str, Any]:
    return present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)[1]


def test_revocation_then_chain_outage(setup: tuple[TestClient, ChainIssuer, dict[str, str], Path]) -> None:
    client, issuer, headers, chain_dir = setup
    (first_index, first), (_, second) = issuer.issue(2)
    time.sleep(SYNC * 3)
    assert check(client, headers, issuer, first)["verdict"] == "valid"

    issuer.revoke(first_index)
    time.sleep(SYNC * 3)  # one sync interval (and a margin for the test machine)
    revoked = check(client, headers, issuer, first)
    assert revoked["verdict"] == "invalid" and revoked["reason"] == "status:revoked"

    devchain.stop(chain_dir)
    fresh = check(client, headers, issuer, second)  # within the bound: answered from the mirror
    assert fresh["verdict"] == "valid" and fresh["chain"]["synced_seconds_ago"] < STALENESS
    time.sleep(STALENESS + 0.5)
    stale = check(client, headers, issuer, second)
    assert stale["verdict"] == "unknown" and stale["chain"]["synced_seconds_ago"] > STALENESS
    assert stale["claims"] == {}
    assert client.get("/health").json()["status"] == "degraded"
