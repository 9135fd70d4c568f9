"""Nodes that limit what the verifier can read: one that caps event-log ranges is read in narrower
ranges, one that refuses them outright or forges them is named in /health, and with confirmations
on a node that stopped mining, /health warns that the last blocks are held back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chain_world import chain_issuer
from fastapi.testclient import TestClient
from presenting import eventually
from rpc_relay import Forward, Message, refusal, rpc_relay, span_of

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.credential.verification import VerificationPolicy
from verifier.app import create_app
from verifier.chain_link import ChainLink
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain
CAP = 10


@pytest.fixture()
def chain(tmp_path: Path) -> Iterator[tuple[devchain.DevChain, Path]]:
    dev = devchain.start(tmp_path / "chain")
    try:
        issuer = chain_issuer(dev)
        save_deployment(tmp_path / "deployments", issuer.deployment)
        issuer.conn.rpc("anvil_mine", [hex(3 * CAP)])
        yield dev, tmp_path / "deployments"
    finally:
        devchain.stop(tmp_path / "chain")


def health_of(tmp_path: Path, rpc_url: str, deployments: Path, **extra: Any) -> dict[str, Any]:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        rpc_url=rpc_url,
        deployments_dir=deployments,
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        sync_interval_seconds=0.2,
        _env_file=None,  # type: ignore[call-arg]
        **extra,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        return eventually(
            lambda: client.get("/health").json(),
            lambda h: h["reason"] not in ("chain_connecting", None) or h["status"] == "ok",
            within=20,
        )


def test_a_capped_log_range_is_narrowed_and_a_node_refusing_logs_is_named(
    chain: tuple[devchain.DevChain, Path], tmp_path: Path
) -> None:
    dev, deployments = chain

    def capped(request: Message, forward: Forward) -> Message:
        if request.get("method") == "eth_getLogs" and span_of(request) > CAP:
            return refusal(request, f"query exceeds max block range {CAP}\x1b[31m")
        return forward(request)

    with rpc_relay(dev.rpc_url, capped) as relay:
        synced = health_of(tmp_path, relay.url, deployments)  # 10,000 blocks asked, then CAP
        assert synced["status"] == "ok" and synced["reason"] is None

    def refusing(request: Message, forward: Forward) -> Message:
        return refusal(request, "\x1b[31mno") if request.get("method") == "eth_getLogs" else forward(request)

    with rpc_relay(dev.rpc_url, refusing) as relay:
        refused = health_of(tmp_path / "again", relay.url, deployments)
        assert refused["status"] == "degraded" and refused["reason"] == "log_query_refused"
        assert "refused the event log query for blocks" in refused["detail"]
        assert "(a single block)" in refused["detail"]
        assert "does not answer" not in refused["detail"]
        assert "127.0.0.1" not in refused["detail"] and "\x1b" not in refused["detail"]  # no node words


def test_forged_logs_are_named_and_never_used(chain: tuple[devchain.DevChain, Path], tmp_path: Path) -> None:
    dev, deployments = chain

    def forged(request: Message, forward: Forward) -> Message:
        answer = forward(request)
        if request.get("method") == "eth_getLogs":
            for log in answer.get("result") or []:
                log["blockHash"] = "0x" + "ab" * 32
        return answer

    with rpc_relay(dev.rpc_url, forged) as relay:
        rejected = health_of(tmp_path, relay.url, deployments)
    assert rejected["status"] == "degraded" and rejected["reason"] == "logs_rejected"
    assert (
        "that is not on the chain" in rejected["detail"] and rejected["chain"]["synced_seconds_ago"] is None
    )


def test_confirmations_on_a_node_that_stopped_mining_are_warned_about(
    chain: tuple[devchain.DevChain, Path],
) -> None:
    dev, deployments = chain
    link = ChainLink(
        rpc_url=dev.rpc_url,
        chain_id=dev.chain_id,
        deployments_dir=deployments,
        policy=VerificationPolicy(),
        confirmations=2,
        interval=0.2,
        head_stall_seconds=1.0,
    )
    link.start()
    try:
        warning = eventually(link.warning, lambda w: w is not None, within=20)
        assert warning is not None
        assert "the last 2 blocks wait for 2 confirmations" in warning
        assert "set NANSEN_VERIFIER_CONFIRMATIONS=0" in warning
    finally:
        link.stop()
