"""The wallet endpoints (POST /token, /nonce, /credential) without the framework's routing,
dependency solving and form parsing.

Per wallet, those cost the issuer more CPU than the issuance itself. This pure ASGI layer answers
the plain case — a well-formed form or JSON body, with a bearer token where one is needed — through
the same functions as the routes in ``issuer.routes.oid4vci`` (``issuer.wallet_answers``); a refusal
those raise is answered by the same ``issuer.problems.refusal``. Anything else (a missing or
malformed token, an unusual content type, a body that is not plainly well-formed) goes on to the
route with the body replayed, so every refusal keeps its one wording.
It sits inside the body-size limit, so oversized bodies are refused before anything here reads them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from issuer.deps import IssuerState
from issuer.problems import DATABASE_UNAVAILABLE, busy, log, refusal
from issuer.wallet_answers import access_token_from, credential_answer, nonce_answer, token_answer
from nansen.asgi_limits import replay
from nansen.errors import NansenError
from nansen.openid4vci.errors import IssuanceProtocolError
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
# the route's own limits (issuer.routes.oid4vci.token); longer values go to the route to be refused
_TOKEN_FIELDS = {"grant_type": 200, "pre-authorized_code": 200, "tx_code": 20}


class WalletFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" and scope["method"] == "POST" else None
        if path not in ("/token", "/nonce", "/credential") or _has_dpop(scope):  # DPoP: the route's
            await self.app(scope, receive, send)
            return
        try:
            body = await Request(scope, receive).body()
        except ClientDisconnect:
            return  # nobody to answer
        state: IssuerState | None = getattr(scope["app"].state, "issuer", None)
        answer = None
        if state is not None:
            try:
                answer = await _plain_answer(path, scope, body, state)
            except NansenError as exc:  # a refusal from the core, answered as its exception handler does
                answer = refusal(exc)
            except DATABASE_UNAVAILABLE as exc:  # as issuer.problems' handler answers it
                log.warning("database unavailable (%s) on %s", type(exc).__name__, path)
                answer = busy(path)
        if answer is None:
            read: Message = {"type": "http.request", "body": body, "more_body": False}
            await self.app(scope, replay([read], receive), send)
            return
        await answer(scope, receive, send)


async def _plain_answer(path: str, scope: Scope, body: bytes, state: IssuerState) -> JSONResponse | None:
    """The route's answer to a plainly well-formed request; None hands the request to the route."""
    if path == "/nonce":
        return nonce_answer(state)
    if path == "/token":
        form = _plain_form(scope, body)
        if form is None or form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            return None
        code = form.get("pre-authorized_code")
        return None if code is None else await token_answer(state, code=code, tx_code=form.get("tx_code"))
    try:
        access_token = access_token_from(Headers(scope=scope).get("authorization", ""))
    except IssuanceProtocolError:
        return None
    request = _plain_json(scope, body)
    if request is None:
        return None
    return await credential_answer(state, access_token=access_token, body=request)


def _plain_form(scope: Scope, body: bytes) -> dict[str, str] | None:
    """The token request's fields if the form is plain: ASCII, each known field once, none empty."""
    if _media_type(scope) != _FORM or b";" in body:
        return None
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
    except ValueError:  # also UnicodeDecodeError
        return None
    form = dict(pairs)
    if len(form) != len(pairs):
        return None
    for name, value in form.items():
        limit = _TOKEN_FIELDS.get(name)
        if limit is None or not value or len(value) > limit or not value.isascii() or not value.isprintable():
            return None
    return form


def _plain_json(scope: Scope, body: bytes) -> dict[str, Any] | None:
    if _media_type(scope) != _JSON:
        return None
    try:
        request = json.loads(body)  # as the route's request.json()
    except ValueError:
        return None
    return request if isinstance(request, dict) else None


def _has_dpop(scope: Scope) -> bool:
    return any(name == b"dpop" for name, _ in scope["headers"])


def _media_type(scope: Scope) -> str:
    return Headers(scope=scope).get("content-type", "").partition(";")[0].strip().lower()
