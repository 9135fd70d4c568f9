"""Pages: one Jinja2 environment (autoescaped), the request's language, the security headers every
console answer carries, and the session cookie renewed on each page (the idle timeout slides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from verifier.web.i18n import LANGUAGE_COOKIE, LANGUAGES, RTL, catalogue, negotiate
from verifier.web.session import COOKIE, ConsoleSession
from verifier.web.untrusted import neutral

R = TypeVar("R", bound=Response)
TEMPLATES = Path(__file__).with_name("templates")
PREFIX = "/console"

# no inline script or style anywhere: every script and sheet is a file under /console/static
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    # pages show personal data or session-bound forms: never stored by the browser or a proxy
    "Cache-Control": "no-store",
}

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), auto_reload=False
)
_environment.filters["neutral"] = neutral


def language_of(request: Request) -> str:
    return negotiate(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language", ""))


def translator(request: Request) -> Any:
    return catalogue(language_of(request)).gettext


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    session: ConsoleSession | None = None,
    **context: Any,
) -> HTMLResponse:
    language = language_of(request)
    _ = catalogue(language).gettext
    html = _environment.get_template(template).render(
        _=_,
        lang=language,
        direction="rtl" if language in RTL else "ltr",
        languages=LANGUAGES,
        prefix=PREFIX,
        back=request.url.path if request.method == "GET" else PREFIX,
        session=session,
        csrf=session.csrf if session is not None else "",
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    return secured(request, response, session)


def redirect(request: Request, to: str, *, session: ConsoleSession | None = None) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    secured(request, response, session)
    return response


def secured(request: Request, response: R, session: ConsoleSession | None) -> R:
    response.headers.update(SECURITY_HEADERS)
    if session is not None:
        set_session_cookie(request, response, session)
    return response


def set_session_cookie(request: Request, response: Response, session: ConsoleSession) -> None:
    console = request.app.state.console
    response.set_cookie(
        COOKIE,
        console.signer.dump(console.signer.touched(session)),
        max_age=int(console.signer.idle_timeout),
        path=PREFIX,
        httponly=True,
        secure=console.secure_cookies,
        samesite="strict",
    )
