"""Every wallet test starts from a clean NANSEN_WALLET_* environment whose chain node is a closed
port, so no test depends on a chain someone happens to run on 127.0.0.1:8545."""

from __future__ import annotations

import os

import pytest

from nansen.chain.devchain import free_port


@pytest.fixture()
def closed_rpc_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # bound, then released: nothing listens there


@pytest.fixture(autouse=True)
def wallet_environment(monkeypatch: pytest.MonkeyPatch, closed_rpc_url: str) -> None:
    for name in list(os.environ):
        if name.startswith("NANSEN_WALLET_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NANSEN_WALLET_RPC_URL", closed_rpc_url)
