"""End-to-end issuance over HTTP: the full OpenID4VCI exchange per credential (token, nonce,
credential) against a real uvicorn issuer anchoring on anvil. Credentials/s, gas per credential, p95."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "issuer"))

import httpx
from issuer_desk import CLAIMS, chain_setup

from bench.report import emit
from issuer.bootstrap import bootstrap_admin
from nansen.chain import devchain
from nansen.chain.events import decode_log
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

BENCH = "issuer"
COUNT = int(os.environ.get("NANSEN_BENCH_CREDENTIALS", "300"))
CONCURRENCY = 32


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        chain = devchain.start(tmp / "chain")
        server = None
        try:
            setup, settings = chain_setup(tmp, chain)
            admin = bootstrap_admin(settings, "bench")
            port = devchain.free_port()
            env = {
                **os.environ,
                **{
                    f"NANSEN_ISSUER_{k.upper()}": str(v)
                    for k, v in {
                        "issuer_id": settings.issuer_id,
                        "public_url": f"http://127.0.0.1:{port}",
                        "data_dir": settings.data_dir,
                        "rpc_url": settings.rpc_url,
                        "chain_id": settings.chain_id,
                        "deployments_dir": settings.deployments_dir,
                        "signing_key_file": settings.signing_key_file,
                        "signing_key_passphrase": settings.signing_key_passphrase.get_secret_value(),
                        "chain_keystore": settings.chain_keystore,
                        "chain_keystore_passphrase": settings.chain_keystore_passphrase.get_secret_value(),
                        "batch_window_ms": 500,
                        "credential_wait_seconds": 5,
                    }.items()
                },
            }
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "issuer.app:app_from_environment",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
            base = f"http://127.0.0.1:{port}"
            client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=CONCURRENCY * 2))
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get(f"{base}/health")
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            staff = {"Authorization": f"Bearer {admin}"}
            offers = [
                client.post(f"{base}/offers", json={"claims": CLAIMS}, headers=staff).json()
                for _ in range(COUNT)
            ]
            holders = [generate_private_key() for _ in range(COUNT)]

            def exchange(i: int) -> float:
                started = time.perf_counter()
                offer = parse_offer(offers[i]["offer_uri"])
                access = client.post(
                    f"{base}/token",
                    data={
                        "grant_type": PRE_AUTHORIZED_GRANT,
                        "pre-authorized_code": offer.pre_authorized_code,
                        "tx_code": offers[i]["tx_code"],
                    },
                ).json()["access_token"]
                nonce = client.post(f"{base}/nonce").json()["c_nonce"]
                proof = build_proof_jwt(
                    holder_key=holders[i], audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
                )
                response = client.post(
                    f"{base}/credential",
                    headers={"Authorization": f"Bearer {access}"},
                    json={"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [proof]}},
                )
                assert response.status_code == 200, response.text
                return time.perf_counter() - started

            started = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                latencies = sorted(pool.map(exchange, range(COUNT)))
            elapsed = time.perf_counter() - started
            logs = setup.conn.rpc(
                "eth_getLogs",
                [{"fromBlock": "0x0", "toBlock": "latest", "address": setup.deployment.credential_registry}],
            )
            anchors = [e for e in map(decode_log, logs) if e is not None and e.name == "BatchAnchored"]
            gas = 0
            for log in logs:
                event = decode_log(log)
                if event is not None and event.name == "BatchAnchored":
                    receipt = setup.conn.rpc("eth_getTransactionReceipt", [log["transactionHash"]])
                    gas += int(receipt["gasUsed"], 16)
            emit(
                BENCH,
                "credentials_per_second_http",
                COUNT / elapsed,
                "1/s",
                target=">= 300",
                reference_acapy=30,
                concurrency=CONCURRENCY,
            )
            emit(BENCH, "gas_per_credential", gas / COUNT, "gas", target="<= 100", batches=len(anchors))
            emit(
                BENCH,
                "p95_latency_full_exchange",
                latencies[int(0.95 * COUNT)],
                "s",
                target="<= 1.5",
                note="includes the 500 ms batching window",
            )
        finally:
            if server is not None:
                server.terminate()
                server.wait(20)
            devchain.stop(tmp / "chain")


if __name__ == "__main__":
    main()
