"""init, list, show, delete, history."""

from __future__ import annotations

import time
from typing import Any

import typer

from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _, language
from wallet_cli.store.wallet import Wallet


def init(ctx: Context) -> None:
    if Wallet.exists(ctx.data_dir):
        raise WalletError(_("A wallet already exists here. Nothing was changed."), ExitCode.WALLET_STATE)
    passphrase = ctx.passphrase(confirm=True, prompt=_("Choose a passphrase for your wallet"))
    if len(passphrase) < 8:
        raise WalletError(_("Please choose a passphrase of at least 8 characters."), ExitCode.USAGE)
    from nansen.crypto.keys import generate_private_key, private_key_to_jwk

    Wallet.create(ctx.data_dir, passphrase, dict(private_key_to_jwk(generate_private_key())))
    ctx.say(_("Your wallet is ready. Keep your passphrase safe: nobody can recover it."))


def label(record: dict[str, Any], claim: str) -> str:
    for entry in record.get("claim_labels", []):
        if entry.get("path") == [claim]:
            labels = {d.get("lang"): d.get("label") for d in entry.get("display", [])}
            return str(labels.get(language()) or labels.get("en") or claim)
    return claim


def type_name(record: dict[str, Any]) -> str:
    names = {d.get("locale") or d.get("lang"): d.get("name") for d in record.get("display", [])}
    return str(names.get(language()) or names.get("en") or record.get("vct", "?"))


def list_credentials(ctx: Context, as_json: bool) -> None:
    wallet = ctx.open_wallet()
    credentials, damaged = wallet.credentials()
    if as_json:
        ctx.emit_json(
            {
                "credentials": [
                    {
                        "id": c.id,
                        "type": c.record.get("vct"),
                        "issuer": c.record.get("issuer_name"),
                        "received_at": c.record.get("received_at"),
                        "verified": c.record.get("verified"),
                    }
                    for c in credentials
                ],
                "damaged": [d.id for d in damaged],
            }
        )
        return
    if not credentials:
        ctx.say(_("Your wallet has no credentials yet."))
    for c in credentials:
        when = time.strftime("%Y-%m-%d", time.localtime(c.record.get("received_at", 0)))
        ctx.say(f"{c.id}  {type_name(c.record)}  —  {c.record.get('issuer_name', '?')}  ({when})")
    for d in damaged:
        ctx.say(_("Credential {id} is damaged and cannot be read. The others are fine.").format(id=d.id))


def show(ctx: Context, credential_id: str, as_json: bool) -> None:
    wallet = ctx.open_wallet()
    stored = wallet.credential(credential_id)
    if stored is None:
        raise WalletError(
            _("There is no credential {id}. See your credentials with: nansen-wallet list").format(
                id=credential_id
            ),
            ExitCode.NOT_FOUND,
        )
    claims: dict[str, Any] = stored.record.get("claims", {})
    if as_json:
        ctx.emit_json(
            {
                "id": stored.id,
                "type": stored.record.get("vct"),
                "issuer": stored.record.get("issuer_name"),
                "claims": claims,
            }
        )
        return
    ctx.say(f"{type_name(stored.record)} — {stored.record.get('issuer_name', '?')}")
    for name, value in claims.items():
        ctx.say(f"  {label(stored.record, name)}: {value}")


def delete(ctx: Context, credential_id: str, yes: bool) -> None:
    wallet = ctx.open_wallet()
    if wallet.credential(credential_id) is None:
        raise WalletError(
            _("There is no credential {id}. See your credentials with: nansen-wallet list").format(
                id=credential_id
            ),
            ExitCode.NOT_FOUND,
        )
    if not yes and not typer.confirm(_("Delete this credential for good?")):
        raise WalletError(_("Nothing was deleted."), ExitCode.DECLINED)
    wallet.delete_credential(credential_id)
    wallet.record_event({"event": "deleted", "credential": credential_id})
    ctx.say(_("The credential was deleted."))


def history(ctx: Context, as_json: bool) -> None:
    wallet = ctx.open_wallet()
    events, damaged = wallet.history()
    if as_json:
        ctx.emit_json({"events": events, "damaged": damaged})
        return
    if not events:
        ctx.say(_("Nothing has been received or shared yet."))
    for event in events:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(event.get("when", 0)))
        if event.get("event") == "received":
            ctx.say(
                _("{when}: received a credential from {issuer}").format(when=when, issuer=event.get("issuer"))
            )
        elif event.get("event") == "shared":
            ctx.say(
                _("{when}: shared {claims} with {to}").format(
                    when=when, claims=", ".join(event.get("claims", [])), to=event.get("to")
                )
            )
        else:
            ctx.say(_("{when}: deleted credential {id}").format(when=when, id=event.get("credential")))
    if damaged:
        ctx.say(_("{count} history entries are damaged and were skipped.").format(count=damaged))
