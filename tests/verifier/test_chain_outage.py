"""Started while the chain is down (or not yet trustworthy), the verifier serves anyway: /health says
why it is degraded, every verdict is "unknown" with that reason, and once the node answers with our
registries the verifier catches up by itself, without a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from chain_world import chain_issuer
from fastapi.testclient import TestClient
from presenting import eventually, present_online
from world import VCT, make_world

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.sdjwt.presentation import create_presentation
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

SYNC = 0.2
STALENESS = 2.0
RECOVERY_SECONDS = 45.0  # chain start, deployment and a first full sync on a loaded 2-core CI machine


def make_settings(tmp_path: Path, *, port: int, chain_id: int = devchain.DEV_CHAIN_ID) -> VerifierSettings:
    return VerifierSettings(
        public_url="https://verifier.example",
        rpc_url=f"http://127.0.0.1:{port}",
        chain_id=chain_id,
        deployments_dir=tmp_path / "deployments",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        sync_interval_seconds=SYNC,
        max_staleness_seconds=STALENESS,
        _env_file=None,  # type: ignore[call-arg]
    )


def officer_headers(settings: VerifierSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {OfficerDirectory(settings.officers_file).add('Officer')}"}


def health(client: TestClient) -> dict[str, Any]:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture()
def chain_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "chain"
    try:
        yield directory
    finally:
        devchain.stop(directory)  # a no-op when the test started no chain


def test_starts_without_chain_and_every_verdict_is_unknown(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, port=devchain.free_port())  # nothing listens there
    headers = officer_headers(settings)
    world = make_world()  # a well-formed credential; without the registry nobody can vouch for it
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        body = health(client)
        assert body["status"] == "degraded" and body["reason"] == "chain_unreachable"
        assert "does not answer" in body["detail"] and "127.0.0.1" not in body["detail"]
        assert body["chain"]["synced_seconds_ago"] is None and not body["chain"]["within_staleness_bound"]

        challenge = client.post("/offline/challenges", headers=headers).json()
        presentation = create_presentation(
            issued=world.issue(1)[0].compact,
            disclose=[("nationality",)],
            holder_key=world.holder_key,
            aud=challenge["audience"],
            nonce=challenge["nonce"],
            iat=int(time.time()),
        )
        answered = client.post(
            "/offline/verifications",
            json={
                "presentation": presentation,
                "nonce": challenge["nonce"],
                "audience": challenge["audience"],
                "credential_type": VCT,
                "claims": [["nationality"]],
            },
            headers=headers,
        )
        assert answered.status_code == 200, answered.text
        result = answered.json()
        assert result["verdict"] == "unknown" and result["reason"] == "issuer_trust:chain_unreachable"
        assert result["claims"] == {} and "retrying" in result["detail"]
        assert client.get("/metrics").status_code == 200


@pytest.mark.chain
def test_catches_up_once_the_chain_comes_up(tmp_path: Path, chain_dir: Path) -> None:
    port = devchain.free_port()
    settings = make_settings(tmp_path, port=port)
    headers = officer_headers(settings)
    world = make_world()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        body = health(client)
        assert body["status"] == "degraded" and body["reason"] == "chain_unreachable"
        posted, result = present_online(
            client, headers, issued=world.issue(1)[0].compact, holder_key=world.holder_key
        )
        assert posted.status_code == 200 and posted.json()["verdict"] == "unknown"
        assert result["verdict"] == "unknown" and result["reason"] == "issuer_trust:chain_unreachable"

        chain = devchain.start(chain_dir, port=port)
        issuer = chain_issuer(chain)
        # the node answers, but no deployment file names our registries yet: still nothing trusted
        eventually(
            lambda: health(client), lambda h: h["reason"] == "deployment_invalid", within=RECOVERY_SECONDS
        )
        save_deployment(settings.deployments_dir, issuer.deployment)

        recovered = eventually(lambda: health(client), lambda h: h["status"] == "ok", within=RECOVERY_SECONDS)
        assert recovered["reason"] is None and recovered["chain"]["within_staleness_bound"]
        ((_, issued),) = issuer.issue(1)
        valid = eventually(
            lambda: present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)[1],
            lambda r: r["verdict"] == "valid",
            within=RECOVERY_SECONDS,
        )
        assert valid["claims"] == {"nationality": "SY", "age_over_18": True}


@pytest.mark.chain
@pytest.mark.parametrize("fault", ["wrong_chain", "deployment_invalid"])
def test_a_node_not_confirmed_is_never_trusted(tmp_path: Path, chain_dir: Path, fault: str) -> None:
    chain = devchain.start(chain_dir)
    issuer = chain_issuer(chain)
    if fault == "wrong_chain":
        # the settings name another chain; a deployment file for it names the real contracts
        settings = make_settings(tmp_path, port=chain.port, chain_id=1)
        save_deployment(settings.deployments_dir, replace(issuer.deployment, chain_id=1))
    else:
        # an impostor: real code, but not the IssuerRegistry the file claims is there
        settings = make_settings(tmp_path, port=chain.port)
        deployment = issuer.deployment
        save_deployment(
            settings.deployments_dir, replace(deployment, issuer_registry=deployment.credential_registry)
        )
    ((_, issued),) = issuer.issue(1)
    headers = officer_headers(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        time.sleep(SYNC * 5)  # several attempts, each refused
        body = health(client)
        assert body["status"] == "degraded" and body["reason"] == fault
        posted, result = present_online(client, headers, issued=issued.compact, holder_key=issuer.holder)
        assert posted.status_code == 200
        assert result["verdict"] == "unknown" and result["reason"] == f"issuer_trust:{fault}"
        assert result["claims"] == {}
