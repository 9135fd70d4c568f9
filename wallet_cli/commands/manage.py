"""init, list, show, delete, history."""

from __future__ import annotations

import time
from typing import Any

import typer

from wallet_cli.context import Context
from wallet_cli.credential_instances import copies_left
from wallet_cli.credential_record import ChainCheck, chain_check, expires_at, personal_claims
from wallet_cli.display_metadata import claim_label, credential_display, quoted
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _, language
from wallet_cli.store.vault import DamagedData
from wallet_cli.store.wallet import StoredCredential, Wallet


def init(ctx: Context) -> None:
    if Wallet.exists(ctx.data_dir):
        raise WalletError(_("A wallet already exists here. Nothing was changed."), ExitCode.WALLET_STATE)
    passphrase = ctx.passphrase(confirm=True, prompt=_("Choose a passphrase for your wallet"))
    if len(passphrase) < 8:
        raise WalletError(_("Please choose a passphrase of at least 8 characters."), ExitCode.USAGE)
    from nansen.crypto.keys import generate_private_key, private_key_to_jwk

    Wallet.create(ctx.data_dir, passphrase, dict(private_key_to_jwk(generate_private_key())))
    ctx.say(_("Your wallet is ready. Keep your passphrase safe: nobody can recover it."))


def type_name(record: dict[str, Any]) -> str:
    """The credential's name as its issuer gives it in the holder's language (quoted: the issuer's
    words), else its type."""
    name = credential_display(record, language()).name
    return quoted(name) if name else str(record.get("vct") or "?")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def list_credentials(ctx: Context, as_json: bool) -> None:
    from wallet_cli.chain_check import recheck

    wallet = ctx.open_wallet()
    stored, damaged = wallet.credentials()
    credentials, concluded = recheck(wallet, stored, ctx.settings)
    if as_json:
        ctx.emit_json(
            {
                "credentials": [
                    {
                        "id": c.id,
                        "type": c.record.get("vct"),
                        "issuer": c.record.get("issuer_name"),
                        "received_at": c.record.get("received_at"),
                        "expires_at": expires_at(c.record),
                        "verified": chain_check(c.record) is ChainCheck.VALID,
                        "chain_check": str(chain_check(c.record)),
                    }
                    for c in credentials
                ],
                "damaged": [d.id for d in damaged],
            }
        )
        return
    for c in concluded:
        ctx.say(check_news(c))
    if not credentials:
        ctx.say(_("Your wallet has no credentials yet."))
    for c in credentials:
        when = _date(c.record.get("received_at", 0))
        line = f"{c.id}  {type_name(c.record)}  —  {c.record.get('issuer_name', '?')}  ({when})"
        state = chain_check(c.record)
        if state is ChainCheck.NOT_CHECKED:
            line += "  [" + _("not yet checked") + "]"
        elif state is ChainCheck.INVALID:
            line += "  [" + _("did not pass the checks") + "]"
        ctx.say(line)
    for d in damaged:
        ctx.say(_("Credential {id} is damaged and cannot be read. The others are fine.").format(id=d.id))


def show(ctx: Context, credential_id: str, as_json: bool) -> None:
    wallet = ctx.open_wallet()
    found = _readable(wallet, credential_id)
    if found is None:
        raise WalletError(
            _("There is no credential {id}. See your credentials with: nansen-wallet list").format(
                id=credential_id
            ),
            ExitCode.NOT_FOUND,
        )
    from wallet_cli.chain_check import recheck

    [stored], _concluded = recheck(wallet, [found], ctx.settings)
    record = stored.record
    claims = personal_claims(record)
    state = chain_check(record)
    if as_json:
        ctx.emit_json(
            {
                "id": stored.id,
                "type": record.get("vct"),
                "issuer": record.get("issuer_name"),
                "issuer_id": record.get("issuer_id"),
                "expires_at": expires_at(record),
                "claims": claims,
                "verified": state is ChainCheck.VALID,
                "chain_check": str(state),
                "chain_reason": record.get("chain_reason"),
                "name": credential_display(record, language()).name,  # the issuer's, unverified
                "copies_left": copies_left(record),  # batch copies never shown; null for one
            }
        )
        return
    ctx.say(f"{type_name(record)} — {record.get('issuer_name', '?')}")
    shown = credential_display(record, language())
    if shown.description:
        ctx.say(_("Description given by the issuer: {text}").format(text=quoted(shown.description)))
    if shown.logo_alt_text:
        ctx.say(_("Logo given by the issuer: {text}").format(text=quoted(shown.logo_alt_text)))
    for name, value in claims.items():
        ctx.say(f"  {claim_label(record, [name], language())}: {value}")
    left = copies_left(record)
    if left is not None:
        ctx.say(_("Copies not yet shown to any verifier: {count}").format(count=left))
    expiry = expires_at(record)
    if expiry is not None and expiry > time.time():
        ctx.say(_("Valid until {when}").format(when=_date(expiry)))
    elif expiry is not None:
        ctx.say(_("Expired on {when}").format(when=_date(expiry)))
    if state is ChainCheck.VALID:
        ctx.say(
            _("Checked against the registry on {when}: accredited and valid.").format(
                when=_date(record.get("checked_at", record.get("received_at", 0)))
            )
        )
    elif state is ChainCheck.NOT_CHECKED:
        ctx.say(
            _(
                "Not yet checked against the registry: the chain cannot be reached right now. You can "
                "still show this credential; the officer's device checks it. The wallet will try again "
                "next time."
            )
        )
    else:
        ctx.say(_invalid(record))


def _readable(wallet: Wallet, credential_id: str) -> StoredCredential | None:
    try:
        return wallet.credential(credential_id)
    except DamagedData:
        raise WalletError(
            _(
                "Credential {id} is damaged and cannot be read. You can delete it with: "
                "nansen-wallet delete {id}, and restore it from your backup."
            ).format(id=credential_id),
            ExitCode.DAMAGED,
        ) from None


def check_news(stored: StoredCredential) -> str:
    if chain_check(stored.record) is ChainCheck.VALID:
        return _("Credential {id} was checked against the registry: accredited and valid.").format(
            id=stored.id
        )
    return _invalid(stored.record, stored.id)


def _invalid(record: dict[str, Any], credential_id: str | None = None) -> str:
    text = _(
        "This credential did not pass the registry checks ({reason}). An officer will not accept it; "
        "ask the organisation that issued it."
    ).format(reason=record.get("chain_reason", "?"))
    return f"{credential_id}: {text}" if credential_id else text


def _date(timestamp: Any, pattern: str = "%Y-%m-%d") -> str:
    """A date to show; "?" for a time no calendar can show (an issuer's exp of 10**20, say)."""
    try:
        return time.strftime(pattern, time.localtime(timestamp if isinstance(timestamp, int) else 0))
    except (OverflowError, OSError, ValueError):
        return "?"


def delete(ctx: Context, credential_id: str, yes: bool) -> None:
    wallet = ctx.open_wallet()
    if not wallet.has_credential(credential_id):  # a damaged one too: deleting it is the remedy
        raise WalletError(
            _("There is no credential {id}. See your credentials with: nansen-wallet list").format(
                id=credential_id
            ),
            ExitCode.NOT_FOUND,
        )
    if not yes and not typer.confirm(_("Delete this credential for good?")):
        raise WalletError(_("Nothing was deleted."), ExitCode.DECLINED)
    try:
        stored = wallet.credential(credential_id)
    except DamagedData:
        stored = None  # deleting a damaged record is the remedy; its issuer cannot be told
    notice = None if stored is None else stored.record.get("notification")
    wallet.delete_credential(credential_id)
    wallet.record_event({"event": "deleted", "credential": credential_id})
    ctx.say(_("The credential was deleted."))
    if notice is not None:
        from nansen.crypto.keys import private_key_from_jwk
        from wallet_cli.issuance_client import notify

        dpop = isinstance(notice, dict) and notice.get("token_type") == "DPoP"
        key = private_key_from_jwk(wallet.dpop_jwk()) if dpop else None
        notify(notice, "credential_deleted", key)  # a courtesy to the issuer (§11); never undoes the delete


def history(ctx: Context, as_json: bool) -> None:
    wallet = ctx.open_wallet()
    events, damaged = wallet.history()
    if as_json:
        ctx.emit_json({"events": events, "damaged": damaged})
        return
    if not events:
        ctx.say(_("Nothing has been received or shared yet."))
    for event in events:
        when = _date(event.get("when", 0), "%Y-%m-%d %H:%M")
        if event.get("event") == "received":
            ctx.say(
                _("{when}: received a credential from {issuer}").format(when=when, issuer=event.get("issuer"))
            )
        elif event.get("event") == "shared":
            ctx.say(
                _("{when}: shared {claims} with {to}").format(
                    when=when, claims=", ".join(map(str, _list(event.get("claims")))), to=event.get("to")
                )
            )
        else:
            ctx.say(_("{when}: deleted credential {id}").format(when=when, id=event.get("credential")))
    if damaged:
        ctx.say(_("{count} history entries are damaged and were skipped.").format(count=damaged))
