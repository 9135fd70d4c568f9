"""Pages through the shared foundation: its Jinja2 environment (autoescaped, strict, gettext) with
the layout webui/layout.html, the request's language, the consoles' security headers, and the
session cookie renewed as the officer works (the idle timeout slides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nansen.webui.headers import page_headers
from nansen.webui.sessions import WebSession
from nansen.webui.templates import make_environment
from nansen.webui.templates import render as render_page
from verifier.web.i18n import LANGUAGE_COOKIE, catalogue, choose_language
from verifier.web.untrusted import neutral

R = TypeVar("R", bound=Response)
SECURITY_HEADERS = page_headers()  # for answers that are no page (a QR image, a script's JSON)
TEMPLATES = Path(__file__).with_name("templates")
PREFIX = "/console"
SHARED_STATIC = f"{PREFIX}/static/shared"  # nansen/webui/static (the layout's stylesheet)

_environment = make_environment(TEMPLATES)
_environment.filters["neutral"] = neutral

# what a page may leave out; every other name a template uses must be passed (StrictUndefined)
_PAGE_DEFAULTS: dict[str, Any] = {
    "officer": None,
    "error": None,
    "error_field": None,
    "form": {},
    "name": "",
    "detail": "",
    "label": None,
    "progress": None,
    "answered": False,
}


def language_of(request: Request) -> str:
    return choose_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))


def translator(request: Request) -> Any:
    return catalogue(language_of(request)).gettext


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    session: WebSession | None = None,
    camera: bool = False,
    keep_session: bool = True,
    **context: Any,
) -> HTMLResponse:
    language = language_of(request)
    console = request.app.state.console
    html = render_page(
        _environment,
        template,
        language=language,
        translations=catalogue(language),
        site_name=catalogue(language).gettext("Nansen officer console"),
        home_url=PREFIX,
        static_url=SHARED_STATIC,
        prefix=PREFIX,
        back=request.url.path if request.method == "GET" else PREFIX,
        csrf=console.codec.csrf_token(session) if session is not None else "",
        **{**_PAGE_DEFAULTS, **context},
    )
    kept = session if keep_session else None
    return secured(request, HTMLResponse(html, status_code=status_code), kept, camera=camera)


def redirect(request: Request, to: str, *, session: WebSession | None = None) -> RedirectResponse:
    return secured(request, RedirectResponse(to, status_code=303), session)


def secured(request: Request, response: R, session: WebSession | None, *, camera: bool = False) -> R:
    response.headers.update(page_headers(camera=camera))
    if session is not None:
        request.app.state.console.keep(response, session)
    return response
