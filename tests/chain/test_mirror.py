"""The mirror rebuilds registry state from events alone and knows how fresh it is."""

from __future__ import annotations

import os

import pytest

from nansen.chain.connection import Connection
from nansen.chain.deployment import Deployment, deploy_registries
from nansen.chain.mirror import ChainMirror
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_mirror_matches_direct_reads_after_changes(
    conn: Connection, deployment: Deployment, registry: Registry, governance: TransactionSender, new_account
) -> None:  # type: ignore[no-untyped-def]
    gov = registry.writer(governance)
    issuer = registry.writer(TransactionSender(conn, new_account()))
    issuer_id = f"https://mirror.example/{issuer.address.lower()}"
    gov.accredit_issuer(issuer.address, "Mirror NGO", issuer_id)
    kid, root = os.urandom(32), os.urandom(32)
    issuer.add_key(kid, bytes(64), valid_from=10)
    issuer.anchor_batch(root, 7)
    issuer.set_statuses([3, 200], [CredentialStatus.REVOKED, CredentialStatus.SUSPENDED])

    clock = FakeClock()
    mirror = ChainMirror(conn, deployment, clock=clock)
    assert not mirror.freshness().within(60)
    assert mirror.sync() >= 4
    assert mirror.issuer_by_id(issuer_id) == registry.issuer(issuer.address).__class__(
        issuer.address,
        "Mirror NGO",
        issuer_id,
        mirror.issuer(issuer.address).accredited_at,
        True,
        False,  # type: ignore[union-attr]
        governance.address,  # who accredited it: the governance account of the time
    )
    assert mirror.signing_key(issuer.address, kid) == registry.signing_key(issuer.address, kid)
    assert mirror.batch(root) == registry.batch(root)
    for index in (0, 3, 200, 201):
        assert mirror.status(issuer.address, index) is registry.status_of(issuer.address, index)
    assert mirror.freshness().within(1)

    # steady state: reads cost no RPC at all
    calls = mirror.rpc_calls
    for _ in range(1_000):
        mirror.status(issuer.address, 3)
        mirror.batch(root)
        mirror.signing_key(issuer.address, kid)
    assert mirror.rpc_calls == calls

    # changes show up at the next sync; suspension too
    issuer.set_statuses([200], [CredentialStatus.VALID])
    gov.suspend_issuer(issuer.address)
    mirror.sync()
    assert mirror.status(issuer.address, 200) is CredentialStatus.VALID
    assert mirror.issuer(issuer.address).suspended  # type: ignore[union-attr]

    clock.now += 120
    assert not mirror.freshness().within(60)


def test_the_mirror_names_the_governance_account_that_accredited_each_issuer(
    conn: Connection, new_account
) -> None:  # type: ignore[no-untyped-def]
    first, second = TransactionSender(conn, new_account()), TransactionSender(conn, new_account())
    deployment = deploy_registries(conn, first)  # its own registry: governance changes hands here
    registry = Registry(conn, deployment)
    early, late = new_account().address, new_account().address
    registry.writer(first).accredit_issuer(early, "Early NGO", "https://early.example")
    registry.writer(first).transfer_governance(second.address)
    registry.writer(second).accept_governance()
    registry.writer(second).accredit_issuer(late, "Late NGO", "https://late.example")

    mirror = ChainMirror(conn, deployment)
    mirror.sync()
    assert mirror.issuer(early).accredited_by == first.address  # type: ignore[union-attr]
    assert mirror.issuer(late).accredited_by == second.address  # type: ignore[union-attr]
    assert registry.issuer(late).accredited_by == ""  # the contract itself keeps no accreditor
