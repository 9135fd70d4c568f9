"""Errors to RFC 9457 problem details; no client input ever becomes a 500 or a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nansen.errors import NansenError

log = logging.getLogger("nansen.verifier")
WALLET_PREFIX = "/wallet/"  # OpenID4VP's wallet-facing endpoints answer as OAuth does (RFC 6749 §5.2)


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def oauth_error(status: int, error: str, description: str) -> JSONResponse:
    """A wallet-facing refusal: an OAuth error object (RFC 6749 §5.2), never cached."""
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [".".join(str(p) for p in err.get("loc", ()) if p != "body") for err in exc.errors()]
        # the error text names fields only; never echo values (they may be personal data)
        if request.url.path.startswith(WALLET_PREFIX):  # wallets read OAuth error objects
            return oauth_error(400, "invalid_request", f"Invalid or missing fields: {', '.join(fields)}")
        return problem(
            422, "Invalid request", f"Invalid or missing fields: {', '.join(fields)}", fields=fields
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "Request refused", str(exc.detail))

    @app.exception_handler(NansenError)
    async def core_error(request: Request, exc: NansenError) -> JSONResponse:
        return core_problem(exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return unexpected_problem(exc, request.url.path)


def core_problem(exc: NansenError) -> JSONResponse:
    """A refusal from the core (bad input it was handed): 400 with the core's reason code."""
    return problem(400, "Request refused", exc.user_message, reason=getattr(exc, "reason", "invalid"))


def unexpected_problem(exc: Exception, path: str) -> JSONResponse:
    """A bug, not the client's doing: logged by type and path only (never values), answered 500."""
    log.error("unexpected %s on %s", type(exc).__name__, path)
    return problem(500, "Internal error", "Something went wrong on the verifier. Please try again.")
