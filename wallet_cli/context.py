"""Per-run context: settings, data directory, passphrases, and the terminal (wallet_cli.terminal)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.settings import WalletSettings
from wallet_cli.store.vault import DamagedData, WrongPassphrase
from wallet_cli.store.wallet import Wallet
from wallet_cli.terminal import Terminal


def default_data_dir(settings: WalletSettings) -> Path:
    if settings.data_dir is not None:
        return settings.data_dir
    from platformdirs import user_data_dir

    return Path(user_data_dir("nansen-wallet"))


@dataclass
class Context:
    data_dir: Path
    terminal: Terminal
    settings: WalletSettings

    def say(self, text: str) -> None:
        """One line for the holder; text from outside in it is neutralised there (never here)."""
        self.terminal.say(text)

    def emit_json(self, value: Any) -> None:
        self.terminal.json(value)

    def show_code(self, drawing: str) -> None:
        """A QR code the wallet drew."""
        self.terminal.code(drawing)

    def passphrase(self, *, confirm: bool = False, prompt: str | None = None) -> str:
        """The wallet's passphrase (NANSEN_WALLET_PASSPHRASE, else asked)."""
        return _secret(self.settings.passphrase, prompt or _("Wallet passphrase"), confirm)

    def backup_passphrase(self, *, confirm: bool = False, prompt: str | None = None) -> str:
        """A backup file's own passphrase (NANSEN_WALLET_BACKUP_PASSPHRASE, else asked), never the
        wallet's: a backup is often kept elsewhere and may be protected differently."""
        return _secret(self.settings.backup_passphrase, prompt or _("Backup passphrase"), confirm)

    def open_wallet(self) -> Wallet:
        if not Wallet.exists(self.data_dir):
            raise WalletError(
                _("There is no wallet here yet. Create one with: nansen-wallet init"), ExitCode.WALLET_STATE
            )
        try:
            return Wallet.unlock(self.data_dir, self.passphrase())
        except WrongPassphrase:
            raise WalletError(
                _("The passphrase is not right. Nothing was changed. Please try again."),
                ExitCode.WRONG_PASSPHRASE,
            ) from None
        except DamagedData:
            raise WalletError(
                _("The wallet file is damaged. Restore it from your backup with: nansen-wallet restore"),
                ExitCode.DAMAGED,
            ) from None


def _secret(configured: SecretStr | None, prompt: str, confirm: bool) -> str:
    if configured is not None:
        return configured.get_secret_value()
    import typer

    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
