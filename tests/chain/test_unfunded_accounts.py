"""Commands that send transactions from an account without ETH say which account, on which chain,
and to fund it; they exit non-zero without a traceback. Real console scripts against a real anvil."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nansen.chain import devchain
from nansen.chain.deployment import Deployment, save_deployment
from nansen.chain.keystore import create_keystore, keystore_address
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain
PASSPHRASE = "test passphrase only"


def run(module: str, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_from_an_unfunded_account_says_fund_it_then_works_once_funded(
    dev_chain: devchain.DevChain, tmp_path: Path
) -> None:
    keystore = tmp_path / "keys" / "governance.json"
    create_keystore(keystore, PASSPHRASE, kdf="pbkdf2")
    address = keystore_address(keystore)
    env = {
        "NANSEN_RPC_URL": dev_chain.rpc_url,
        "NANSEN_CHAIN_ID": str(dev_chain.chain_id),
        "NANSEN_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
        "NANSEN_GOVERNANCE_KEYSTORE": str(keystore),
        "NANSEN_GOVERNANCE_PASSPHRASE": PASSPHRASE,
    }
    refused = run("nansen.cli.app", ["deploy"], env, tmp_path)
    assert refused.returncode == 1
    assert f"account {address} has no ETH on chain {dev_chain.chain_id}; fund it" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "deployments").exists()  # nothing written
    devchain.fund(dev_chain.rpc_url, address, 10**13)  # some, but not enough
    short = run("nansen.cli.app", ["deploy"], env, tmp_path)
    assert short.returncode == 1 and "Traceback" not in short.stderr
    assert f"account {address} has 0.00001 ETH on chain {dev_chain.chain_id}; fund it" in short.stderr
    devchain.fund(dev_chain.rpc_url, address)
    deployed = run("nansen.cli.app", ["deploy"], env, tmp_path)
    assert deployed.returncode == 0, deployed.stderr
    saved = tmp_path / "deployments" / f"{dev_chain.chain_id}.json"
    first = json.loads(saved.read_text())
    again = run("nansen.cli.app", ["deploy", "--if-missing"], env, tmp_path)  # a second `up`
    assert again.returncode == 0 and "kept the deployment" in again.stdout
    assert json.loads(saved.read_text()) == first
    # a file naming registries this chain does not hold (a reset chain): deployed anew
    saved.write_text(json.dumps({**first, "issuer_registry": "0x" + "11" * 20}))
    redeployed = run("nansen.cli.app", ["deploy", "--if-missing"], env, tmp_path)
    assert redeployed.returncode == 0, redeployed.stderr
    assert "deploying again" in redeployed.stdout
    assert json.loads(saved.read_text())["issuer_registry"] not in (
        first["issuer_registry"],
        "0x" + "11" * 20,
    )


def test_dev_fund_refuses_a_node_elsewhere_unless_declared_a_dev_chain(tmp_path: Path) -> None:
    refused = run(
        "nansen.cli.app", ["dev", "fund", "0x" + "22" * 20], {"NANSEN_RPC_URL": "http://chain:8545"}, tmp_path
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "name other dev chain hosts in NANSEN_DEV_CHAIN_HOSTS" in refused.stderr
    assert devchain._is_loopback_http("http://chain:8545", frozenset({"chain"}))
    assert not devchain._is_loopback_http("http://chain.evil.example:8545", frozenset({"chain"}))


def test_register_key_from_an_unfunded_issuer_account_says_fund_it(
    dev_chain: devchain.DevChain,
    tmp_path: Path,
    deployment: Deployment,
    registry: Registry,
    governance: TransactionSender,
) -> None:
    save_deployment(tmp_path / "deployments", deployment)
    keystore = tmp_path / "keys" / "issuer.json"
    create_keystore(keystore, PASSPHRASE, kdf="pbkdf2")
    registry.writer(governance).accredit_issuer(keystore_address(keystore), "NGO", "https://ngo.example")
    env = {
        "NANSEN_ISSUER_RPC_URL": dev_chain.rpc_url,
        "NANSEN_ISSUER_CHAIN_ID": str(dev_chain.chain_id),
        "NANSEN_ISSUER_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
        "NANSEN_ISSUER_DATA_DIR": str(tmp_path / "issuer"),
        "NANSEN_ISSUER_SIGNING_KEY_FILE": str(tmp_path / "issuer" / "signing-key.pem"),
        "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": PASSPHRASE,
        "NANSEN_ISSUER_CHAIN_KEYSTORE": str(keystore),
        "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": PASSPHRASE,
        "NANSEN_ISSUER_ISSUER_ID": "https://ngo.example",
    }
    assert run("issuer.cli", ["init-key"], env, tmp_path).returncode == 0
    refused = run("issuer.cli", ["register-key"], env, tmp_path)
    assert refused.returncode == 1
    assert (
        f"account {keystore_address(keystore)} has no ETH on chain {dev_chain.chain_id}; fund it"
        in refused.stderr
    )
    assert "Traceback" not in refused.stderr
