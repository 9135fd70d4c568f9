"""Shared fixtures: a real anvil chain per module, funded throwaway accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import Deployment, deploy_registries
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender


@pytest.fixture(scope="module")
def dev_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[devchain.DevChain]:
    data_dir: Path = tmp_path_factory.mktemp("chain")
    chain = devchain.start(data_dir)
    try:
        yield chain
    finally:
        devchain.stop(data_dir)


@pytest.fixture(scope="module")
def conn(dev_chain: devchain.DevChain) -> Connection:
    return connect(dev_chain.rpc_url, expected_chain_id=dev_chain.chain_id, timeout=5)


@pytest.fixture(scope="module")
def new_account(dev_chain: devchain.DevChain):  # type: ignore[no-untyped-def]
    def make() -> LocalAccount:
        account: LocalAccount = Account.create()
        devchain.fund(dev_chain.rpc_url, account.address)
        return account

    return make


@pytest.fixture(scope="module")
def governance(conn: Connection, new_account) -> TransactionSender:  # type: ignore[no-untyped-def]
    return TransactionSender(conn, new_account())


@pytest.fixture(scope="module")
def deployment(conn: Connection, governance: TransactionSender) -> Deployment:
    return deploy_registries(conn, governance)


@pytest.fixture(scope="module")
def registry(conn: Connection, deployment: Deployment) -> Registry:
    return Registry(conn, deployment)
