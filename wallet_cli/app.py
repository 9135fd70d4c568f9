"""`nansen-wallet`: Typer commands; errors become a plain message and a documented exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
import typer

from wallet_cli import terminal
from wallet_cli.commands import backup as backup_commands
from wallet_cli.commands import manage
from wallet_cli.context import Context, default_data_dir
from wallet_cli.errors import EXIT_CODES_HELP, ExitCode, WalletError
from wallet_cli.i18n import _, set_language
from wallet_cli.settings import load_settings

F = TypeVar("F", bound=Callable[..., None])


def _unexpected() -> str:
    return _(
        "The wallet stopped on an unexpected error ({kind}). Your credentials are kept. Please report "
        "this to the organisation that gave you the wallet."
    )


def guarded(command: F) -> F:
    """A WalletError becomes its message on stderr and its exit code (also under CliRunner)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except WalletError as exc:
            terminal.error(exc.lines)
            raise typer.Exit(int(exc.code)) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # usage errors and Ctrl-C: click reports them with their own codes
        except OSError as exc:  # a folder or file the holder named cannot be used (missing, no right)
            message = _("The wallet could not use {path}: {reason}.")
            terminal.error(
                [message.format(path=exc.filename or "?", reason=exc.strerror or type(exc).__name__)]
            )
            raise typer.Exit(int(ExitCode.ERROR)) from None
        except Exception as exc:  # a defect: still one message and an exit code, never a traceback
            # only the error's kind: its text may hold a claim value or a passphrase prompt answer
            terminal.error([_unexpected().format(kind=type(exc).__name__)])
            raise typer.Exit(int(ExitCode.ERROR)) from None

    return run  # type: ignore[return-value]


app = typer.Typer(
    help="Nansen wallet: keep your credentials and share only what you choose.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
)
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@app.callback()
@guarded
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option(help="wallet folder (default: your user data folder)")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="language: en, ar, uk, fr, es")] = None,
) -> None:
    set_language(lang)  # first, so a settings error is already in the holder's language
    settings = load_settings()
    ctx.obj = Context(data_dir or default_data_dir(settings), terminal.Terminal(), settings)


@app.command()
@guarded
def init(ctx: typer.Context) -> None:
    """Create a new wallet protected by a passphrase."""
    manage.init(ctx.obj)


@app.command("list")
@guarded
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List your credentials."""
    manage.list_credentials(ctx.obj, as_json)


@app.command()
@guarded
def show(ctx: typer.Context, credential_id: str, as_json: JsonOption = False) -> None:
    """Show one credential's claims."""
    manage.show(ctx.obj, credential_id, as_json)


@app.command()
@guarded
def check(ctx: typer.Context) -> None:
    """Check every credential against the registry again (needs the network)."""
    from wallet_cli.commands.check import check as run

    run(ctx.obj)


@app.command()
@guarded
def delete(
    ctx: typer.Context, credential_id: str, yes: Annotated[bool, typer.Option("--yes")] = False
) -> None:
    """Delete a credential."""
    manage.delete(ctx.obj, credential_id, yes)


@app.command()
@guarded
def history(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """What you received and what you shared, with whom."""
    manage.history(ctx.obj, as_json)


@app.command()
@guarded
def receive(
    ctx: typer.Context,
    offer: str,
    tx_code: Annotated[str | None, typer.Option("--tx-code", help="the code the officer told you")] = None,
    configuration: Annotated[
        str | None,
        typer.Option("--configuration", help="which credential to take when the offer has several"),
    ] = None,
) -> None:
    """Receive a credential from an offer (link, JSON or QR image)."""
    from wallet_cli.commands.receive import receive as run

    run(ctx.obj, offer, tx_code, configuration)


@app.command()
@guarded
def present(
    ctx: typer.Context,
    request: Annotated[str | None, typer.Argument(help="the verifier's request link or QR image")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="share without asking")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="show QR codes instead of sending")] = False,
    nonce: Annotated[str | None, typer.Option()] = None,
    audience: Annotated[str | None, typer.Option()] = None,
    claims: Annotated[str | None, typer.Option(help="offline: claims to share, comma separated")] = None,
    credential: Annotated[
        str | None, typer.Option(help="which credential (default: the newest that fits)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="offline: write the QR codes as PNG files into this folder")
    ] = None,
    credential_type: Annotated[
        str | None, typer.Option("--type", help="offline: the credential type (vct) the officer accepts")
    ] = None,
    trust_anchors: Annotated[
        Path | None,
        typer.Option(help="folder of PEM certificates whose verifiers' signed requests you trust"),
    ] = None,
) -> None:
    """Share claims with a verifier."""
    from wallet_cli.commands.present import present as run

    run(
        ctx.obj,
        request,
        yes=yes,
        offline=offline,
        nonce=nonce,
        audience=audience,
        claims=claims,
        credential_id=credential,
        out=out,
        credential_type=credential_type,
        trust_anchors=trust_anchors,
    )


@app.command()
@guarded
def backup(ctx: typer.Context, target: Path) -> None:
    """Write an encrypted backup of the whole wallet."""
    backup_commands.backup(ctx.obj, target)


@app.command()
@guarded
def restore(
    ctx: typer.Context, source: Path, force: Annotated[bool, typer.Option("--force")] = False
) -> None:
    """Restore a wallet from a backup file."""
    backup_commands.restore(ctx.obj, source, force)


def main() -> int:
    """Console entry: click reports usage errors (exit 2); commands report through ``guarded``."""
    try:
        app(standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(ExitCode.ERROR)
    return int(ExitCode.OK)


if __name__ == "__main__":
    sys.exit(main())
