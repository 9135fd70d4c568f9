"""present: answer an OpenID4VP request (direct_post), or build an offline presentation as a QR."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.qr_input import text_or_qr
from wallet_cli.store.wallet import StoredCredential, Wallet


def _pick(
    wallet: Wallet, vct_values: tuple[str, ...], paths: list[tuple[str, ...]], credential_id: str | None
) -> StoredCredential:
    from wallet_cli.credential_choice import Wanted, choose

    stored, _damaged = wallet.credentials()
    return choose(stored, Wanted(vct_values, tuple(paths)), credential_id=credential_id)


def _build(
    wallet: Wallet, stored: StoredCredential, paths: list[tuple[str, ...]], *, audience: str, nonce: str
) -> str:
    from nansen.crypto.keys import private_key_from_jwk
    from nansen.sdjwt.presentation import create_presentation

    claims: dict[str, Any] = stored.record.get("claims", {})
    missing = [".".join(p) for p in paths if p[0] not in claims]
    if missing:
        raise WalletError(
            _("Your credential does not have: {claims}").format(claims=", ".join(missing)), ExitCode.NOT_FOUND
        )
    from nansen.errors import NansenError
    from wallet_cli.credential_instances import copy_to_present

    copy = copy_to_present(stored.record, wallet.holder_jwk)  # batch: a copy not shown before
    try:
        presentation = create_presentation(
            issued=copy.compact,
            disclose=paths,
            holder_key=private_key_from_jwk(copy.holder_jwk),
            aud=audience,
            nonce=nonce,
            iat=int(time.time()),
        )
    except NansenError as exc:
        raise WalletError(
            _("Credential {id} cannot be presented: {reason}").format(id=stored.id, reason=exc.user_message),
            ExitCode.DAMAGED,
        ) from None
    _mark_shown(wallet, stored, copy)
    return presentation


def _mark_shown(wallet: Wallet, stored: StoredCredential, copy: Any) -> None:
    """Records that this copy of a batch was used as soon as a presentation is made from it, even if
    the holder then declines or the verifier cannot be reached: a copy wasted is better than one
    shown twice."""
    from wallet_cli.credential_instances import marked_shown

    updated = marked_shown(stored.record, copy, now=int(time.time()))
    if updated is not None:
        wallet.replace_credential(stored.id, updated)


def _warn_if_linkable(ctx: Context, stored: StoredCredential) -> None:
    from wallet_cli.credential_instances import copies_left

    if copies_left(stored.record) == 0:
        ctx.say(
            _(
                "Every copy of this credential has been shown before: this verifier could link it to "
                "an earlier one. Ask the organisation that issued it for new copies."
            )
        )


def present(
    ctx: Context,
    request_text: str | None,
    *,
    yes: bool,
    offline: bool,
    nonce: str | None,
    audience: str | None,
    claims: str | None,
    credential_id: str | None,
    out: Path | None,
    credential_type: str | None = None,
) -> None:
    if offline:
        _present_offline(
            ctx,
            nonce=nonce,
            audience=audience,
            claims=claims,
            credential_id=credential_id,
            out=out,
            credential_type=credential_type,
        )
        return
    if not request_text:
        raise WalletError(
            _("Give the verifier's request link or QR image, or use --offline."), ExitCode.USAGE
        )
    from nansen.errors import NansenError
    from nansen.openid4vp.request import parse_request_uri, vp_token_form

    try:
        request = parse_request_uri(text_or_qr(request_text))
    except NansenError as exc:
        raise WalletError(
            _("This request cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None
    query = request.dcql_query.credentials[0]
    wallet = ctx.open_wallet()
    paths = [tuple(p) for p in query.claims]
    stored = _pick(wallet, query.vct_values, paths, credential_id)
    who = urlsplit(request.response_uri).hostname or request.response_uri
    from wallet_cli.display_metadata import claim_for_consent
    from wallet_cli.i18n import language

    named = ", ".join(claim_for_consent(stored.record, p, language()) for p in paths)
    ctx.say(_("{who} asks to see: {claims}").format(who=who, claims=named))
    if request.purpose:
        ctx.say(_("Reason given: {purpose}").format(purpose=request.purpose))
    _warn_if_linkable(ctx, stored)
    presentation = _build(wallet, stored, paths, audience=request.audience, nonce=request.nonce)
    if not yes and not typer.confirm(_("Share only these with them?")):
        _tell_declined(request.response_uri, request.state)
        raise WalletError(_("Nothing was shared."), ExitCode.DECLINED)
    import httpx

    try:
        response = httpx.post(
            request.response_uri, data=vp_token_form(request, {query.id: presentation}), timeout=20
        )
    except (httpx.HTTPError, httpx.InvalidURL):  # InvalidURL is not an HTTPError
        raise WalletError(
            _(
                "Cannot reach the verifier. If the officer can scan your screen, use: "
                "nansen-wallet present --offline --nonce N --audience A"
            ),
            ExitCode.UNREACHABLE,
        ) from None
    if response.status_code != 200:
        raise WalletError(
            _("The verifier did not accept the answer. Ask the officer for a new request."),
            ExitCode.VERIFICATION_FAILED,
        )
    wallet.record_event(
        {"event": "shared", "to": who, "claims": [".".join(p) for p in paths], "credential": stored.id}
    )
    ctx.say(_("Shared with {who}.").format(who=who))


def _tell_declined(response_uri: str, state: str) -> None:
    """Tells the verifier the holder said no (OpenID4VP 1.0 section 8.5, access_denied), so the
    officer sees it at once instead of waiting for the request to expire. Nothing else is sent;
    if the verifier cannot be reached the holder's answer is the same."""
    import httpx

    with contextlib.suppress(httpx.HTTPError, httpx.InvalidURL):
        httpx.post(response_uri, data={"error": "access_denied", "state": state}, timeout=5)


def _present_offline(
    ctx: Context,
    *,
    nonce: str | None,
    audience: str | None,
    claims: str | None,
    credential_id: str | None,
    out: Path | None,
    credential_type: str | None,
) -> None:
    if not nonce or not audience or not claims:
        raise WalletError(
            _("Offline sharing needs --nonce, --audience and --claims from the officer."), ExitCode.USAGE
        )
    wallet = ctx.open_wallet()
    paths = [tuple(name.strip().split(".")) for name in claims.split(",") if name.strip()]
    if not paths:
        raise WalletError(
            _("Offline sharing needs --nonce, --audience and --claims from the officer."), ExitCode.USAGE
        )
    stored = _pick(wallet, (credential_type,) if credential_type else (), paths, credential_id)
    _warn_if_linkable(ctx, stored)
    presentation = _build(wallet, stored, paths, audience=audience, nonce=nonce)
    wallet.record_event(
        {"event": "shared", "to": audience, "claims": [".".join(p) for p in paths], "credential": stored.id}
    )
    from wallet_cli.offline_display import show_offline

    show_offline(ctx, presentation, out=out)
