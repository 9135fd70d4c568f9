"""Connecting refuses the wrong chain, an unreachable node, a missing or impostor deployment."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import (
    Deployment,
    check_deployment,
    load_deployment,
    save_deployment,
)
from nansen.chain.errors import DeploymentError, RpcUnavailableError, WrongChainError
from nansen.errors import ChainError

pytestmark = pytest.mark.chain


def test_wrong_chain_id_is_refused_with_both_ids(dev_chain: devchain.DevChain) -> None:
    with pytest.raises(WrongChainError, match="expected 1, node reports 31337") as info:
        connect(dev_chain.rpc_url, expected_chain_id=1)
    assert "NANSEN_CHAIN_ID" in info.value.user_message


def test_unreachable_rpc_fails_fast_with_a_hint() -> None:
    url = f"http://127.0.0.1:{devchain.free_port()}"
    started = time.monotonic()
    with pytest.raises(RpcUnavailableError, match="did not answer") as info:
        connect(url, expected_chain_id=31337, timeout=2)
    assert time.monotonic() - started < 5
    assert "nansen chain up" in info.value.user_message
    assert isinstance(info.value, ChainError)


def test_deployment_file_round_trips_and_matches_chain(
    tmp_path: Path, conn: Connection, deployment: Deployment
) -> None:
    save_deployment(tmp_path, deployment)
    loaded = load_deployment(tmp_path, conn.chain_id)
    assert loaded == deployment
    check_deployment(conn, loaded)


def test_missing_deployment_file_names_the_path_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DeploymentError, match="no deployment file") as info:
        load_deployment(tmp_path, 31337)
    assert "nansen deploy" in info.value.user_message
    assert str(tmp_path / "31337.json") in info.value.user_message


def test_malformed_deployment_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "31337.json").write_text('{"chain_id": 31337}')
    with pytest.raises(DeploymentError, match="malformed"):
        load_deployment(tmp_path, 31337)


def test_address_without_code_is_refused(conn: Connection, deployment: Deployment) -> None:
    empty = replace(deployment, credential_registry="0x000000000000000000000000000000000000dEaD")
    with pytest.raises(DeploymentError, match="no contract code"):
        check_deployment(conn, empty)


def test_impostor_contract_is_refused(conn: Connection, deployment: Deployment) -> None:
    # the IssuerRegistry's code where the CredentialRegistry should be: real code, wrong contract
    impostor = replace(deployment, credential_registry=deployment.issuer_registry)
    with pytest.raises(DeploymentError, match="not the CredentialRegistry"):
        check_deployment(conn, impostor)


def test_deployment_for_another_chain_is_refused(conn: Connection, deployment: Deployment) -> None:
    with pytest.raises(DeploymentError, match="for chain 5"):
        check_deployment(conn, replace(deployment, chain_id=5))
