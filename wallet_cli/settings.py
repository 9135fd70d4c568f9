"""Typed settings (prefix NANSEN_WALLET_), read and validated once at start-up, kept in the Context.

An invalid value becomes one readable WalletError naming every bad variable (never a traceback).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

PREFIX = "NANSEN_WALLET_"


class WalletSettings(BaseSettings):
    # an empty variable counts as unset, so `NANSEN_WALLET_PASSPHRASE=` still prompts
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", env_ignore_empty=True)

    data_dir: Path | None = Field(default=None, validation_alias=f"{PREFIX}DIR")
    # for scripts and tests; each answers only its own prompt
    passphrase: SecretStr | None = None
    backup_passphrase: SecretStr | None = None
    rpc_url: str = "http://127.0.0.1:8545"
    chain_id: int = Field(default=31337, gt=0)
    deployments_dir: Path = Path("deployments")
    chain_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # PEM files of the certificate authorities whose verifiers' signed requests are trusted
    # (default: the folder trust-anchors in the wallet folder); `present --trust-anchors` wins
    trust_anchors_dir: Path | None = None

    @field_validator("rpc_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ValueError("must be an http:// or https:// URL of a chain node")
        return value


def load_settings() -> WalletSettings:
    """The settings from the environment, or a WalletError (exit code 2) naming each bad variable."""
    try:
        return WalletSettings()
    except ValidationError as exc:
        problems = [
            f"  {_variable(error['loc'])}: {error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors(include_url=False, include_input=False)  # input may be a secret
        ]
    except SettingsError as exc:
        problems = [f"  {exc}"]
    raise WalletError(
        [
            _("Some wallet settings are not valid:"),
            *problems,
            _("Correct or remove these environment variables and try again."),
        ],
        ExitCode.USAGE,
    )


def _variable(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return PREFIX + "*"
    name = str(loc[0])
    return name if name.startswith(PREFIX) else PREFIX + name.upper()
