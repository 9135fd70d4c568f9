"""Sending the answer to a trusted request's response URI (OpenID4VP 1.0 sections 8.2, 8.3, 8.5).

``direct_post`` posts the parameters as a form; ``direct_post.jwt`` posts one ``response`` parameter,
a JWE (ECDH-ES, P-256) of the same parameters as a JSON object, made for the verifier's key from
its ``client_metadata`` (nansen.openid4vp.client_metadata). Errors (the holder said no, no
credential fits, the verifier's formats or keys cannot be used) go the same way, as an
Authorization Error Response; one that cannot be encrypted is sent in clear, which section 8.3.1
allows, because it holds no personal data.

The verifier's answer may carry a ``redirect_uri`` for the holder's browser. A command-line wallet
opens no browser: it prints the address (neutralised like any text from outside) when it is an
https address (or plain http to this machine), so the holder can open it if they choose.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from wallet_cli.bounded_http import bounded_client
from wallet_cli.context import Context
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.presentation_request import ResolvedRequest


def _form(resolved: ResolvedRequest, parameters: dict[str, Any]) -> dict[str, str]:
    """The POST body for the request's response mode (may raise a NansenError for .jwt)."""
    state = resolved.request.state
    if resolved.response_mode != "direct_post.jwt":
        form = {k: _text(v) for k, v in parameters.items()}
        return form | ({"state": state} if state else {})
    from nansen.crypto.jwe import encrypt_ecdh_es
    from nansen.openid4vp.client_metadata import client_metadata, response_encryption

    encryption = response_encryption(client_metadata(resolved.parameters))
    payload = parameters | ({"state": state} if state else {})
    jwe = encrypt_ecdh_es(
        json.dumps(payload, separators=(",", ":")).encode(),
        encryption.key,
        enc=encryption.enc,
        kid=encryption.kid,
    )
    return {"response": jwe}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def check_encryption(resolved: ResolvedRequest) -> None:
    """Before anything is shown: a direct_post.jwt request must name a key the wallet can use."""
    if resolved.response_mode != "direct_post.jwt":
        return
    from nansen.errors import NansenError
    from nansen.openid4vp.client_metadata import client_metadata, response_encryption

    try:
        response_encryption(client_metadata(resolved.parameters))
    except NansenError as exc:
        tell_error(resolved, "invalid_request")
        raise WalletError(
            [
                _("The verifier asks for an encrypted answer but gives no key this wallet can use."),
                _("Nothing was shared. The verifier was told: {error}.").format(error="invalid_request"),
            ],
            ExitCode.VERIFICATION_FAILED,
        ) from exc


def tell_error(resolved: ResolvedRequest, error: str) -> None:
    """An Authorization Error Response (section 8.5), best effort: the holder's outcome is the same
    whether or not the verifier can be reached."""
    import httpx

    from nansen.errors import NansenError

    parameters = {"error": error}
    try:
        form = _form(resolved, parameters)
    except NansenError:  # no usable key: the error goes in clear (section 8.3.1)
        form = parameters | ({"state": resolved.request.state} if resolved.request.state else {})
    with (
        contextlib.suppress(httpx.HTTPError, httpx.InvalidURL, WalletError),
        bounded_client(timeout=5, follow_redirects=False) as client,
    ):
        client.post(resolved.request.response_uri, data=form)


def send_presentations(
    ctx: Context, resolved: ResolvedRequest, presentations: dict[str, str] | dict[str, list[str]]
) -> None:
    """Posts the vp_token (each query id to an array of presentations, section 8.1); shows the
    verifier's redirect_uri if it gave one. Raises on refusal."""
    import httpx

    token = {
        query_id: [answer] if isinstance(answer, str) else list(answer)
        for query_id, answer in presentations.items()
    }
    form = _form(resolved, {"vp_token": token})
    try:
        with bounded_client(timeout=20, follow_redirects=False) as client:
            response = client.post(resolved.request.response_uri, data=form)
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
    show_redirect(ctx, response)


def show_redirect(ctx: Context, response: Any) -> None:
    from nansen.endpoint_url import is_secure_endpoint

    try:
        answer = response.json()
    except ValueError:
        return
    target = answer.get("redirect_uri") if isinstance(answer, dict) else None
    if not isinstance(target, str):
        return
    if is_secure_endpoint(target):
        ctx.say(_("The verifier asks you to continue at: {address}").format(address=target))
    else:
        ctx.say(_("The verifier gave an address to continue at that is not safe to open; it is not shown."))
