"""`nansen chain up|down|status`, `nansen keys new`, `nansen deploy`, `nansen dev fund`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nansen.chain import devchain
from nansen.chain.connection import Connection
from nansen.chain.deployment import (
    Deployment,
    check_deployment,
    deploy_registries,
    deployment_path,
    load_deployment,
    save_deployment,
)
from nansen.chain.errors import DeploymentError
from nansen.chain.keystore import create_keystore, keystore_address
from nansen.cli import context, dev_commands
from nansen.cli.settings import ChainSettings


def register(nouns: Any) -> None:
    chain = nouns.add_parser("chain", help="start or stop the local development chain (anvil)")
    verbs = chain.add_subparsers(dest="verb", required=True)
    up = verbs.add_parser("up", help="start anvil on 127.0.0.1 with state kept in the data directory")
    up.add_argument("--port", type=int, default=None, help="port (default: from NANSEN_RPC_URL)")
    up.set_defaults(handler=chain_up)
    verbs.add_parser("down", help="stop the local chain (its state is kept)").set_defaults(handler=chain_down)
    verbs.add_parser("status", help="is the local chain running").set_defaults(handler=chain_status)

    keys = nouns.add_parser("keys", help="chain account keystores")
    key_verbs = keys.add_subparsers(dest="verb", required=True)
    new = key_verbs.add_parser("new", help="create an encrypted keystore with a new account")
    new.add_argument("path", type=Path)
    new.add_argument("--if-missing", action="store_true", help="keep an existing keystore (and say so)")
    new.add_argument(
        "--passphrase-env",
        default="NANSEN_NEW_KEYSTORE_PASSPHRASE",
        help="environment variable holding the passphrase",
    )
    new.set_defaults(handler=keys_new)

    deploy = nouns.add_parser("deploy", help="deploy the registries and write deployments/<chainId>.json")
    deploy.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when deployments/<chainId>.json names this release's registries on the chain",
    )
    deploy.set_defaults(handler=deploy_command)

    dev = nouns.add_parser("dev", help="development-chain helpers (anvil only)")
    dev_verbs = dev.add_subparsers(dest="verb", required=True)
    fund = dev_verbs.add_parser("fund", help="give local accounts ETH for gas")
    fund.add_argument("accounts", nargs="+", metavar="ADDR_OR_KEYSTORE", help="addresses or keystore files")
    fund.set_defaults(handler=dev_fund)
    dev_commands.register(dev_verbs)


def _port_from(settings: ChainSettings) -> int:
    tail = settings.rpc_url.rsplit(":", 1)[-1].split("/", 1)[0]
    return int(tail) if tail.isdigit() else 8545


def chain_up(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    data_dir = settings.data_dir / "chain"
    existing = devchain.running(data_dir)
    if existing:
        print(
            f"chain already running at {existing.rpc_url} (chain id {existing.chain_id}, pid {existing.pid})"
        )
        return 0
    chain = devchain.start(data_dir, port=args.port or _port_from(settings), chain_id=settings.chain_id)
    print(f"chain up at {chain.rpc_url} (chain id {chain.chain_id}, pid {chain.pid}, state in {data_dir})")
    return 0


def chain_down(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    stopped = devchain.stop(settings.data_dir / "chain")
    print("chain stopped (state kept)" if stopped else "no chain was running")
    return 0


def chain_status(args: argparse.Namespace) -> int:
    chain = devchain.running(ChainSettings().data_dir / "chain")
    print(f"running at {chain.rpc_url}" if chain else "not running")
    return 0 if chain else 1


def keys_new(args: argparse.Namespace) -> int:
    import os

    if args.if_missing and args.path.exists():
        print(f"kept {args.path} for account {keystore_address(args.path)}")
        return 0
    secret = os.environ.get(args.passphrase_env, "")
    address = create_keystore(args.path, context.passphrase(_Secret(secret), args.passphrase_env))
    print(f"created {args.path} for account {address}")
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    conn = context.connection(settings)
    if args.if_missing:
        existing = _valid_deployment(settings, conn)
        if existing is not None:
            print(
                f"kept the deployment in {deployment_path(settings.deployments_dir, conn.chain_id)}: "
                f"IssuerRegistry {existing.issuer_registry}, "
                f"CredentialRegistry {existing.credential_registry}"
            )
            return 0
    governance = context.sender(
        conn, settings.governance_keystore, settings.governance_passphrase, "NANSEN_GOVERNANCE_PASSPHRASE"
    )
    deployment = deploy_registries(conn, governance)
    path = save_deployment(settings.deployments_dir, deployment)
    print(f"IssuerRegistry {deployment.issuer_registry}")
    print(f"CredentialRegistry {deployment.credential_registry}")
    print(f"deployed in block {deployment.block_number} (tx {deployment.tx_hash}); wrote {path}")
    return 0


def _valid_deployment(settings: ChainSettings, conn: Connection) -> Deployment | None:
    """The saved deployment if the chain holds it (a reset chain, or none saved: None)."""
    if not deployment_path(settings.deployments_dir, conn.chain_id).exists():
        return None
    deployment = load_deployment(settings.deployments_dir, conn.chain_id)
    try:
        check_deployment(conn, deployment)
    except DeploymentError as exc:
        print(f"the saved deployment is not on this chain ({exc.message}); deploying again")
        return None
    return deployment


def dev_fund(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    for account in args.accounts:
        address = keystore_address(Path(account)) if Path(account).is_file() else account
        hosts = frozenset(h.strip() for h in settings.dev_chain_hosts.split(",") if h.strip())
        devchain.fund(settings.rpc_url, address, dev_hosts=hosts)
        print(f"funded {address} on {settings.rpc_url}")
    return 0


class _Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value
