"""Builds the region chain on a fresh anvil and caches it: anvil's state dump (blocks, receipts,
logs: everything a mirror reads) and a manifest naming the parameters' fingerprint. A cache whose
fingerprint matches is used as it is; any change of parameters, generator or contracts rebuilds it."""

from __future__ import annotations

import gzip
import json
import os
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.region.node import Node, NodeError, anvil
from bench.region.params import RegionParams
from bench.region.plan import GOVERNANCE, build_plan
from bench.region.writer import RegionWriter, account
from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment, deploy_registries
from nansen.chain.events import decode_log
from nansen.chain.transactions import TransactionSender

ROOT = Path(__file__).resolve().parents[2]
STATE, MANIFEST = "state.json", "manifest.json"
COUNT_CHUNK_BLOCKS = 50


def cache_dir() -> Path:
    return Path(os.environ.get("NANSEN_BENCH_CACHE", ROOT / ".cache" / "bench"))


def region_chain(params: RegionParams, *, directory: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """(state file, manifest) of the region for ``params``, generated only when no cache fits."""
    directory = (directory or cache_dir()) / f"region-{params.fingerprint()[:16]}"
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
        if manifest["fingerprint"] == params.fingerprint() and (directory / STATE).is_file():
            return directory / STATE, manifest
    except (OSError, ValueError, KeyError):
        pass
    return _generate(params, directory)


def deployment_of(manifest: dict[str, Any]) -> Deployment:
    return Deployment(**manifest["deployment"])


def _generate(params: RegionParams, directory: Path) -> tuple[Path, dict[str, Any]]:
    started = time.monotonic()
    plan = build_plan(params)
    directory.mkdir(parents=True, exist_ok=True)
    with anvil(directory, start_time=params.start_time) as node:
        deployment = deploy_on(node, params)
        node.call("evm_setAutomine", [False])
        writer = RegionWriter(node, params, deployment)
        writer.fund(list(range(params.issuers)))
        blocks = 0
        for day in sorted(plan.days):
            blocks += writer.run_day(day, plan.days[day])
        head = int(node.call("eth_blockNumber"), 16)
        counted = count_events(node, deployment, deployment.block_number, head)
        expected = {name: plan.expected[name] for name in plan.expected}
        if any(counted[name] != count for name, count in expected.items()):
            raise NodeError(
                f"the chain holds {dict(counted)} events, the plan {expected}: a transaction failed"
            )
        dump = bytes.fromhex(node.call("anvil_dumpState", timeout=1800)[2:])
    state = directory / STATE
    temporary = state.with_suffix(".tmp")
    temporary.write_bytes(gzip.decompress(dump))
    os.replace(temporary, state)
    manifest = {
        "fingerprint": params.fingerprint(),
        "params": asdict(params),
        "deployment": asdict(deployment),
        "head": head,
        "blocks_with_activity": blocks,
        "transactions": plan.transactions,
        "events": dict(counted),
        "generation_seconds": round(time.monotonic() - started, 1),
    }
    written = directory / (MANIFEST + ".tmp")
    written.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(written, directory / MANIFEST)  # last: a manifest means a whole state file
    return state, manifest


def deploy_on(node: Node, params: RegionParams) -> Deployment:
    """The registries, deployed by the governance account as its first transaction: the same
    addresses on every chain built from the same seed."""
    node.call("anvil_setTime", [params.start_time + 60])
    governance = account(params, GOVERNANCE)
    node.call("anvil_setBalance", [governance.address, hex(10**24)])
    conn = connect(node.rpc_url, expected_chain_id=31337)
    return deploy_registries(conn, TransactionSender(conn, governance))


def count_events(node: Node, deployment: Deployment, first: int, last: int) -> Counter[str]:
    """Registry events by name in [first, last], read back from the node in small ranges."""
    counted: Counter[str] = Counter()
    addresses = [deployment.issuer_registry, deployment.credential_registry]
    for start in range(first, last + 1, COUNT_CHUNK_BLOCKS):
        query = {
            "fromBlock": hex(start),
            "toBlock": hex(min(last, start + COUNT_CHUNK_BLOCKS - 1)),
            "address": addresses,
        }
        for log in node.call("eth_getLogs", [query]):
            event = decode_log(log)
            if event is not None:
                counted[event.name] += 1
    return counted
