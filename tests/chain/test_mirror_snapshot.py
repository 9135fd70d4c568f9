"""Mirror snapshots: the records round-trip exactly, a file cut short, damaged anywhere, of a newer
format or for another deployment is refused, and a mirror restored from one catches up from its block
(or rebuilds when that block is no longer the chain's)."""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen.chain.connection import Connection
from nansen.chain.deployment import Deployment
from nansen.chain.errors import (
    SnapshotDamagedError,
    SnapshotError,
    SnapshotMismatchError,
    SnapshotVersionError,
)
from nansen.chain.mirror import ChainMirror
from nansen.chain.mirror_snapshot import (
    MAGIC,
    decode_snapshot,
    encode_snapshot,
    read_snapshot,
    write_snapshot,
)
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender
from verifier.mirror_share import SharedMirrorFiles

pytestmark = pytest.mark.chain


@pytest.fixture(scope="module")
def synced(
    conn: Connection, deployment: Deployment, registry: Registry, governance: TransactionSender, new_account
) -> ChainMirror:  # type: ignore[no-untyped-def]
    gov = registry.writer(governance)
    first, second = (registry.writer(TransactionSender(conn, new_account())) for _ in range(2))
    gov.accredit_issuer(first.address, "Snapshot NGO — ünïcode", "https://snapshot.example")
    gov.accredit_issuer(second.address, "Second NGO", "https://second.example")
    kid = os.urandom(32)
    first.add_key(kid, os.urandom(64), valid_from=10, valid_until=2**40)
    first.retire_key(kid, 2**39)
    second.add_key(os.urandom(32), os.urandom(64), valid_from=20)
    for _ in range(3):
        first.anchor_batch(os.urandom(32), 500)
    first.set_statuses([0, 127, 128, 1_048_575], [CredentialStatus.REVOKED, CredentialStatus.SUSPENDED] * 2)
    gov.suspend_issuer(second.address)
    mirror = ChainMirror(conn, deployment)
    mirror.sync()
    return mirror


def test_the_records_round_trip_and_the_file_is_private(
    synced: ChainMirror, deployment: Deployment, tmp_path: Path
) -> None:
    path = tmp_path / "mirror-default.snapshot"
    write_snapshot(path, synced.state(), deployment)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind
    assert read_snapshot(path, deployment) == synced.state()


def test_a_restored_mirror_catches_up_from_its_block(
    synced: ChainMirror,
    conn: Connection,
    deployment: Deployment,
    registry: Registry,
    governance: TransactionSender,
) -> None:
    saved = decode_snapshot(encode_snapshot(synced.state(), deployment), deployment)
    conn.rpc("anvil_mine", ["0x20"])
    late = os.urandom(32).hex()
    registry.writer(governance).accredit_issuer("0x" + "42" * 20, "Late NGO", f"https://{late}.example")
    restored = ChainMirror(conn, deployment)
    restored.restore(saved)
    assert restored.sync() == 2  # only the new accreditation (and its activity event): the rest is the file's
    assert restored.rpc_calls <= 5  # the hash at its height, the head, one log range and its headers
    reference = ChainMirror(conn, deployment)
    reference.sync()
    assert restored.state().issuers == reference.state().issuers
    for issuer in restored.state().lists:  # the 2-bit entries at the words' edges, as the contract reads them
        for index in (0, 1, 127, 128, 129, 1_048_575):
            assert restored.status(issuer, index) is registry.status_of(issuer, index)
    assert restored.state().lists == reference.state().lists


def test_a_snapshot_whose_block_left_the_chain_is_rebuilt(
    synced: ChainMirror, conn: Connection, deployment: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    forked = replace(synced.state(), block_hash="0x" + "ee" * 32, lists={}, batches={})
    mirror = ChainMirror(conn, deployment)
    mirror.restore(decode_snapshot(encode_snapshot(forked, deployment), deployment))
    mirror.sync()
    assert "rebuilding from the deployment block" in caplog.text
    assert mirror.state().batches == synced.state().batches and mirror.state().lists == synced.state().lists


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_file_cut_short_or_damaged_anywhere_is_refused(
    synced: ChainMirror, deployment: Deployment, data: st.DataObject
) -> None:
    whole = encode_snapshot(synced.state(), deployment)
    if data.draw(st.booleans(), label="cut"):
        damaged = whole[: data.draw(st.integers(0, len(whole) - 1), label="length")]
    else:
        at = data.draw(st.integers(0, len(whole) - 1), label="at")
        flip = data.draw(st.integers(1, 255), label="flip")
        damaged = whole[:at] + bytes([whole[at] ^ flip]) + whole[at + 1 :]
    with pytest.raises(SnapshotError):  # the version bytes: a "newer format"; anything else: damaged
        decode_snapshot(damaged, deployment)


def test_each_refusal_says_why(synced: ChainMirror, deployment: Deployment) -> None:
    whole = encode_snapshot(synced.state(), deployment)
    with pytest.raises(SnapshotDamagedError, match=f"is {len(whole) - 9} bytes where its header says"):
        decode_snapshot(whole[:-9], deployment)
    with pytest.raises(SnapshotDamagedError, match="header is cut short or damaged"):
        decode_snapshot(whole[:100], deployment)
    with pytest.raises(SnapshotDamagedError, match="checksum does not match"):
        decode_snapshot(whole[:-1] + bytes([whole[-1] ^ 1]), deployment)
    with pytest.raises(SnapshotDamagedError, match="not a mirror snapshot"):
        decode_snapshot(b"{}", deployment)
    newer = whole[: len(MAGIC)] + struct.pack(">H", 2) + whole[len(MAGIC) + 2 :]
    with pytest.raises(SnapshotVersionError, match="format 2") as refused:
        decode_snapshot(newer, deployment)
    assert "newer release" in refused.value.user_message
    for other in (
        replace(deployment, chain_id=1),
        replace(deployment, issuer_registry="0x" + "12" * 20),
        replace(deployment, credential_registry="0x" + "34" * 20),
        replace(deployment, block_number=deployment.block_number + 1),
    ):
        with pytest.raises(SnapshotMismatchError, match="the deployment is chain") as refused:
            decode_snapshot(whole, other)
        assert "for another registry" in refused.value.user_message


def test_a_long_catch_up_is_saved_as_it_goes_never_fresher_than_its_last_sync(
    synced: ChainMirror, conn: Connection, deployment: Deployment, tmp_path: Path
) -> None:
    files = SharedMirrorFiles(tmp_path, "resume", snapshot_interval=3600)
    mirror = ChainMirror(conn, deployment, log_range_blocks=4, max_log_range_blocks=4)
    saved: list[tuple[int, float]] = []

    def checkpoint() -> None:
        if files.save(mirror, every=0):
            state = read_snapshot(files.snapshot, deployment)
            saved.append((state.block, state.synced_at))

    mirror.sync(checkpoint)
    blocks = [block for block, _ in saved]
    assert len(blocks) >= 3 and blocks == sorted(set(blocks))
    assert all(synced_at == 0 for _, synced_at in saved)  # a cold sync's checkpoints are never fresh
    resumed = ChainMirror(conn, deployment)
    resumed.restore(read_snapshot(files.snapshot, deployment))
    resumed.sync()
    assert resumed.state().batches == synced.state().batches and resumed.freshness().within(60)
