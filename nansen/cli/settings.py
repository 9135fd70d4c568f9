"""Operator settings, from the environment (prefix NANSEN_). Read when a command runs, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ChainSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NANSEN_", extra="ignore")

    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int = 31337
    rpc_timeout: float = Field(default=10.0, gt=0, le=120)
    deployments_dir: Path = Path("deployments")
    data_dir: Path = Path(".data")
    governance_keystore: Path = Path(".data/keys/governance.json")
    governance_passphrase: SecretStr | None = None
    issuer_keystore: Path = Path(".data/keys/issuer.json")
    issuer_passphrase: SecretStr | None = None
    dev_chain_hosts: str = ""  # comma-separated hosts besides loopback that `nansen dev` may fund on
