"""End-to-end issuance over HTTP: the full OpenID4VCI exchange per credential (token, nonce,
credential) against a real uvicorn issuer anchoring on anvil. Credentials/s, gas per credential, p95.

Two configurations, each on a fresh chain and server, every line labelled with its own: the service's
shipped batch window, and a 1,000 ms window that fills batches of 500 (under 100 gas per credential)
at the cost of latency. NANSEN_BENCH_BATCH_WINDOW_MS runs that one window alone."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "issuer"))

from issuer_desk import CLAIMS, chain_setup

from bench import wrk
from bench.loadgen import Connection
from bench.report import emit
from bench.server import cpu_seconds, uvicorn_server
from issuer.bootstrap import bootstrap_admin
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.chain.events import decode_log
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

BENCH = "issuer"
COUNT = int(os.environ.get("NANSEN_BENCH_CREDENTIALS", "3000"))
# A closed loop: each wallet waits for its batch, so the rate cannot pass wallets / cycle time, nor a
# batch grow past the wallets in flight. 500 wallets are enough to load the service as shipped.
CONCURRENCY = int(os.environ.get("NANSEN_BENCH_WALLETS", "500"))  # wallets exchanging at once
WORKERS = int(os.environ.get("NANSEN_BENCH_ISSUER_WORKERS", "2"))
SHIPPED_WINDOW_MS = int(IssuerSettings.model_fields["batch_window_ms"].default)
GAS_SAVING_WINDOW_MS = 1000  # long enough at 500 wallets for batches of 500: ~98 gas per credential
BATCH_SIZE = int(os.environ.get("NANSEN_BENCH_BATCH_SIZE", IssuerSettings.model_fields["batch_size"].default))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def create_offers(port: int, admin_token: str) -> list[dict[str, str]]:
    body = json.dumps({"claims": CLAIMS}).encode()
    headers = {"Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"}
    offers: list[dict[str, str]] = []

    async def staff_desk(count: int) -> None:
        connection = await Connection.open("127.0.0.1", port)
        try:
            for _ in range(count):
                status, answer = await connection.request("POST", "/offers?qr=false", body, headers)
                assert status in (200, 201), answer
                offers.append(json.loads(answer))
        finally:
            connection.close()

    desks = 8
    await asyncio.gather(*(staff_desk(COUNT // desks + (i < COUNT % desks)) for i in range(desks)))
    return offers


async def issue_all(
    port: int, offers: list[dict[str, str]], holders: list[Any]
) -> tuple[list[float], dict[str, list[float]], dict[int, int], float]:
    """CONCURRENCY wallets, each on its own keep-alive connection, take offers until none are left."""
    pending = iter(range(len(offers)))
    latencies: list[float] = []
    phases: dict[str, list[float]] = {"token": [], "nonce": [], "credential": []}
    outcomes: dict[int, int] = {}

    async def wallet() -> None:
        connection = await Connection.open("127.0.0.1", port)
        try:
            for i in pending:
                started = time.perf_counter()
                status = await exchange(connection, offers[i], holders[i], phases)
                latencies.append(time.perf_counter() - started)
                outcomes[status] = outcomes.get(status, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(wallet() for _ in range(CONCURRENCY)))
    return sorted(latencies), phases, outcomes, time.perf_counter() - started


async def exchange(
    connection: Connection, offer_json: dict[str, str], holder: Any, phases: dict[str, list[float]]
) -> int:
    offer = parse_offer(offer_json["offer_uri"])
    form = urllib.parse.urlencode(
        {
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": offer_json["tx_code"],
        }
    ).encode()
    began = time.perf_counter()
    status, answer = await connection.request("POST", "/token", form, FORM)
    assert status == 200, answer
    access = json.loads(answer)["access_token"]
    phases["token"].append(time.perf_counter() - began)
    began = time.perf_counter()
    status, answer = await connection.request("POST", "/nonce")
    assert status == 200, answer
    phases["nonce"].append(time.perf_counter() - began)
    proof = build_proof_jwt(
        holder_key=holder,
        audience=offer.credential_issuer,
        nonce=json.loads(answer)["c_nonce"],
        iat=int(time.time()),
    )
    request = json.dumps(
        {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [proof]}}
    ).encode()
    began = time.perf_counter()
    status, answer = await connection.request(
        "POST",
        "/credential",
        request,
        {"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
    )
    phases["credential"].append(time.perf_counter() - began)
    return status


def configurations() -> list[tuple[str, int]]:
    """(label, batch window ms) to run: both, unless the environment sets one window."""
    chosen = os.environ.get("NANSEN_BENCH_BATCH_WINDOW_MS")
    if chosen:
        return [("as_set", int(chosen))]
    return [("shipped", SHIPPED_WINDOW_MS), ("gas_saving", GAS_SAVING_WINDOW_MS)]


def main() -> None:
    for label, window_ms in configurations():
        run_configuration(label, window_ms)


def run_configuration(label: str, window_ms: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        chain = devchain.start(tmp / "chain")
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
                        "batch_window_ms": window_ms,
                        "batch_size": BATCH_SIZE,
                        "credential_wait_seconds": 10,
                    }.items()
                },
            }
            with uvicorn_server("issuer.app", port, env, workers=WORKERS) as server:
                measure(setup, server, port, admin, Configuration(label, window_ms))
        finally:
            devchain.stop(tmp / "chain")


class Configuration(NamedTuple):
    label: str
    window_ms: int


def measure(setup: Any, server: Any, port: int, admin: str, configuration: Configuration) -> None:
    labels = {"configuration": configuration.label, "batch_window_ms": configuration.window_ms}
    offers = asyncio.run(create_offers(port, admin))
    holders = [generate_private_key() for _ in range(COUNT)]
    print(f"# {configuration.label}: offers created; wallets start", file=sys.stderr, flush=True)
    cpu_before, load_before = cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_SELF)
    latencies, phases, outcomes, elapsed = asyncio.run(issue_all(port, offers, holders))
    cpu_after, load_after = cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_SELF)
    load_cpu = sum(getattr(load_after, f) - getattr(load_before, f) for f in ("ru_utime", "ru_stime"))
    user_cpu, system_cpu = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
    logs = setup.conn.rpc(
        "eth_getLogs",
        [{"fromBlock": "0x0", "toBlock": "latest", "address": setup.deployment.credential_registry}],
    )
    anchored = [(log, e) for log in logs if (e := decode_log(log)) is not None and e.name == "BatchAnchored"]
    anchors = [event for _, event in anchored]
    anchor_gas = [
        int(setup.conn.rpc("eth_getTransactionReceipt", [log["transactionHash"]])["gasUsed"], 16)
        for log, _ in anchored
    ]
    gas = sum(anchor_gas)
    delivered = outcomes.get(200, 0)
    emit(
        BENCH,
        "credentials_per_second_http",
        delivered / elapsed,
        "1/s",
        **labels,
        target=">= 300",
        reference_acapy=30,
        wallets=CONCURRENCY,
        workers=WORKERS,
        batch_size=BATCH_SIZE,
        credentials=COUNT,
        outcomes={str(k): v for k, v in sorted(outcomes.items())},
        # each wallet waits for its batch's window: at most this many a second, however fast the server
        closed_loop_bound=round(CONCURRENCY / (configuration.window_ms / 1000)),
        # wallets / mean exchange time: what the closed loop allowed at the latency it met
        mean_exchange_seconds=round(sum(latencies) / len(latencies), 3),
        wallets_over_mean_exchange=round(CONCURRENCY * len(latencies) / sum(latencies)),
    )
    emit(
        BENCH,
        "issuer_cpu_ms_per_credential",
        1000 * (user_cpu + system_cpu) / COUNT,
        "ms",
        **labels,
        user_ms=round(1000 * user_cpu / COUNT, 2),
        system_ms=round(1000 * system_cpu / COUNT, 2),
    )
    emit(  # it shares the machine's cores with the server
        BENCH,
        "load_generator_cpu_ms_per_credential",
        1000 * load_cpu / COUNT,
        "ms",
        **labels,
        note="this process",
    )
    if wrk.available():  # the same server's cheapest wallet endpoint, for scale
        nonce = wrk.run(f"http://127.0.0.1:{port}/nonce", method="POST", seconds=3)
        emit(
            BENCH,
            "reference_nonce_endpoint_requests_per_second",
            nonce.ok_rate,
            "1/s",
            **labels,
            note="POST /nonce (no database) on the same server, wrk",
        )
    sizes = sorted(e.args["count"] for e in anchors)
    full = [
        g / e.args["count"] for g, e in zip(anchor_gas, anchors, strict=True) if e.args["count"] == BATCH_SIZE
    ]
    emit(
        BENCH,
        "gas_per_credential",
        gas / COUNT,
        "gas",
        **labels,
        target="<= 100",
        batches=len(anchors),
        batch_sizes=[e.args["count"] for e in anchors],
        median_batch=sizes[len(sizes) // 2],
        largest_batch=sizes[-1],
        # the run's first and last batches are cut by the window before they fill
        in_full_batches=round(sum(full) / len(full), 1) if full else None,
    )
    emit(
        BENCH,
        "p95_latency_full_exchange",
        latencies[int(0.95 * COUNT)],
        "s",
        **labels,
        target="<= 1.5",
        note=f"includes the {configuration.window_ms} ms batching window",
        median_seconds={name: round(sorted(took)[len(took) // 2], 3) for name, took in phases.items()},
    )


if __name__ == "__main__":
    main()
