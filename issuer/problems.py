"""Errors at the edge: OpenID4VCI endpoints answer with OAuth error objects, staff endpoints with
RFC 9457 problem details. No client input becomes a 500; nothing personal is echoed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from issuer.services.errors import InvalidClaims, StaffActionRefused
from nansen.errors import NansenError
from nansen.openid4vci.errors import IssuanceProtocolError

log = logging.getLogger("nansen.issuer")
# the console's error pages (translated there: issuer/web)
GO_BACK = "Check the address, or go back to the start."
TRY_AGAIN = "Something went wrong on the issuer. Please try again."
BUSY = "The issuer is busy. Please try again in a moment."
BUSY_RETRY_AFTER_SECONDS = 2
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


DATABASE_UNAVAILABLE = (OperationalError, PoolTimeoutError)
"""SQLite's write lock held past the busy timeout, or the database unreachable: a passing state of
the server, not a fault of the request; its transaction was rolled back, so a retry is safe."""


def busy(path: str) -> JSONResponse:
    """The answer while the database is unavailable: 503 with Retry-After. The error's own text holds
    the SQL statement and its parameters, so it is neither logged nor shown."""
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if path in WALLET_PATHS:  # OAuth's code for a passing overload (RFC 6749 §4.1.2.1)
        body = {"error": "temporarily_unavailable", "error_description": BUSY}
        return JSONResponse(body, status_code=503, headers=headers)
    return problem(503, "Service unavailable", BUSY, headers=headers)


def _console_error_page(request: Request) -> Callable[[Request, int, str, str], Response] | None:
    """The staff console answers its own errors with a page (issuer/web), not a problem document."""
    if request.url.path == "/console" or request.url.path.startswith("/console/"):
        return getattr(request.app.state, "console_error_page", None)
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(IssuanceProtocolError)
    async def protocol_error(request: Request, exc: IssuanceProtocolError) -> JSONResponse:
        return refusal(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> Response:
        if console_page := _console_error_page(request):
            return console_page(request, 400, "Page not found", GO_BACK)
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
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if console_page := _console_error_page(request):
            title = "Page not found" if exc.status_code in (404, 405) else "Request refused"
            return console_page(request, exc.status_code, title, GO_BACK)
        return problem(exc.status_code, "Request refused", str(exc.detail), headers=exc.headers)

    @app.exception_handler(StaffActionRefused)
    async def staff_action_refused(request: Request, exc: StaffActionRefused) -> JSONResponse:
        extra: dict[str, Any] = {"fields": sorted(exc.fields)} if isinstance(exc, InvalidClaims) else {}
        return problem(exc.status, "Request refused", exc.user_message, **extra)

    @app.exception_handler(NansenError)
    async def core_error(request: Request, exc: NansenError) -> JSONResponse:
        return refusal(exc)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def database_busy(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable (%s) on %s", type(exc).__name__, request.url.path)
        if console_page := _console_error_page(request):
            page = console_page(request, 503, "Busy", BUSY)
            page.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
            return page
        return busy(request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected %s on %s", type(exc).__name__, request.url.path)
        if console_page := _console_error_page(request):
            return console_page(request, 500, "Something went wrong", TRY_AGAIN)
        return problem(500, "Internal error", "Something went wrong on the issuer. Please try again.")
