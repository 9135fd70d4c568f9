"""The same code on a chain without EIP-1559 fees (anvil as Berlin, like some private networks):
registries deploy from the committed artifacts (compiled for Paris: no PUSH0), an issuer is
accredited, anchors and changes a status, all with legacy gas-priced transactions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account

from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import check_deployment, deploy_registries
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender


@pytest.fixture(scope="module")
def berlin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    data_dir: Path = tmp_path_factory.mktemp("berlin")
    chain = devchain.start(data_dir, hardfork="berlin")
    try:
        yield connect(chain.rpc_url, expected_chain_id=chain.chain_id)
    finally:
        devchain.stop(data_dir)


def test_a_chain_without_base_fee_runs_the_registries(berlin: Connection) -> None:
    assert berlin.rpc("eth_getBlockByNumber", ["latest", False]).get("baseFeePerGas") is None
    governance, issuer = Account.create(), Account.create()
    for account in (governance, issuer):
        devchain.fund(berlin.rpc_url, account.address)
    deployment = deploy_registries(berlin, TransactionSender(berlin, governance))
    check_deployment(berlin, deployment)
    registry = Registry(berlin, deployment)
    receipt = registry.writer(TransactionSender(berlin, governance)).accredit_issuer(
        issuer.address, "Field Office NGO", "https://ngo.example"
    )
    transaction = berlin.rpc("eth_getTransactionByHash", [receipt.tx_hash])
    assert int(transaction["type"], 16) == 0 and "gasPrice" in transaction  # legacy, EIP-155 signed
    writer = registry.writer(TransactionSender(berlin, issuer))
    root = os.urandom(32)
    writer.anchor_batch(root, 3)
    batch = registry.batch(root)
    assert batch is not None and batch.count == 3 and batch.issuer == issuer.address
    writer.set_statuses([5], [CredentialStatus.REVOKED])
    assert registry.status_of(issuer.address, 5) is CredentialStatus.REVOKED
