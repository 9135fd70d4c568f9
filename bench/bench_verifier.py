"""Verifications per second over HTTP: 2 uvicorn workers, distinct presentations, bounded load on
loopback; a trivial endpoint (/health) measured the same way in the same run as the reference."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from chain_world import chain_issuer
from world import VCT

from bench import loadgen, wrk
from bench.calibration import two_p256_verifications_per_second
from bench.report import emit
from bench.rpc_counter import RpcCounter, counting_relay
from bench.server import cpu_seconds, uvicorn_server
from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.sdjwt.presentation import create_presentation
from verifier.officers import OfficerDirectory

BENCH = "verifier"
COUNT = int(os.environ.get("NANSEN_BENCH_VERIFICATIONS", "25000"))
WRK_THREADS = int(os.environ.get("NANSEN_BENCH_WRK_THREADS", "2"))


async def fetch_challenges(port: int, headers: dict[str, str], count: int) -> list[dict[str, str]]:
    """One challenge (nonce, audience) per verification, fetched over 16 connections."""
    out: list[dict[str, str]] = []

    async def desk(share: int) -> None:
        connection = await loadgen.Connection.open("127.0.0.1", port)
        try:
            for _ in range(share):
                status, body = await connection.request("POST", "/offline/challenges", b"", headers)
                assert status == 201, body
                out.append(json.loads(body))
        finally:
            connection.close()

    await asyncio.gather(*(desk(count // 16 + (i < count % 16)) for i in range(16)))
    return out


def measure_with_wrk(
    port: int, bodies: list[bytes], headers: dict[str, str], server_pid: int, rpc: RpcCounter
) -> None:
    seconds = int(os.environ.get("NANSEN_BENCH_SECONDS", "5"))
    machine = two_p256_verifications_per_second()
    cpu_before, rpc_before = cpu_seconds(server_pid), rpc.calls
    result = wrk.run(
        f"http://127.0.0.1:{port}/offline/verifications",
        method="POST",
        bodies=bodies,
        headers={**headers, "Content-Type": "application/json"},
        seconds=seconds,
        threads=WRK_THREADS,
    )
    if result.exhausted:
        raise SystemExit(
            f"verifier bench: {len(bodies)} presentations ran out; raise NANSEN_BENCH_VERIFICATIONS"
        )
    cpu_after, rpc_calls = cpu_seconds(server_pid), rpc.calls - rpc_before
    user, system = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
    completed = result.ok + result.other
    emit(
        BENCH,
        "http_cpu_ms_per_verification",
        1000 * (user + system) / completed,
        "ms",
        user_ms=round(1000 * user / completed, 3),
        system_ms=round(1000 * system / completed, 3),
        load_generator_ms=round(1000 * result.client_cpu_seconds / completed, 3),
        note="server workers' CPU (user + system) per request; wrk's own beside it, same 2 cores",
    )
    emit(
        BENCH,
        "rpc_calls_per_verification",
        rpc_calls / completed,
        "calls",
        target="0 in steady state",
        calls_during_load=rpc_calls,
        seconds=round(result.seconds, 2),
        note="counted on the wire by a relay in front of anvil: the mirrors' timed sync polls",
    )
    emit(
        BENCH,
        "machine_two_p256_verifications_per_second",
        machine,
        "1/s",
        note="one core, measured just before the load: this machine's speed in this run",
    )
    reference = wrk.run(f"http://127.0.0.1:{port}/health", seconds=seconds)
    report(
        result.ok_rate,
        result.p99_ms,
        reference.ok_rate,
        rate_extra={"load": f"wrk, {WRK_THREADS} thread(s), 32 connections", "refused": result.other},
        p99_extra={"p50_ms": result.p50_ms},
    )


def measure_with_loadgen(port: int, bodies: list[bytes], headers: dict[str, str]) -> None:
    requests = [loadgen.post_json("/offline/verifications", body, headers) for body in bodies]
    result = loadgen.run("127.0.0.1", port, requests, connections=32)
    reference = loadgen.run(
        "127.0.0.1", port, [b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"] * len(bodies), connections=32
    )
    report(
        result.rate,
        result.percentile(0.99) * 1000,
        reference.rate,
        rate_extra={"load": "python loadgen", "statuses": result.statuses},
    )


def report(
    rate: float,
    p99_ms: float,
    reference_rate: float,
    *,
    rate_extra: dict[str, object],
    p99_extra: dict[str, object] | None = None,
) -> None:
    emit(BENCH, "http_verifications_per_second", rate, "1/s", target=">= 3000", workers=2, **rate_extra)
    emit(BENCH, "http_verification_p99_latency", p99_ms, "ms", target="<= 25", **(p99_extra or {}))
    emit(BENCH, "http_health_requests_per_second_reference", reference_rate, "1/s")
    emit(BENCH, "verification_rate_vs_trivial_endpoint", rate / reference_rate, "ratio")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        chain = devchain.start(tmp / "chain")
        try:
            issuer = chain_issuer(chain)
            save_deployment(tmp / "deployments", issuer.deployment)
            port = devchain.free_port()
            relay = counting_relay(chain.rpc_url)
            relay_url, rpc = relay.__enter__()
            env = {
                **os.environ,
                "NANSEN_VERIFIER_RPC_URL": relay_url,
                "NANSEN_VERIFIER_CHAIN_ID": str(chain.chain_id),
                "NANSEN_VERIFIER_DEPLOYMENTS_DIR": str(tmp / "deployments"),
                "NANSEN_VERIFIER_DATA_DIR": str(tmp / "data"),
                "NANSEN_VERIFIER_STATE_DIR": str(tmp / "state"),
                "NANSEN_VERIFIER_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "NANSEN_VERIFIER_INSTANCE": "bench",
            }
            from verifier.settings import VerifierSettings

            token = OfficerDirectory(VerifierSettings(data_dir=tmp / "data").officers_file).add("bench")
            headers = {"Authorization": f"Bearer {token}"}
            try:
                with uvicorn_server(
                    "verifier.app",
                    port,
                    env,
                    workers=int(os.environ.get("NANSEN_BENCH_VERIFIER_WORKERS", "2")),
                ) as server:
                    run_load(issuer, port, headers, server.pid, rpc)
            finally:
                relay.__exit__(None, None, None)
        finally:
            devchain.stop(tmp / "chain")


def run_load(issuer: Any, port: int, headers: dict[str, str], server_pid: int, rpc: RpcCounter) -> None:
    credentials = [issued for _, issued in issuer.issue(64)]
    time.sleep(2)  # let both workers' mirrors see the batch
    challenges = asyncio.run(fetch_challenges(port, headers, COUNT))
    now = int(time.time())
    bodies = [
        json.dumps(
            {
                "presentation": create_presentation(
                    issued=credentials[i % len(credentials)].compact,
                    disclose=[("nationality",), ("age_over_18",)],
                    holder_key=issuer.holder,
                    aud=challenge["audience"],
                    nonce=challenge["nonce"],
                    iat=now,
                ),
                "nonce": challenge["nonce"],
                "audience": challenge["audience"],
                "credential_type": VCT,
                "claims": [["nationality"], ["age_over_18"]],
            },
            separators=(",", ":"),
        ).encode()
        for i, challenge in enumerate(challenges)
    ]
    if wrk.available():
        measure_with_wrk(port, bodies, headers, server_pid, rpc)
    else:
        print(
            "# wrk not installed (make system-deps): the Python load generator is the limit",
            file=sys.stderr,
        )
        measure_with_loadgen(port, bodies, headers)


if __name__ == "__main__":
    main()
