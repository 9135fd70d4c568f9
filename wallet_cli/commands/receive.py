"""receive OFFER: the OpenID4VCI pre-authorized code flow, then the credential is checked on chain and
stored (when the chain cannot be reached: stored as not yet checked, and checked again later)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import typer

from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.qr_input import text_or_qr
from wallet_cli.store.wallet import Wallet

if TYPE_CHECKING:
    from nansen.openid4vci.offer import CredentialOffer


def receive(ctx: Context, offer_text: str, tx_code: str | None, configuration: str | None = None) -> None:
    import httpx

    from nansen.crypto.keys import private_key_from_jwk
    from nansen.errors import NansenError
    from nansen.openid4vci.offer import parse_offer
    from nansen.sdjwt.presentation import select_disclosures  # noqa: F401  (warm import for present)
    from wallet_cli.issuance_client import issuer_metadata, notify, obtain

    try:
        offer = parse_offer(text_or_qr(offer_text))
    except NansenError as exc:
        raise WalletError(
            _("This offer cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None
    wallet = ctx.open_wallet()
    base = offer.credential_issuer.rstrip("/")
    ctx.say(
        _("Offer from {issuer} for: {types}").format(
            issuer=base, types=", ".join(offer.credential_configuration_ids)
        )
    )
    chosen = _choose_configuration(ctx, offer.credential_configuration_ids, configuration)
    tx_code = _tx_code(offer, tx_code)
    holder = private_key_from_jwk(wallet.holder_jwk)
    try:
        with httpx.Client(timeout=20) as client:
            issued = obtain(
                client,
                offer=offer,
                metadata=issuer_metadata(client, offer),
                configuration=chosen,
                tx_code=tx_code,
                holder=holder,
                waiting=lambda: ctx.say(_("The issuer is still preparing your credential. Please wait…")),
            )
    except (httpx.HTTPError, httpx.InvalidURL):  # InvalidURL is not an HTTPError
        raise WalletError(
            _("Cannot reach the issuer. Check your connection and try again."), ExitCode.UNREACHABLE
        ) from None
    try:
        _store(ctx, wallet, issued.compact, offered_by=base, config=_configuration(issued.metadata, chosen))
    except WalletError:
        notify(issued, "credential_failure")
        raise
    notify(issued, "credential_accepted")


def _choose_configuration(ctx: Context, offered: tuple[str, ...], wanted: str | None) -> str:
    """The configuration to ask for: the one named with --configuration, the only one offered, or
    the one the holder picks from the list."""
    if wanted is not None:
        if wanted not in offered:
            raise WalletError(
                _("This offer has no credential {wanted}. It offers: {offered}").format(
                    wanted=wanted, offered=", ".join(offered)
                ),
                ExitCode.USAGE,
            )
        return wanted
    if len(offered) == 1:
        return offered[0]
    for number, name in enumerate(offered, start=1):
        ctx.say(f"  {number}. {name}")
    picked = str(typer.prompt(_("Which credential do you want? Type its number"))).strip()
    if not (picked.isascii() and picked.isdigit() and 1 <= int(picked) <= len(offered)):
        raise WalletError(
            _("Type a number from 1 to {last}, or name it with --configuration.").format(last=len(offered)),
            ExitCode.USAGE,
        )
    return offered[int(picked) - 1]


def _tx_code(offer: CredentialOffer, given: str | None) -> str | None:
    """The transaction code to send: only when the offer has a tx_code object, and only one of the
    length and kind (digits or text) it states."""
    from nansen.errors import NansenError
    from nansen.openid4vci.offer import check_tx_code

    if not offer.tx_code_requested:
        return None
    code = given if given else str(typer.prompt(_("Enter the code the officer told you")))
    try:
        check_tx_code(offer, code)
    except NansenError as exc:
        raise WalletError(
            _("This code cannot be right: {reason}. Check the code with the officer.").format(
                reason=exc.user_message
            ),
            ExitCode.USAGE,
        ) from None
    return code


def _store(ctx: Context, wallet: Wallet, compact: Any, *, offered_by: str, config: dict[str, Any]) -> None:
    """Stores what the credential says whatever the chain state; only the chain's verdict varies."""
    from nansen.errors import NansenError
    from wallet_cli.chain_check import open_verifier
    from wallet_cli.credential_content import unverified_content
    from wallet_cli.credential_record import ChainCheck, chain_check, new_record

    try:
        content = unverified_content(compact)
    except NansenError as exc:
        raise WalletError(
            _("The issuer sent a credential that cannot be read ({reason}). It was not saved.").format(
                reason=exc.user_message
            ),
            ExitCode.VERIFICATION_FAILED,
        ) from None
    verifier = open_verifier(ctx.settings)
    result = verifier.verify_issued(compact) if verifier is not None else None
    metadata = config.get("credential_metadata", {})
    record = new_record(
        compact=compact,
        content=content,
        result=result,
        offered_by=offered_by,
        received_at=int(time.time()),
        display=metadata.get("display", []),
        claim_labels=metadata.get("claims", []),
    )
    if chain_check(record) is ChainCheck.INVALID:
        raise WalletError(
            _("The credential did not pass the checks ({reason}). It was not saved.").format(
                reason=record["chain_reason"]
            ),
            ExitCode.VERIFICATION_FAILED,
        )
    credential_id = wallet.add_credential(record)
    wallet.record_event({"event": "received", "issuer": record["issuer_name"], "credential": credential_id})
    if chain_check(record) is ChainCheck.VALID:
        ctx.say(
            _("Saved credential {id} from {issuer}. It is accredited and valid.").format(
                id=credential_id, issuer=record["issuer_name"]
            )
        )
    else:
        ctx.say(
            _(
                "Saved credential {id} from {issuer}. It could not be checked against the registry "
                "right now (no connection to the chain). You can already use it: the officer's device "
                "checks it. The wallet checks it again the next time you list or show your credentials."
            ).format(id=credential_id, issuer=record["issuer_name"])
        )


def _configuration(metadata: dict[str, Any], configuration: str) -> dict[str, Any]:
    """The display metadata of the configuration offered; whatever is not of the expected shape is
    left out (display names are a courtesy of the issuer, never a reason to fail)."""
    supported = metadata.get("credential_configurations_supported")
    found = supported.get(configuration) if isinstance(supported, dict) else None
    credential_metadata = found.get("credential_metadata") if isinstance(found, dict) else None
    if not isinstance(credential_metadata, dict):
        return {}
    return {
        "credential_metadata": {
            name: _objects(credential_metadata.get(name)) for name in ("display", "claims")
        }
    }


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
