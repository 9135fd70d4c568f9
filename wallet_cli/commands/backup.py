"""backup and restore: one encrypted file that brings back keys, credentials and history."""

from __future__ import annotations

from pathlib import Path

from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.store.backup import WrongPassphraseOrDamaged, read_backup_file, write_backup
from wallet_cli.store.vault import DamagedData, WrongPassphrase
from wallet_cli.store.wallet import Wallet


def backup(ctx: Context, target: Path) -> None:
    wallet = ctx.open_wallet()
    secret = ctx.backup_passphrase(confirm=True, prompt=_("Choose a passphrase for the backup"))
    if len(secret) < 8:
        raise WalletError(_("Please choose a passphrase of at least 8 characters."), ExitCode.USAGE)
    write_backup(target, wallet.export_all(), secret)
    ctx.say(_("Backup written to {path}. Keep it somewhere safe.").format(path=target))


def restore(ctx: Context, source: Path, force: bool) -> None:
    if Wallet.exists(ctx.data_dir) and not force:
        raise WalletError(
            _("A wallet already exists here. Use --force to replace it."), ExitCode.WALLET_STATE
        )
    try:
        sealed = read_backup_file(source)  # a damaged file says so before any passphrase is asked
        content = sealed.open(ctx.backup_passphrase())
    except WrongPassphraseOrDamaged:
        raise WalletError(
            _(
                "The passphrase is not right, or this backup (written by an earlier version of the "
                "wallet) is damaged. Nothing was changed."
            ),
            ExitCode.WRONG_PASSPHRASE,
        ) from None
    except WrongPassphrase:
        raise WalletError(
            _("The passphrase is not right. Nothing was changed. Please try again."),
            ExitCode.WRONG_PASSPHRASE,
        ) from None
    except DamagedData:
        raise WalletError(
            _("This backup file is damaged or is not a wallet backup."), ExitCode.DAMAGED
        ) from None
    passphrase = ctx.passphrase(confirm=True, prompt=_("Choose a passphrase for your wallet"))
    if len(passphrase) < 8:
        raise WalletError(_("Please choose a passphrase of at least 8 characters."), ExitCode.USAGE)
    if force and Wallet.exists(ctx.data_dir):  # only once the backup opened and a passphrase is chosen
        import shutil

        shutil.rmtree(ctx.data_dir)
    wallet = Wallet.create(ctx.data_dir, passphrase, content["holder_jwk"])
    for record in content.get("credentials", []):
        wallet.add_credential(record)
    for event in content.get("history", []):
        wallet.record_event(event)
    ctx.say(_("Your wallet was restored."))
