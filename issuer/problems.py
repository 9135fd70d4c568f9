"""Errors at the edge: OpenID4VCI endpoints answer with OAuth error objects, staff endpoints with
RFC 9457 problem details. No client input becomes a 500; nothing personal is echoed."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nansen.errors import NansenError
from nansen.openid4vci.errors import IssuanceProtocolError

log = logging.getLogger("nansen.issuer")
WALLET_PATHS = ("/token", "/nonce", "/credential", "/deferred_credential")


def problem(
    status: int, title: str, detail: str, *, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def refusal(exc: NansenError) -> JSONResponse:
    """The answer to a refusal from the core: an OAuth error object for the OpenID4VCI protocol's
    own errors, a problem document otherwise. The fast path answers with it too."""
    if isinstance(exc, IssuanceProtocolError):
        headers = {"Cache-Control": "no-store"}
        if exc.status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
        headers.update(exc.headers)  # e.g. a DPoP challenge and nonce (issuer.dpop)
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
    return problem(400, "Request refused", exc.user_message, reason=getattr(exc, "reason", "invalid"))


def install(app: FastAPI) -> None:
    @app.exception_handler(IssuanceProtocolError)
    async def protocol_error(request: Request, exc: IssuanceProtocolError) -> JSONResponse:
        return refusal(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in err.get("loc", ()) if p != "body") for err in exc.errors()]
        if request.url.path in WALLET_PATHS:
            return JSONResponse(
                {"error": "invalid_request", "error_description": f"invalid fields: {fields}"},
                status_code=400,
            )
        return problem(
            422, "Invalid request", f"Invalid or missing fields: {', '.join(fields)}", fields=fields
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "Request refused", str(exc.detail), headers=exc.headers)

    @app.exception_handler(NansenError)
    async def core_error(request: Request, exc: NansenError) -> JSONResponse:
        return refusal(exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s on %s", type(exc).__name__, request.url.path)
        return problem(500, "Internal error", "Something went wrong on the issuer. Please try again.")
