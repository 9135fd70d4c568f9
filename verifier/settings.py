"""Typed settings (prefix NANSEN_VERIFIER_), validated at start-up and injected via create_app."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nansen.chain.mirror_snapshot import snapshot_path


def _default_state_dir() -> Path:
    # short-lived wallet requests and results (with the disclosed claims) belong in memory:
    # /dev/shm is RAM-backed; the temp dir is the fallback where it does not exist
    shm = Path("/dev/shm")  # noqa: S108 (a private file is created in it, mode 0600 by umask)
    return shm if shm.is_dir() else Path(tempfile.gettempdir())


class VerifierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NANSEN_VERIFIER_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    public_url: str = "http://127.0.0.1:8002"
    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int = 31337
    deployments_dir: Path = Path("deployments")
    data_dir: Path = Path(".data/verifier")
    state_dir: Path = Field(default_factory=_default_state_dir)
    instance: str = "default"
    max_staleness_seconds: float = Field(default=30.0, gt=0)
    sync_interval_seconds: float = Field(default=1.0, gt=0)
    confirmations: int = Field(default=0, ge=0)
    # a credential whose root the mirror has not seen is "unknown" until the mirror's confirmed
    # chain is this far past the root's claimed anchoring time (README: Configuration)
    anchor_grace_seconds: int = Field(default=600, ge=0, le=86_400)
    # the first eth_getLogs range; ranges double while answers are small, up to the max, and are
    # narrowed when a node refuses them (public nodes often cap eth_getLogs)
    log_range_blocks: int = Field(default=10_000, ge=1, le=1_000_000)
    max_log_range_blocks: int = Field(default=1_000_000, ge=1, le=100_000_000)
    # the workers' shared mirror snapshot is rewritten at most this often while the records change
    snapshot_interval_seconds: float = Field(default=2.0, ge=0, le=3600)
    request_ttl_seconds: int = Field(default=300, gt=0)
    result_ttl_seconds: int = Field(default=120, gt=0)
    max_body_bytes: int = Field(default=64 * 1024, gt=1024)
    kb_max_age_seconds: int = Field(default=300, gt=0)
    clock_skew_seconds: int = Field(default=60, ge=0)
    # the officer console: a session ends after this long without a page being opened
    console_idle_timeout_seconds: int = Field(default=900, ge=60, le=12 * 3600)
    # signed requests by reference (OpenID4VP 1.0 §5, RFC 9101, HAIP): with both files set, wallets get
    # client_id + request_uri and fetch a request object signed with this key (PEM, encrypted when a
    # passphrase is set) and carrying this chain (PEM: the key's certificate first, then intermediates)
    request_signing_key_file: Path | None = None
    request_signing_key_passphrase: SecretStr = SecretStr("")
    request_cert_chain_file: Path | None = None
    # x509_hash: the leaf certificate's SHA-256 (HAIP); x509_san_dns: PUBLIC_URL's host, a dNSName SAN
    client_id_prefix: Literal["x509_hash", "x509_san_dns"] = "x509_hash"
    request_uri_method: Literal["get", "post"] = "post"  # post: wallets may send wallet_nonce (§5.10)
    # signed requests only; unsigned requests are always direct_post (their QR code stays small)
    response_mode: Literal["direct_post.jwt", "direct_post"] = "direct_post.jwt"

    @model_validator(mode="after")
    def _production_needs_https(self) -> VerifierSettings:
        if self.environment == "production" and not self.public_url.startswith("https://"):
            raise ValueError("in production NANSEN_VERIFIER_PUBLIC_URL must be an https URL")
        if (self.request_signing_key_file is None) != (self.request_cert_chain_file is None):
            raise ValueError(
                "set both NANSEN_VERIFIER_REQUEST_SIGNING_KEY_FILE and "
                "NANSEN_VERIFIER_REQUEST_CERT_CHAIN_FILE "
                "(signed requests), or neither (unsigned redirect_uri: requests)"
            )
        if (
            self.environment == "production"
            and self.request_signing_key_file is not None
            and not self.request_signing_key_passphrase.get_secret_value()
        ):
            raise ValueError("in production the request signing key needs a passphrase (encrypted PEM)")
        return self

    @property
    def signs_requests(self) -> bool:
        return self.request_signing_key_file is not None

    @property
    def state_db(self) -> Path:
        return self.state_dir / f"nansen-verifier-{self.instance}.sqlite"

    @property
    def offline_challenges_dir(self) -> Path:
        return self.state_dir / f"nansen-verifier-{self.instance}-offline-challenges"

    @property
    def mirror_snapshot(self) -> Path:
        return snapshot_path(self.data_dir, self.instance)

    @property
    def officers_file(self) -> Path:
        return self.data_dir / "officers.json"

    @property
    def presets_file(self) -> Path:
        return self.data_dir / "presets.json"

    @property
    def console_secret_file(self) -> Path:
        """The key that signs console session cookies, created on first start (shared by workers)."""
        return self.data_dir / "console-session.key"
