"""Builds connections, registries and signers from settings for one command run."""

from __future__ import annotations

import os
from pathlib import Path

from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import check_deployment, load_deployment
from nansen.chain.keystore import load_account
from nansen.chain.registry import Registry, RegistryWriter
from nansen.chain.transactions import TransactionSender
from nansen.cli.settings import ChainSettings
from nansen.errors import ConfigurationError


def connection(settings: ChainSettings) -> Connection:
    return connect(settings.rpc_url, expected_chain_id=settings.chain_id, timeout=settings.rpc_timeout)


def connect_url(rpc_url: str, chain_id: int) -> Connection:
    return connect(rpc_url, expected_chain_id=chain_id)


def registry(settings: ChainSettings, conn: Connection | None = None) -> Registry:
    conn = conn or connection(settings)
    deployment = load_deployment(settings.deployments_dir, conn.chain_id)
    check_deployment(conn, deployment)
    return Registry(conn, deployment)


def passphrase(value: object, variable: str) -> str:
    secret = getattr(value, "get_secret_value", lambda: None)()
    if not secret:
        raise ConfigurationError(
            f"{variable} is not set",
            user_message=f"Set {variable} to the keystore passphrase (from your secret store).",
        )
    return str(secret)


def sender(conn: Connection, keystore: Path, secret: object, variable: str) -> TransactionSender:
    return TransactionSender(conn, load_account(keystore, passphrase(secret, variable)))


def governance_writer(settings: ChainSettings, reg: Registry) -> RegistryWriter:
    return reg.writer(
        sender(
            reg.connection,
            settings.governance_keystore,
            settings.governance_passphrase,
            "NANSEN_GOVERNANCE_PASSPHRASE",
        )
    )


def issuer_writer(settings: ChainSettings, reg: Registry) -> RegistryWriter:
    return reg.writer(
        sender(
            reg.connection, settings.issuer_keystore, settings.issuer_passphrase, "NANSEN_ISSUER_PASSPHRASE"
        )
    )


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}
