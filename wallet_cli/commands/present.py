"""present: answer an OpenID4VP request (direct_post or direct_post.jwt), or build an offline
presentation as a QR."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from nansen.openid4vp.dcql_paths import path_text
from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.presentation_request import ResolvedRequest
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
    trust_anchors: Path | None = None,
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
    from wallet_cli import presentation_response as answer
    from wallet_cli.presentation_request import resolve

    resolved = resolve(text_or_qr(request_text), anchors_dir=_anchors_dir(ctx, trust_anchors))
    request = resolved.request
    _check_formats(resolved)
    answer.check_encryption(resolved)
    wallet = ctx.open_wallet()
    from wallet_cli.dcql_answer import answer_plan, consent_lines, presentations

    try:
        chosen = answer_plan(wallet, request, prefer=credential_id)
    except WalletError:
        answer.tell_error(resolved, "access_denied")  # section 8.5: a required query cannot be met
        raise
    who = resolved.who
    _say_verifier(ctx, resolved)
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
        answer.tell_error(resolved, "access_denied")  # nothing else is sent (section 8.5)
        raise WalletError(_("Nothing was shared."), ExitCode.DECLINED)
    if chosen.optional:
        # optional credential sets (section 6.4.2): only with the holder's own yes, never by --yes
        ctx.say(_("{who} would also like to see, if you agree:").format(who=who))
        for line in consent_lines(wallet, chosen.optional):
            ctx.say(line)
        if not yes and typer.confirm(_("Share these too?"), default=False):
            answers.extend(chosen.optional)
    if not answers:
        answer.tell_error(resolved, "access_denied")
        raise WalletError(_("Nothing was shared."), ExitCode.DECLINED)
    try:
        token = presentations(wallet, answers, request)
    except WalletError:
        answer.tell_error(resolved, "access_denied")  # a credential cannot be presented
        raise
    answer.send_presentations(ctx, resolved, token)
    for each in answers:
        for match in each.matches:
            shared = [path_text(p) for p in match.disclose]
            wallet.record_event(
                {"event": "shared", "to": who, "claims": shared, "credential": match.credential.id}
            )
    ctx.say(_("Shared with {who}.").format(who=who))


def _anchors_dir(ctx: Context, option: Path | None) -> Path:
    """--trust-anchors, else NANSEN_WALLET_TRUST_ANCHORS_DIR, else trust-anchors in the wallet folder."""
    return option or ctx.settings.trust_anchors_dir or ctx.data_dir / "trust-anchors"


def _say_verifier(ctx: Context, resolved: ResolvedRequest) -> None:
    if resolved.signed:
        ctx.say(
            _(
                "Verified verifier: {name} ({client_id}); its certificate leads to one of your trust anchors."
            ).format(name=resolved.verified_name or "?", client_id=resolved.request.client_id)
        )
    else:
        ctx.say(
            _("Not verified: {who}. The request is not signed, so anyone could have made it.").format(
                who=resolved.who
            )
        )


def _check_formats(resolved: ResolvedRequest) -> None:
    """The verifier must accept dc+sd-jwt with ES256 (its vp_formats_supported), else it is told."""
    from nansen.openid4vp.client_metadata import FormatsNotSupportedError, check_formats, client_metadata
    from wallet_cli.presentation_response import tell_error

    try:
        check_formats(client_metadata(resolved.parameters))
    except FormatsNotSupportedError:
        tell_error(resolved, "vp_formats_not_supported")
        raise WalletError(
            [
                _("The verifier does not accept the kind of credential this wallet holds (SD-JWT, ES256)."),
                _("Nothing was shared. The verifier was told: {error}.").format(
                    error="vp_formats_not_supported"
                ),
            ],
            ExitCode.VERIFICATION_FAILED,
        ) from None


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
