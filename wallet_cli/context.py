"""Per-run context: data directory, passphrase, console (right-to-left aware), JSON output."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _, is_rtl
from wallet_cli.store.vault import DamagedData, WrongPassphrase
from wallet_cli.store.wallet import Wallet


def default_data_dir() -> Path:
    override = os.environ.get("NANSEN_WALLET_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("nansen-wallet"))


@dataclass
class Context:
    data_dir: Path
    console: Console

    def say(self, text: str) -> None:
        # Arabic: mark the line right-to-left so terminals that honour it lay it out correctly
        self.console.print(("\u202b" + text + "\u202c") if is_rtl() else text, highlight=False)

    def emit_json(self, value: Any) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2))

    def passphrase(self, *, confirm: bool = False, prompt: str | None = None) -> str:
        value = os.environ.get("NANSEN_WALLET_PASSPHRASE")
        if value:
            return value
        import typer

        return str(
            typer.prompt(prompt or _("Wallet passphrase"), hide_input=True, confirmation_prompt=confirm)
        )

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
