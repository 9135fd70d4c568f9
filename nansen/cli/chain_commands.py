"""`nansen chain up|down|status`, `nansen keys new`, `nansen deploy`, `nansen dev fund`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nansen.chain import devchain
from nansen.chain.deployment import deploy_registries, save_deployment
from nansen.chain.keystore import create_keystore
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
    new.add_argument(
        "--passphrase-env",
        default="NANSEN_NEW_KEYSTORE_PASSPHRASE",
        help="environment variable holding the passphrase",
    )
    new.set_defaults(handler=keys_new)

    deploy = nouns.add_parser("deploy", help="deploy the registries and write deployments/<chainId>.json")
    deploy.set_defaults(handler=deploy_command)

    dev = nouns.add_parser("dev", help="development-chain helpers (anvil only)")
    dev_verbs = dev.add_subparsers(dest="verb", required=True)
    fund = dev_verbs.add_parser("fund", help="give a local account ETH for gas")
    fund.add_argument("address")
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

    secret = os.environ.get(args.passphrase_env, "")
    address = create_keystore(args.path, context.passphrase(_Secret(secret), args.passphrase_env))
    print(f"created {args.path} for account {address}")
    return 0


def deploy_command(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    conn = context.connection(settings)
    governance = context.sender(
        conn, settings.governance_keystore, settings.governance_passphrase, "NANSEN_GOVERNANCE_PASSPHRASE"
    )
    deployment = deploy_registries(conn, governance)
    path = save_deployment(settings.deployments_dir, deployment)
    print(f"IssuerRegistry {deployment.issuer_registry}")
    print(f"CredentialRegistry {deployment.credential_registry}")
    print(f"deployed in block {deployment.block_number} (tx {deployment.tx_hash}); wrote {path}")
    return 0


def dev_fund(args: argparse.Namespace) -> int:
    settings = ChainSettings()
    devchain.fund(settings.rpc_url, args.address)
    print(f"funded {args.address} on {settings.rpc_url}")
    return 0


class _Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value
