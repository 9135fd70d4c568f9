"""check: every credential against the registry again, now (needs the network)."""

from __future__ import annotations

from wallet_cli.commands.manage import check_news
from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _


def check(ctx: Context) -> None:
    from wallet_cli.chain_check import check_now

    wallet = ctx.open_wallet()
    stored, damaged = wallet.credentials()
    if not stored:
        ctx.say(_("Your wallet has no credentials yet."))
        return
    checked = check_now(wallet, stored, ctx.settings)
    if checked is None:
        raise WalletError(
            _(
                "The registry cannot be reached right now, so nothing was checked and nothing changed. "
                "Try again when you are online."
            ),
            ExitCode.UNREACHABLE,
        )
    for credential, concluded in checked:
        if concluded:
            ctx.say(check_news(credential))
        else:
            ctx.say(
                _("Credential {id} could not be checked right now. Try again later.").format(id=credential.id)
            )
    for d in damaged:
        ctx.say(_("Credential {id} is damaged and cannot be read. The others are fine.").format(id=d.id))
