"""Nodes that limit what the verifier can read: one that refuses wide event-log ranges is named in
/health with the range and the setting to lower, and with confirmations on a node that stopped
mining, /health warns that the last blocks are held back."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from chain_world import chain_issuer
from fastapi.testclient import TestClient
from presenting import eventually

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.credential.verification import VerificationPolicy
from verifier.app import create_app
from verifier.chain_link import ChainLink
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain
CAP = 10


@contextmanager
def capping_relay(upstream: str) -> Iterator[str]:
    """A JSON-RPC relay that refuses eth_getLogs over more than CAP blocks, as many providers do."""

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            request = json.loads(body)
            params = request.get("params") or [{}]
            if request.get("method") == "eth_getLogs" and (
                int(params[0]["toBlock"], 16) - int(params[0]["fromBlock"], 16) + 1 > CAP
            ):
                error = {"code": -32005, "message": f"query exceeds max block range {CAP}\x1b[31m"}
                payload = json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error}).encode()
            else:
                forwarded = urllib.request.Request(
                    upstream, data=body, headers={"Content-Type": "application/json"}, method="POST"
                )
                with urllib.request.urlopen(forwarded, timeout=30) as answer:
                    payload = answer.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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


def test_a_refused_log_range_is_named_and_a_lower_range_syncs(
    chain: tuple[devchain.DevChain, Path], tmp_path: Path
) -> None:
    dev, deployments = chain
    with capping_relay(dev.rpc_url) as relay:
        refused = health_of(tmp_path, relay, deployments)
        assert refused["status"] == "degraded" and refused["reason"] == "log_query_refused"
        assert "refused the event log query for blocks" in refused["detail"]
        assert "lower NANSEN_VERIFIER_LOG_RANGE_BLOCKS" in refused["detail"]
        assert "does not answer" not in refused["detail"]
        assert "127.0.0.1" not in refused["detail"] and "\x1b" not in refused["detail"]  # no node words
        synced = health_of(tmp_path, relay, deployments, log_range_blocks=CAP)
        assert synced["status"] == "ok" and synced["reason"] is None


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
