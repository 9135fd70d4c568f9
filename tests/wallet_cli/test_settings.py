"""Settings are typed and validated at start-up: a bad value is one readable message and exit code 2,
never a traceback; each passphrase variable answers only its own prompt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wallet_cli.app import app
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.settings import WalletSettings, load_settings
from wallet_cli.store.wallet import Wallet

PASSPHRASE = "a good passphrase"


def test_values_are_typed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(tmp_path))
    monkeypatch.setenv("NANSEN_WALLET_CHAIN_ID", "1337")
    monkeypatch.setenv("NANSEN_WALLET_CHAIN_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("NANSEN_WALLET_PASSPHRASE", "")  # empty counts as unset: the wallet asks
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.chain_id == 1337 and settings.chain_timeout_seconds == 2.5
    assert settings.passphrase is None and settings.backup_passphrase is None
    assert settings.deployments_dir == Path("deployments")


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("NANSEN_WALLET_CHAIN_ID", "thirty-one", "valid integer"),
        ("NANSEN_WALLET_CHAIN_ID", "-7", "greater than 0"),
        ("NANSEN_WALLET_RPC_URL", "127.0.0.1:8545", "http:// or https://"),
        ("NANSEN_WALLET_CHAIN_TIMEOUT_SECONDS", "soon", "valid number"),
    ],
)
def test_a_bad_value_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str, reason: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(WalletError, match=f"{name}: .*{reason}") as raised:
        load_settings()
    assert raised.value.code is ExitCode.USAGE
    assert value not in raised.value.message.split(": ", 1)[1]  # values are never echoed (secrets)


def test_every_bad_value_in_one_message_in_the_holders_language(tmp_path: Path) -> None:
    Wallet.create(tmp_path / "w", PASSPHRASE, {"kty": "EC"})
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(tmp_path / "w"), "--lang", "fr", "list"],
        env={
            "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
            "NANSEN_WALLET_CHAIN_ID": "abc",
            "NANSEN_WALLET_RPC_URL": "ftp://node",
        },
    )
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "Certains réglages du portefeuille ne sont pas valides" in result.output
    assert "NANSEN_WALLET_CHAIN_ID" in result.output and "NANSEN_WALLET_RPC_URL" in result.output


def test_no_traceback_from_the_console_command(tmp_path: Path) -> None:
    """The real entry point, in a real process: the message on stderr, exit code 2, no traceback."""
    env = {**os.environ, "NANSEN_WALLET_DIR": str(tmp_path), "NANSEN_WALLET_CHAIN_ID": "not-a-number"}
    done = subprocess.run(
        [sys.executable, "-m", "wallet_cli.app", "--lang", "en", "receive", "openid-credential-offer://?x=1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "NANSEN_WALLET_CHAIN_ID: Input should be a valid integer" in done.stderr


def test_settings_are_not_read_at_import_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_WALLET_CHAIN_ID", "42")
    assert WalletSettings().chain_id == 42
