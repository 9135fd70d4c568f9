"""A node that caps, cuts, reorders or forges its event logs: the mirror narrows its ranges and still
syncs every event, or refuses the answer and stays where it was; a reorg deeper than the
confirmation depth makes it rebuild."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chain_world import chain_issuer
from rpc_relay import Forward, Message, Relay, refusal, rpc_relay, span_of

from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import Deployment
from nansen.chain.errors import LogQueryRefusedError, LogsRejectedError
from nansen.chain.mirror import ChainMirror
from nansen.chain.mirror_logs import narrowing
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry, RegistryWriter
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain
ACCREDITED_TOPIC = "IssuerAccredited"


@pytest.fixture(scope="module")
def writer(
    conn: Connection, registry: Registry, governance: TransactionSender, new_account
) -> RegistryWriter:  # type: ignore[no-untyped-def]
    issuer = registry.writer(TransactionSender(conn, new_account()))
    registry.writer(governance).accredit_issuer(issuer.address, "Faulty Node NGO", "https://faults.example")
    issuer.add_key(os.urandom(32), bytes(64), valid_from=10)
    for _ in range(4):
        issuer.anchor_batch(os.urandom(32), 3)
        conn.rpc("anvil_mine", ["0x7"])
    issuer.set_statuses([1, 300, 5000], [CredentialStatus.REVOKED] * 3)
    return issuer


def records(mirror: ChainMirror) -> tuple[Any, ...]:
    state = mirror.state()
    return state.issuers, state.keys, state.batches, state.lists


def through(conn: Connection, relay: Relay) -> Connection:
    return connect(relay.url, expected_chain_id=conn.chain_id, timeout=5)


def on_logs(
    change: Callable[[list[Message], Message], list[Message]],
) -> Callable[[Message, Forward], Message]:
    def rewrite(request: Message, forward: Forward) -> Message:
        answer = forward(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            answer["result"] = change(copy.deepcopy(answer["result"]), request)
        return answer

    return rewrite


def swap_two(logs: list[Message], _: Message) -> list[Message]:
    return [logs[1], logs[0], *logs[2:]] if len(logs) > 1 else logs


def repeat_one(logs: list[Message], _: Message) -> list[Message]:
    return [logs[0], *logs] if logs else logs


def foreign_address(logs: list[Message], _: Message) -> list[Message]:
    for log in logs[:1]:
        log["address"] = "0x" + "11" * 20
    return logs


def outside_range(logs: list[Message], request: Message) -> list[Message]:
    for log in logs[:1]:
        log["blockNumber"] = hex(int(request["params"][0]["toBlock"], 16) + 1)
    return logs


def marked_removed(logs: list[Message], _: Message) -> list[Message]:
    for log in logs[-1:]:
        log["removed"] = True
    return logs


def reorged_block(logs: list[Message], _: Message) -> list[Message]:
    forged = "0x" + os.urandom(32).hex()  # as if served from a block the chain has since replaced
    for log in logs:
        if log["blockNumber"] == logs[-1]["blockNumber"]:
            log["blockHash"] = forged
    return logs


def without_accreditation(logs: list[Message], _: Message) -> list[Message]:
    accredited = "0x" + _topic(ACCREDITED_TOPIC)
    return [log for log in logs if log["topics"][0] != accredited]


def _topic(name: str) -> str:
    from nansen.chain.events import _event_table

    return next(topic.hex() for topic, spec in _event_table().items() if spec.name == name)


@pytest.mark.parametrize(
    ("tamper", "check"),
    [
        (swap_two, "out of order or repeated"),
        (repeat_one, "out of order or repeated"),
        (foreign_address, "another contract"),
        (outside_range, "outside the asked blocks"),
        (marked_removed, "marked removed"),
        (reorged_block, "not on the chain"),
        (without_accreditation, "never accredited"),
    ],
)
def test_a_tampered_answer_is_refused_and_nothing_of_it_applied(  # type: ignore[no-untyped-def]
    conn: Connection,
    deployment: Deployment,
    registry: Registry,
    governance: TransactionSender,
    new_account,
    writer: RegistryWriter,
    tamper: Any,
    check: str,
) -> None:
    with rpc_relay(conn.w3.provider.endpoint_uri) as relay:  # type: ignore[attr-defined]
        mirror = ChainMirror(through(conn, relay), deployment)
        relay.rewrite = on_logs(tamper)
        with pytest.raises(LogsRejectedError, match=check):
            mirror.sync()
        assert records(mirror) == ({}, {}, {}, {}) and not mirror.freshness().within(3600)

        relay.rewrite = None
        mirror.sync()
        height, before = mirror.freshness().block_number, records(mirror)
        root, newcomer = os.urandom(32), registry.writer(TransactionSender(conn, new_account()))
        registry.writer(governance).accredit_issuer(
            newcomer.address, "Newcomer NGO", f"https://{newcomer.address.lower()}.example"
        )
        newcomer.add_key(os.urandom(32), bytes(64), valid_from=10)
        writer.anchor_batch(root, 2)
        writer.set_statuses([7], [CredentialStatus.SUSPENDED])
        relay.rewrite = on_logs(tamper)
        with pytest.raises(LogsRejectedError):
            mirror.sync()
        assert mirror.freshness().block_number == height and mirror.batch(root) is None
        assert records(mirror) == before


@pytest.mark.parametrize(
    "message",
    [
        "query exceeds max block range 10",  # the shape our old test relay used (Erigon-like)
        "exceed maximum block range: 10",  # BSC and geth forks
        "eth_getLogs is limited to a 10 range",  # QuickNode
        "block range is too wide",  # Ankr: no number, halved
        "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range "
        "and no limit on the response size. Based on your parameters, this block range should work: "
        "[{first}, {fitting}]",  # Alchemy names a range
        "limit exceeded",  # words we do not know: halved
    ],
)
def test_capped_log_ranges_are_narrowed_and_every_event_still_synced(
    conn: Connection, deployment: Deployment, writer: RegistryWriter, message: str
) -> None:
    cap = 10

    def capped(request: Message, forward: Forward) -> Message:
        if request.get("method") == "eth_getLogs" and span_of(request) > cap:
            first = int(request["params"][0]["fromBlock"], 16)
            return refusal(request, message.format(first=hex(first), fitting=hex(first + cap - 1)))
        return forward(request)

    reference = ChainMirror(conn, deployment)
    reference.sync()
    with rpc_relay(conn.w3.provider.endpoint_uri, capped) as relay:  # type: ignore[attr-defined]
        mirror = ChainMirror(through(conn, relay), deployment)
        mirror.sync()
    assert records(mirror) == records(reference)
    blocks = reference.freshness().block_number - deployment.block_number + 1
    assert relay.calls["eth_getLogs"] <= 2 * (blocks // cap + 1) + 16  # the cap is learnt, not hit each time


def test_a_node_capping_json_rpc_batches_still_gives_every_header(
    conn: Connection, deployment: Deployment, writer: RegistryWriter
) -> None:
    reference = ChainMirror(conn, deployment)
    reference.sync()
    with rpc_relay(conn.w3.provider.endpoint_uri) as relay:  # type: ignore[attr-defined]
        relay.max_batch = 2
        mirror = ChainMirror(through(conn, relay), deployment)
        mirror.sync()
    assert records(mirror) == records(reference)
    assert relay.calls["eth_getBlockByNumber"] >= 4  # the headers, asked two at a time


def test_an_answer_cut_at_the_nodes_result_limit_is_asked_again_in_halves(
    conn: Connection, deployment: Deployment, writer: RegistryWriter
) -> None:
    limit = 3  # the node silently answers at most 3 logs, as some providers do

    reference = ChainMirror(conn, deployment)
    reference.sync()
    cut = on_logs(lambda logs, _: logs[:limit])
    with rpc_relay(conn.w3.provider.endpoint_uri, cut) as relay:  # type: ignore[attr-defined]
        mirror = ChainMirror(through(conn, relay), deployment, max_log_results=limit)
        mirror.sync()
    assert records(mirror) == records(reference)


def test_a_node_refusing_even_one_block_is_named(
    conn: Connection, deployment: Deployment, writer: RegistryWriter
) -> None:
    def refuse(request: Message, forward: Forward) -> Message:
        if request.get("method") == "eth_getLogs":
            return refusal(request, "method disabled")
        return forward(request)

    with rpc_relay(conn.w3.provider.endpoint_uri, refuse) as relay:  # type: ignore[attr-defined]
        mirror = ChainMirror(through(conn, relay), deployment)
        with pytest.raises(LogQueryRefusedError) as refused:
            mirror.sync()
    assert refused.value.from_block == refused.value.to_block == deployment.block_number
    assert relay.calls["eth_getLogs"] <= 20  # 10,000 blocks halved down to one


@pytest.mark.parametrize(
    ("detail", "span", "block_limit"),
    [
        ("query returned more than 10000 results. Try with this block range [0x64, 0x6d].", 10, False),
        ("query returned more than 10000 results", 50, False),
        ("exceed maximum block range: 5000", 50, True),  # a limit above what was asked: halved
        ("max is 1k blocks", 50, True),
        ("range limited to 20", 20, True),
        ("Block range limit exceeded", 50, True),
        ("\x1b[31mboom", 50, True),
    ],
)
def test_narrowing_reads_the_common_refusals(detail: str, span: int, block_limit: bool) -> None:
    narrowed = narrowing(100, 199, detail)
    assert (narrowed.span, narrowed.block_limit) == (span, block_limit)


@pytest.fixture()
def own_chain(tmp_path: Path) -> Iterator[devchain.DevChain]:
    chain = devchain.start(tmp_path / "chain")
    try:
        yield chain
    finally:
        devchain.stop(tmp_path / "chain")


def test_a_reorg_deeper_than_the_confirmation_depth_makes_the_mirror_rebuild(
    own_chain: devchain.DevChain, caplog: pytest.LogCaptureFixture
) -> None:
    issuer = chain_issuer(own_chain)
    mirror = ChainMirror(issuer.conn, issuer.deployment, confirmations=1)
    kept, dropped = os.urandom(32), os.urandom(32)
    issuer.writer.anchor_batch(kept, 1)
    issuer.conn.rpc("anvil_mine", ["0x3"])
    before = int(issuer.conn.rpc("eth_blockNumber", []), 16)
    issuer.writer.anchor_batch(dropped, 1)
    issuer.conn.rpc("anvil_mine", ["0x3"])
    mirror.sync()
    assert mirror.batch(dropped) is not None

    depth = int(issuer.conn.rpc("eth_blockNumber", []), 16) - before  # 4 blocks: past 1 confirmation
    issuer.conn.rpc("anvil_reorg", [depth, []])
    mirror.sync()
    assert "rebuilding from the deployment block" in caplog.text
    assert mirror.batch(dropped) is None and mirror.batch(kept) is not None
    assert mirror.issuer_by_id("https://field-office.ngo.example") is not None
