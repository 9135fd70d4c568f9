"""Real uvicorn processes: kill -9 in the middle of a batch, and a chain outage. Afterwards every
offered credential is issued exactly once with a valid anchor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from issuer_desk import CLAIMS, chain_setup
from sqlalchemy import create_engine, text

from issuer.bootstrap import bootstrap_admin
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.chain.events import decode_log
from nansen.chain.mirror import ChainMirror
from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

pytestmark = pytest.mark.chain
ROOT = Path(__file__).resolve().parents[2]


def environment(settings: IssuerSettings, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "NANSEN_ISSUER_ISSUER_ID": settings.issuer_id,
        "NANSEN_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "NANSEN_ISSUER_DATA_DIR": str(settings.data_dir),
        "NANSEN_ISSUER_RPC_URL": settings.rpc_url,
        "NANSEN_ISSUER_CHAIN_ID": str(settings.chain_id),
        "NANSEN_ISSUER_DEPLOYMENTS_DIR": str(settings.deployments_dir),
        "NANSEN_ISSUER_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": settings.signing_key_passphrase.get_secret_value(),
        "NANSEN_ISSUER_CHAIN_KEYSTORE": str(settings.chain_keystore),
        "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": settings.chain_keystore_passphrase.get_secret_value(),
        "NANSEN_ISSUER_BATCH_WINDOW_MS": "300",
        "NANSEN_ISSUER_CREDENTIAL_WAIT_SECONDS": "0.2",
    }


class Server:
    def __init__(self, settings: IssuerSettings, port: int, *, workers: int = 1) -> None:
        self.port = port
        self.env = environment(settings, port)
        if settings.database_url:
            self.env["NANSEN_ISSUER_DATABASE_URL"] = settings.database_url
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "issuer.app:app_from_environment",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                *(["--workers", str(self.workers)] if self.workers > 1 else []),
            ],
            env=self.env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 30 * self.workers  # each worker starts and migrates on its own
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("issuer did not start")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[tuple[Server, IssuerSettings, str, object, Path]]:
    chain_dir = tmp_path / "chain"
    chain = devchain.start(chain_dir, block_time=1)  # slow blocks: kills land mid-anchoring
    server = None
    try:
        setup, settings = chain_setup(tmp_path, chain)
        token = bootstrap_admin(settings, "Admin")
        server = Server(settings, devchain.free_port())
        server.start()
        yield server, settings, token, setup, chain_dir
    finally:
        if server is not None:
            server.stop()
        devchain.stop(chain_dir)


def request_credential(base: str, admin: str) -> dict[str, str]:
    """Offer, token, nonce, credential request; returns what the wallet keeps for deferred pickup."""
    made = httpx.post(
        f"{base}/offers", json={"claims": CLAIMS}, headers={"Authorization": f"Bearer {admin}"}, timeout=10
    ).json()
    offer = parse_offer(made["offer_uri"])
    access = httpx.post(
        f"{base}/token",
        data={
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": made["tx_code"],
        },
        timeout=10,
    ).json()["access_token"]
    nonce = httpx.post(f"{base}/nonce", timeout=10).json()["c_nonce"]
    proof = build_proof_jwt(
        holder_key=generate_private_key(), audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
    )
    response = httpx.post(
        f"{base}/credential",
        headers={"Authorization": f"Bearer {access}"},
        timeout=10,
        json={"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [proof]}},
    )
    body = response.json()
    if response.status_code == 200:
        return {"access": access, "credential": body["credentials"][0]["credential"]}
    assert response.status_code == 202, body
    return {"access": access, "transaction_id": body["transaction_id"]}


def collect(base: str, pending: list[dict[str, str]], timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    out: list[str] = []
    for item in pending:
        if "credential" in item:
            out.append(item["credential"])
            continue
        while True:
            response = httpx.post(
                f"{base}/deferred_credential",
                headers={"Authorization": f"Bearer {item['access']}"},
                json={"transaction_id": item["transaction_id"]},
                timeout=10,
            )
            if response.status_code == 200:
                out.append(response.json()["credentials"][0]["credential"])
                break
            assert response.status_code == 202, response.text  # OpenID4VCI 1.0: still pending
            assert response.json()["transaction_id"] == item["transaction_id"]
            assert time.monotonic() < deadline, "credential never completed"
            time.sleep(0.3)
    return out


def assert_each_anchored_once(setup: object, credentials: list[str], expected: int) -> None:
    mirror = ChainMirror(setup.conn, setup.deployment)  # type: ignore[attr-defined]
    mirror.sync()
    verifier = CredentialVerifier(mirror)
    assert len(credentials) == expected
    for compact in credentials:
        result = verifier.verify_issued(compact)
        assert result.verdict is Verdict.VALID, result.checks
    logs = setup.conn.rpc(
        "eth_getLogs",
        [
            {
                "fromBlock": "0x0",
                "toBlock": "latest",  # type: ignore[attr-defined]
                "address": setup.deployment.credential_registry,
            }
        ],
    )  # type: ignore[attr-defined]
    anchored = [e for e in map(decode_log, logs) if e is not None and e.name == "BatchAnchored"]
    assert sum(e.args["count"] for e in anchored) == expected  # no batch anchored twice, none lost


def test_kill_9_mid_batch_then_restart(world: tuple[Server, IssuerSettings, str, object, Path]) -> None:
    server, settings, admin, setup, _ = world
    base = f"http://127.0.0.1:{server.port}"
    pending = []
    interrupted = 0
    for round_ in range(3):
        pending += [request_credential(base, admin) for _ in range(4)]
        time.sleep(0.35 + 0.2 * round_)  # the window closes; the anchor waits for a 1 s block
        server.kill9()
        with create_engine(settings.database).connect() as db:
            interrupted += (
                db.execute(text("SELECT count(*) FROM batches WHERE state = 'sending'")).scalar() or 0
            )
        server.start()
    credentials = collect(base, pending)
    assert interrupted >= 1, "no kill landed in the middle of a batch"
    assert_each_anchored_once(setup, credentials, expected=12)


def test_chain_outage_queues_then_completes(world: tuple[Server, IssuerSettings, str, object, Path]) -> None:
    server, settings, admin, setup, chain_dir = world
    base = f"http://127.0.0.1:{server.port}"
    port = int(settings.rpc_url.rsplit(":", 1)[1])
    devchain.stop(chain_dir)
    pending = [request_credential(base, admin) for _ in range(2)]
    server.kill9()
    server.start()  # the issuer starts while the chain is down, and keeps taking requests
    pending += [request_credential(base, admin)]
    assert all("transaction_id" in item for item in pending)  # deferred: nothing is issued unanchored
    deadline = time.monotonic() + 10
    while (health := httpx.get(f"{base}/health", timeout=5).json())["status"] != "degraded":
        assert time.monotonic() < deadline, health
        time.sleep(0.2)
    assert health["pipeline_error"]  # the reason, e.g. the RPC node is unreachable
    assert httpx.get(f"{base}/status-list", timeout=5).status_code == 503
    devchain.start(chain_dir, port=port, block_time=1)
    credentials = collect(base, pending)
    assert_each_anchored_once(setup, credentials, expected=3)
