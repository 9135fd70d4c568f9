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
    import httpx

    from nansen.openid4vci.offer import CredentialOffer
    from wallet_cli.issuance_client import Issued


def receive(ctx: Context, offer_text: str, tx_code: str | None, configuration: str | None = None) -> None:
    import httpx

    from nansen.crypto.keys import private_key_from_jwk
    from nansen.sdjwt.presentation import select_disclosures  # noqa: F401  (warm import for present)
    from wallet_cli.bounded_http import bounded_client
    from wallet_cli.display_metadata import stored_display
    from wallet_cli.issuance_client import issuer_metadata, notify, obtain

    try:
        with bounded_client(timeout=20) as client:
            offer = _offer(client, text_or_qr(offer_text))
            wallet = ctx.open_wallet()
            holder = private_key_from_jwk(wallet.holder_jwk)
            base = offer.credential_issuer.rstrip("/")
            ctx.say(
                _("Offer from {issuer} for: {types}").format(
                    issuer=base, types=", ".join(offer.credential_configuration_ids)
                )
            )
            metadata = issuer_metadata(client, offer)
            chosen = _choose_configuration(ctx, offer.credential_configuration_ids, configuration, metadata)
            display = stored_display(metadata, chosen)
            show_offered(ctx, display)
            tx_code = _tx_code(offer, tx_code)
            issued = obtain(
                client,
                offer=offer,
                metadata=metadata,
                configuration=chosen,
                tx_code=tx_code,
                holder=holder,
                dpop_key=lambda: private_key_from_jwk(wallet.dpop_jwk()),
                waiting=lambda: ctx.say(_("The issuer is still preparing your credential. Please wait…")),
            )
    except (httpx.HTTPError, httpx.InvalidURL):  # InvalidURL is not an HTTPError
        raise WalletError(
            _("Cannot reach the issuer. Check your connection and try again."), ExitCode.UNREACHABLE
        ) from None
    dpop = private_key_from_jwk(wallet.dpop_jwk()) if issued.token_type == "DPoP" else None  # noqa: S105
    try:
        _store(ctx, wallet, issued, offered_by=base, display=display)
    except WalletError:
        notify(issued.notice, "credential_failure", dpop)
        raise
    notify(issued.notice, "credential_accepted", dpop)


def _offer(client: httpx.Client, text: str) -> CredentialOffer:
    """The offer of a link or JSON; an offer by reference is fetched first (§4.1.3)."""
    from nansen.errors import NansenError
    from nansen.openid4vci.offer import offer_reference, parse_offer
    from wallet_cli.offer_reference import fetch_offer

    try:
        reference = offer_reference(text)
        return parse_offer(fetch_offer(client, reference) if reference else text)
    except NansenError as exc:
        raise WalletError(
            _("This offer cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None


def show_offered(ctx: Context, display: dict[str, Any]) -> None:
    """What the issuer says the credential is, in the holder's language, as the issuer's words."""
    from wallet_cli.display_metadata import claim_label, credential_display, quoted
    from wallet_cli.i18n import language

    shown = credential_display(display, language())
    if shown.name:
        ctx.say(_("Name given by the issuer: {text}").format(text=quoted(shown.name)))
    if shown.description:
        ctx.say(_("Description given by the issuer: {text}").format(text=quoted(shown.description)))
    if shown.logo_alt_text:
        ctx.say(_("Logo given by the issuer: {text}").format(text=quoted(shown.logo_alt_text)))
    labels = [claim_label(display, entry["path"], language()) for entry in display["claim_labels"]]
    if labels:
        ctx.say(_("It will hold: {claims}").format(claims=", ".join(labels)))


def _choose_configuration(
    ctx: Context, offered: tuple[str, ...], wanted: str | None, metadata: dict[str, Any]
) -> str:
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
    from wallet_cli.display_metadata import credential_display, quoted, stored_display
    from wallet_cli.i18n import language

    for number, name in enumerate(offered, start=1):
        shown = credential_display(stored_display(metadata, name), language()).name
        ctx.say(f"  {number}. {name}" + (f" — {quoted(shown)}" if shown else ""))
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


def _store(ctx: Context, wallet: Wallet, issued: Issued, *, offered_by: str, display: dict[str, Any]) -> None:
    """Stores what the credential says whatever the chain state; only the chain's verdict varies.
    A batch is one record whose copies (``instances``) must each pass and say the same."""
    from nansen.errors import NansenError
    from wallet_cli.chain_check import open_verifier
    from wallet_cli.credential_content import unverified_content
    from wallet_cli.credential_record import ChainCheck, chain_check, new_record
    from wallet_cli.refusal_words import refusal_lines

    try:
        contents = [unverified_content(i.compact) for i in issued.instances]
    except NansenError as exc:
        raise WalletError(
            _("The issuer sent a credential that cannot be read ({reason}). It was not saved.").format(
                reason=exc.user_message
            ),
            ExitCode.VERIFICATION_FAILED,
        ) from None
    if any((c.vct, c.claims) != (contents[0].vct, contents[0].claims) for c in contents):
        raise WalletError(
            _("The issuer sent copies of the credential that do not say the same. Nothing was saved."),
            ExitCode.VERIFICATION_FAILED,
        )
    verifier = open_verifier(ctx.settings)
    records = [
        new_record(
            compact=instance.compact,
            content=contents[0],
            result=verifier.verify_issued(instance.compact) if verifier is not None else None,
            offered_by=offered_by,
            received_at=int(time.time()),
            display=display["display"],
            claim_labels=display["claim_labels"],
        )
        for instance in issued.instances
    ]
    failed = next((r for r in records if chain_check(r) is ChainCheck.INVALID), None)
    if failed is not None:
        raise WalletError(refusal_lines(str(failed["chain_reason"])), ExitCode.VERIFICATION_FAILED)
    # the copy the chain vouched for least stands for them all (not yet checked: checked again later)
    record = max(records, key=lambda r: chain_check(r) is not ChainCheck.VALID)
    if len(issued.instances) > 1:
        record["instances"] = [{"compact": i.compact, "holder_jwk": i.holder_jwk} for i in issued.instances]
    if issued.notice is not None:
        record["notification"] = issued.notice  # for credential_deleted (§11) if the holder deletes it
    credential_id = wallet.add_credential(record)
    wallet.record_event({"event": "received", "issuer": record["issuer_name"], "credential": credential_id})
    if len(issued.instances) > 1:
        ctx.say(
            _(
                "The issuer gave {count} copies of this credential: the wallet shows a different copy "
                "to each verifier, so they cannot tell they saw the same credential."
            ).format(count=len(issued.instances))
        )
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
