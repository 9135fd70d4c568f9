"""present: answer an OpenID4VP request (direct_post), or build an offline presentation as a QR."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from nansen.openid4vp.dcql_paths import path_text
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
        _refuse(exc)
        raise WalletError(
            _("This request cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None
    wallet = ctx.open_wallet()
    from wallet_cli.dcql_answer import answer_plan, consent_lines, presentations

    chosen = answer_plan(wallet, request, prefer=credential_id)
    who = urlsplit(request.response_uri).hostname or request.response_uri
    answers = list(chosen.required)
    if answers:
        ctx.say(_("{who} asks to see:").format(who=who))
        for line in consent_lines(wallet, answers):
            ctx.say(line)
    if request.purpose:
        ctx.say(_("Reason given: {purpose}").format(purpose=request.purpose))
    for entry in request.transaction_data:
        ctx.say(_("They ask you to accept this statement: {text}").format(text=entry.text))
    if answers and not yes and not typer.confirm(_("Share only these with them?")):
        _tell_declined(request.response_uri, request.state)
        raise WalletError(_("Nothing was shared."), ExitCode.DECLINED)
    if chosen.optional:
        # optional credential sets (section 6.4.2): only with the holder's own yes, never by --yes
        ctx.say(_("{who} would also like to see, if you agree:").format(who=who))
        for line in consent_lines(wallet, chosen.optional):
            ctx.say(line)
        if not yes and typer.confirm(_("Share these too?"), default=False):
            answers.extend(chosen.optional)
    if not answers:
        _tell_declined(request.response_uri, request.state)
        raise WalletError(_("Nothing was shared."), ExitCode.DECLINED)
    token = presentations(wallet, answers, request)
    import httpx

    try:
        response = httpx.post(request.response_uri, data=vp_token_form(request, token), timeout=20)
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
    for answer in answers:
        for match in answer.matches:
            shared = [path_text(p) for p in match.disclose]
            wallet.record_event(
                {"event": "shared", "to": who, "claims": shared, "credential": match.credential.id}
            )
    ctx.say(_("Shared with {who}.").format(who=who))


def _refuse(exc: Exception) -> None:
    """A request refused for its transaction data is answered with invalid_transaction_data
    (OpenID4VP 1.0 sections 5.1, 8.5) when it named where to answer; nothing else is sent."""
    response_uri, state = getattr(exc, "response_uri", None), getattr(exc, "state", None)
    if (
        isinstance(response_uri, str)
        and isinstance(state, str)
        and getattr(exc, "error", "") == "invalid_transaction_data"
    ):
        import httpx

        with contextlib.suppress(httpx.HTTPError, httpx.InvalidURL):
            httpx.post(response_uri, data={"error": "invalid_transaction_data", "state": state}, timeout=5)


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
