"""`nansen dev bootstrap`: one command from nothing to a deployed registry with an accredited demo NGO."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nansen.chain import devchain
from nansen.chain.deployment import (
    Deployment,
    check_deployment,
    deploy_registries,
    load_deployment,
    save_deployment,
)
from nansen.chain.errors import DeploymentError
from nansen.chain.keystore import create_keystore, keystore_address, load_account
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender
from nansen.cli import context
from nansen.cli.settings import ChainSettings
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import encrypt_private_key, generate_private_key, load_encrypted_private_key
from nansen.errors import ConfigurationError

DEMO_ISSUER_NAME = "Demo NGO Field Office"
DEMO_ISSUER_ID = "https://issuer.demo-ngo.example"


def register(dev_verbs: Any) -> None:
    boot = dev_verbs.add_parser(
        "bootstrap", help="start the local chain, create dev keystores, deploy, accredit a demo NGO"
    )
    boot.set_defaults(handler=bootstrap)
    from nansen.cli.demo_story import demo

    story = dev_verbs.add_parser("story", help="the whole story with real processes (what `make demo` runs)")
    story.add_argument(
        "--console",
        action="store_true",
        help="then keep the issuer up for the staff console (Ctrl-C stops)",
    )
    story.set_defaults(handler=demo)


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
    bootstrap_chain(settings.data_dir, settings.chain_id)
    return 0


def bootstrap_chain(
    data_dir: Path, chain_id: int = devchain.DEV_CHAIN_ID
) -> tuple[devchain.DevChain, Deployment, str]:
    """Chain up, dev keystores funded, registries deployed, demo NGO accredited (each step once)."""
    chain = devchain.running(data_dir / "chain") or devchain.start(
        data_dir / "chain", port=None, chain_id=chain_id
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
    return chain, deployment, passphrase


def bootstrap_environment(data_dir: Path) -> dict[str, dict[str, str]]:
    """Everything the demo services need: signing key registered on chain, staff and officer tokens,
    and the environment for issuer, verifier and wallet processes."""
    chain, deployment, passphrase = bootstrap_chain(data_dir)
    conn = context.connect_url(chain.rpc_url, chain.chain_id)
    issuer_keystore = data_dir / "keys" / "issuer.json"
    key_file = data_dir / "issuer" / "signing-key.pem"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(encrypt_private_key(generate_private_key(), passphrase.encode()))
        key_file.chmod(0o600)
    public = load_encrypted_private_key(key_file.read_bytes(), passphrase.encode()).public_key()
    kid = b64url_decode(str(public.kid()))
    registry = Registry(conn, deployment)
    issuer_account = load_account(issuer_keystore, passphrase)
    if not registry.signing_key(issuer_account.address, kid).public_key:
        registry.writer(TransactionSender(conn, issuer_account)).add_key(
            kid, public.raw(), int(time.time()) - 60
        )
        print(f"registered the demo NGO's signing key {public.kid()} on chain")
    common = {
        "rpc_url": chain.rpc_url,
        "chain_id": str(chain.chain_id),
        "deployments_dir": str(data_dir / "deployments"),
    }
    issuer = {f"NANSEN_ISSUER_{k.upper()}": v for k, v in common.items()} | {
        "NANSEN_ISSUER_ISSUER_ID": DEMO_ISSUER_ID,
        "NANSEN_ISSUER_DATA_DIR": str(data_dir / "issuer"),
        "NANSEN_ISSUER_SIGNING_KEY_FILE": str(key_file),
        "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": passphrase,
        "NANSEN_ISSUER_CHAIN_KEYSTORE": str(issuer_keystore),
        "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": passphrase,
        "NANSEN_ISSUER_BATCH_WINDOW_MS": "200",
    }
    verifier = {f"NANSEN_VERIFIER_{k.upper()}": v for k, v in common.items()} | {
        "NANSEN_VERIFIER_DATA_DIR": str(data_dir / "verifier"),
        "NANSEN_VERIFIER_INSTANCE": "demo",
    }
    wallet = {f"NANSEN_WALLET_{k.upper()}": v for k, v in common.items()} | {
        "NANSEN_WALLET_DIR": str(data_dir / "wallet"),
        "NANSEN_WALLET_PASSPHRASE": passphrase,
    }
    tokens = _tokens(data_dir, issuer, verifier, wallet)
    return {"issuer": issuer, "verifier": verifier, "wallet": wallet, "tokens": tokens}


def _tokens(
    data_dir: Path, issuer: dict[str, str], verifier: dict[str, str], wallet: dict[str, str]
) -> dict[str, str]:
    """Staff and officer tokens for the demo, created once through the services' own commands."""
    path = data_dir / "tokens.json"
    if path.exists():
        tokens: dict[str, str] = json.loads(path.read_text())
        return tokens

    def run(*command: str, env: dict[str, str]) -> str:
        done = subprocess.run(  # noqa: S603 (our own modules, argument list)
            [sys.executable, "-m", *command],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise ConfigurationError(f"{command[0]} failed: {done.stderr.strip()}")
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    tokens = {
        "staff": run("issuer.cli", "bootstrap-admin", "Demo registration officer", env=issuer),
        "officer": run("verifier.cli", "add-officer", "Demo border officer", env=verifier),
    }
    if not (data_dir / "wallet" / "wallet.json").exists():
        run("wallet_cli.app", "init", env=wallet)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(tokens, handle)
    return tokens
