"""The staff console: HTML pages served by the issuer under /console, for NGO registration staff.

Pages call the same service functions as the JSON API (issuer/services/), render Jinja2 templates
(templates/) in the person's language (locale/, compiled with ``python -m nansen.webui.catalogues
issuer/web/locale nansen_issuer_web``), and work without JavaScript; static/console.js only makes
the offer page update itself. Every asset is served from here: no CDN, no build step.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from issuer.web.context import (
    DOMAIN,
    LANGUAGE_COOKIE,
    LOCALE_DIR,
    PREFIX,
    STATIC,
    TEMPLATES,
    ConsoleRefusal,
    SignInNeeded,
    sign_in_path,
)
from issuer.web.pages import account, admin, credentials, register, status
from nansen.webui.catalogues import translations
from nansen.webui.headers import page_headers
from nansen.webui.languages import negotiate, supported
from nansen.webui.templates import STATIC_DIR, make_environment, render

log = logging.getLogger("nansen.issuer")
STATIC_FILES = Path(__file__).with_name("static")


def install(app: FastAPI) -> None:
    for module in (account, register, credentials, admin, status):
        app.include_router(module.router)
    app.mount(f"{STATIC}/webui", StaticFiles(directory=STATIC_DIR), name="console-webui-static")
    app.mount(STATIC, StaticFiles(directory=STATIC_FILES), name="console-static")
    errors_env = make_environment(TEMPLATES)

    @app.get(PREFIX, include_in_schema=False)
    def console_root() -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=308)

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(request: Request, exc: SignInNeeded) -> Response:
        target = sign_in_path(exc.next_path)
        if exc.timed_out:
            target += ("&" if "?" in target else "?") + "reason=idle"
        response = RedirectResponse(target, status_code=303)
        response.headers.update(page_headers())
        return response

    @app.exception_handler(ConsoleRefusal)
    async def refused(request: Request, exc: ConsoleRefusal) -> Response:
        return error_page(request, exc.status, exc.title, exc.message)

    def error_page(request: Request, status_code: int, title: str, message: str) -> Response:
        language = supported(request.cookies.get(LANGUAGE_COOKIE)) or negotiate(
            request.headers.get("accept-language")
        )
        catalogue = translations(LOCALE_DIR, DOMAIN, language)
        html = render(
            errors_env,
            "error.html",
            language=language,
            translations=catalogue,
            site_name=app.state.issuer.settings.display_name,
            home_url=f"{PREFIX}/",
            static_url=f"{STATIC}/webui",
            console_static=STATIC,
            page_title=catalogue.gettext(title),
            message=catalogue.gettext(message),
        )
        return HTMLResponse(html, status_code=status_code, headers=page_headers())

    app.state.console_error_page = error_page
