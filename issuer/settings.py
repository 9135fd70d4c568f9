"""Typed settings (prefix NANSEN_ISSUER_), validated at start-up and injected via create_app."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IssuerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NANSEN_ISSUER_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    issuer_id: str = "https://issuer.demo-ngo.example"
    public_url: str = "http://127.0.0.1:8001"
    # credentials' vct is <VCT_BASE_URL>/<type id>, a URL whose host serves the type metadata there;
    # empty: <ISSUER_ID>/.well-known/vct, served by this issuer
    vct_base_url: str = ""
    display_name: str = Field(default="Nansen demo NGO", min_length=1, max_length=200)  # shown in wallets
    data_dir: Path = Path(".data/issuer")
    database_url: str = ""  # default: SQLite in data_dir
    # a request that waits this long for SQLite's write lock is answered 503 + Retry-After
    database_busy_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int = 31337
    deployments_dir: Path = Path("deployments")
    signing_key_file: Path = Path(".data/issuer/signing-key.pem")
    signing_key_passphrase: SecretStr = SecretStr("")
    # PEM: the signing key's certificate, then intermediates: sent as the credentials' x5c (HAIP)
    x5c_chain_file: Path | None = None
    chain_keystore: Path = Path(".data/keys/issuer.json")
    chain_keystore_passphrase: SecretStr = SecretStr("")
    batch_size: int = Field(default=500, ge=1, le=100_000)
    batch_window_ms: int = Field(default=500, ge=10)
    offer_ttl_seconds: int = Field(default=3600, gt=0)
    tx_code_attempts: int = Field(default=3, ge=1, le=10)
    access_token_ttl_seconds: int = Field(default=300, gt=0)
    # bearer access tokens beside DPoP-bound ones (RFC 9449); HAIP deployments set this false
    allow_bearer_tokens: bool = True
    nonce_ttl_seconds: int = Field(default=300, gt=0)
    credential_wait_seconds: float = Field(default=3.0, ge=0, le=30)
    credential_lifetime_days: int = Field(default=365, gt=0)
    retention_seconds: int = Field(default=0, ge=0)  # personal claims kept after delivery (default none)
    max_body_bytes: int = Field(default=64 * 1024, gt=1024)
    status_list_size: int = Field(default=1 << 20, ge=131_072, le=1 << 20)
    # how long a status list token may be used (its ttl, and exp - iat): the time a revocation may
    # take to reach verifiers that fetch the list, beyond the few seconds it takes to publish it
    status_list_ttl_seconds: int = Field(default=30, ge=5, le=86_400)
    worker_enabled: bool = True
    # /health warns when the chain account pays for fewer batches than this (0: never)
    low_balance_batches: int = Field(default=200, ge=0)
    # after a reorg, anchors and status changes this recent are compared with the chain and repaired
    reorg_horizon_seconds: float = Field(default=3600, ge=0)
    console_idle_seconds: int = Field(default=900, ge=60, le=86_400)  # staff console: idle sign-out

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> IssuerSettings:
        if self.environment == "production":
            if not self.public_url.startswith("https://"):
                raise ValueError("in production NANSEN_ISSUER_PUBLIC_URL must be an https URL")
            # the status list uri and the JWT VC issuer metadata are found from iss: they are only
            # this service's if ISSUER_ID is where it is reached
            if self.public_url.rstrip("/") != self.issuer_id.rstrip("/"):
                raise ValueError(
                    "in production NANSEN_ISSUER_ISSUER_ID and NANSEN_ISSUER_PUBLIC_URL must be the same URL "
                    "(verifiers find the status list and the issuer's keys from the credentials' iss)"
                )
            if (
                not self.signing_key_passphrase.get_secret_value()
                or not self.chain_keystore_passphrase.get_secret_value()
            ):
                raise ValueError("in production the signing key and chain keystore need passphrases")
        if self.vct_base_url and not self.vct_base_url.startswith("https://"):
            raise ValueError(
                "NANSEN_ISSUER_VCT_BASE_URL must be an https URL (it names the credential types)"
            )
        if not self.issuer_id.startswith("https://"):
            raise ValueError("NANSEN_ISSUER_ISSUER_ID must be an https URL (it is the credentials' iss)")
        return self

    @property
    def vct_base(self) -> str:
        return self.vct_base_url.rstrip("/") or f"{self.issuer_id.rstrip('/')}/.well-known/vct"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'issuer.sqlite'}"
