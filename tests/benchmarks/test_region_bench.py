"""The mirror bench's parts at a tiny scale, against a real anvil: the region generator builds the
planned events and reuses its cache; the shaped relay really delays and throttles; the capped
relay really refuses as a public node does, and passes what is within its limits unchanged."""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.region.generate import deployment_of, region_chain
from bench.region.node import Node, anvil
from bench.region.params import TINY
from bench.region.plan import build_plan
from bench.region.writer import issuer_id
from bench.relays import Cap, Shape, capped_relay, shaped_relay
from nansen.chain.connection import connect
from nansen.chain.mirror import ChainMirror
from nansen.chain.records import CredentialStatus

pytestmark = pytest.mark.chain


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, dict[str, Any], Path]]:
    cache = tmp_path_factory.mktemp("cache")
    state, manifest = region_chain(TINY, directory=cache)
    with anvil(tmp_path_factory.mktemp("node"), load_state=state, start_time=TINY.start_time) as node:
        yield node, manifest, state


def post(url: str, method: str, params: list[Any]) -> tuple[dict[str, Any], int]:
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw), len(raw)


def test_generated_region_holds_the_planned_events_and_the_cache_is_reused(
    region: tuple[Node, dict[str, Any], Path],
) -> None:
    node, manifest, state = region
    plan = build_plan(TINY)
    assert {name: manifest["events"][name] for name in plan.expected} == dict(plan.expected)
    modified = state.stat().st_mtime_ns
    again_state, again = region_chain(TINY, directory=state.parent.parent)
    assert (again_state, again) == (state, manifest)
    assert again_state.stat().st_mtime_ns == modified  # not generated a second time

    deployment = deployment_of(manifest)
    mirror = ChainMirror(connect(node.rpc_url, expected_chain_id=deployment.chain_id), deployment)
    assert mirror.sync() == sum(manifest["events"].values())
    anchors = [a for actions in plan.days.values() for a in actions if a.kind == "anchor"]
    assert all(mirror.batch(a.args[0]) is not None for a in anchors)
    changes = [
        (a.sender, e)
        for actions in plan.days.values()
        for a in actions
        if a.kind == "statuses"
        for e in a.args[0]
    ]
    assert changes
    for sender, (index, status) in changes:
        issuer = mirror.issuer_by_id(issuer_id(sender))
        assert issuer is not None
        assert mirror.status(issuer.address, index) is CredentialStatus(status)


def test_shaped_relay_delays_each_request_and_paces_the_answer(
    region: tuple[Node, dict[str, Any], Path],
) -> None:
    node, _, _ = region
    query = {"fromBlock": "0x0", "toBlock": "latest"}
    direct, size = post(node.rpc_url, "eth_getLogs", [query])
    shape = Shape(kbit_per_second=8 * 20_000 / 1000, round_trip=0.4, gzip=False)  # 20,000 bytes a second
    with shaped_relay(node.rpc_url, shape) as relay:
        started = time.monotonic()
        relayed, _ = post(relay.url, "eth_getLogs", [query])
        elapsed = time.monotonic() - started
    assert relayed == direct
    assert size > 20_000  # the answer needs more than a second of the downlink
    assert elapsed >= 0.4 + size / 20_000
    counts = relay.counts.snapshot()
    assert counts["requests"] == counts["calls"] == 1
    assert counts["bytes_down"] > size and counts["bytes_up"] > len(json.dumps(query))


def test_capped_relay_refuses_wide_ranges_and_long_answers_as_public_nodes_do(
    region: tuple[Node, dict[str, Any], Path],
) -> None:
    node, _, _ = region
    head = int(post(node.rpc_url, "eth_blockNumber", [])[0]["result"], 16)
    with capped_relay(node.rpc_url, Cap(max_results=5, max_blocks=10)) as relay:
        wide, _ = post(relay.url, "eth_getLogs", [{"fromBlock": "0x0", "toBlock": "latest"}])
        assert wide["error"] == {"code": -32602, "message": f"range {head + 1} exceeds limit of 10"}
        long, _ = post(relay.url, "eth_getLogs", [{"fromBlock": "0x1", "toBlock": "0x5"}])
        assert long["error"] == {"code": -32005, "message": "query returned more than 5 results"}
        quiet = {"fromBlock": hex(head - 1), "toBlock": hex(head)}
        assert post(relay.url, "eth_getLogs", [quiet])[0] == post(node.rpc_url, "eth_getLogs", [quiet])[0]
        assert post(relay.url, "eth_blockNumber", [])[0]["result"] == hex(head)
    assert relay.counts.snapshot()["refused"] == 2
