"""`nansen dev bootstrap`: one command from nothing to a deployed registry with an accredited demo NGO."""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import Any

from nansen.chain import devchain
from nansen.chain.deployment import check_deployment, deploy_registries, load_deployment, save_deployment
from nansen.chain.errors import DeploymentError
from nansen.chain.keystore import create_keystore, keystore_address, load_account
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender
from nansen.cli import context
from nansen.cli.settings import ChainSettings

DEMO_ISSUER_NAME = "Demo NGO Field Office"
DEMO_ISSUER_ID = "https://issuer.demo-ngo.example"


def register(dev_verbs: Any) -> None:
    boot = dev_verbs.add_parser(
        "bootstrap", help="start the local chain, create dev keystores, deploy, accredit a demo NGO"
    )
    boot.set_defaults(handler=bootstrap)


def _dev_passphrase(data_dir: Path) -> str:
    """Local-only passphrase for dev keystores, kept beside them (never used outside a dev chain)."""
    path = data_dir / "keys" / "dev-passphrase"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def _keystore(path: Path, passphrase: str) -> str:
    return keystore_address(path) if path.exists() else create_keystore(path, passphrase)


def bootstrap(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    data_dir = settings.data_dir
    chain = devchain.running(data_dir / "chain") or devchain.start(
        data_dir / "chain", port=None, chain_id=settings.chain_id
    )
    print(
        f"[1/4] chain running at {chain.rpc_url} (chain id {chain.chain_id}, state in {data_dir / 'chain'})"
    )
    passphrase = _dev_passphrase(data_dir)
    keys = data_dir / "keys"
    governance_address = _keystore(keys / "governance.json", passphrase)
    issuer_address = _keystore(keys / "issuer.json", passphrase)
    for address in (governance_address, issuer_address):
        devchain.fund(chain.rpc_url, address)
    print(f"[2/4] dev keystores in {keys}: governance {governance_address}, issuer {issuer_address}")
    conn = context.connect_url(chain.rpc_url, chain.chain_id)
    deployments_dir = data_dir / "deployments"
    try:
        deployment = load_deployment(deployments_dir, chain.chain_id)
        check_deployment(conn, deployment)
        print(f"[3/4] registries already deployed: IssuerRegistry {deployment.issuer_registry}")
    except DeploymentError:
        governance = TransactionSender(conn, load_account(keys / "governance.json", passphrase))
        deployment = deploy_registries(conn, governance)
        save_deployment(deployments_dir, deployment)
        print(
            f"[3/4] deployed IssuerRegistry {deployment.issuer_registry} and CredentialRegistry "
            f"{deployment.credential_registry} in block {deployment.block_number}"
        )
    registry = Registry(conn, deployment)
    record = registry.issuer(issuer_address)
    if not record.accredited:
        governance = TransactionSender(conn, load_account(keys / "governance.json", passphrase))
        receipt = registry.writer(governance).accredit_issuer(
            issuer_address, DEMO_ISSUER_NAME, DEMO_ISSUER_ID
        )
        print(f"[4/4] accredited {DEMO_ISSUER_NAME!r} ({DEMO_ISSUER_ID}) in tx {receipt.tx_hash}")
    else:
        print(f"[4/4] {record.name!r} already accredited ({record.issuer_id})")
    print(
        f"export NANSEN_RPC_URL={chain.rpc_url} NANSEN_CHAIN_ID={chain.chain_id} "
        f"NANSEN_DEPLOYMENTS_DIR={deployments_dir}"
    )
    return 0
