"""Signing in with an officer token (once; then the session cookie), signing out, the home page and
the language menu."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nansen.webui.languages import supported
from nansen.webui.sessions import cookie_attributes
from verifier.deps import StateDep
from verifier.officers import token_digest
from verifier.web.deps import CSRF_FIELD, CheckedDesk, ConsoleState, DeskDep
from verifier.web.i18n import LANGUAGE_COOKIE
from verifier.web.rendering import PREFIX, redirect, render, secured

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("")
def home(request: Request, desk: DeskDep) -> HTMLResponse:
    return render(request, "home.html", session=desk.session, officer=desk.officer)


@router.get("/sign-in")
def sign_in_form(request: Request) -> HTMLResponse:
    return _sign_in_page(request, error=None)


@router.post("/sign-in", response_model=None)
def sign_in(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    console: ConsoleState = request.app.state.console
    before, _ = console.session_of(request, sign_in=True)  # the sign-in page's own, for its CSRF token
    if before is None or not console.codec.csrf_valid(before, csrf_token):
        return _sign_in_page(request, error="csrf", status_code=403)
    officer = state.officers.authenticate(token.strip()) if token.strip() else None
    if officer is None:
        return _sign_in_page(request, error="token", status_code=401)
    # a new session id at sign-in: one planted before it is never the one signed in
    response = redirect(request, PREFIX, session=console.codec.new(token_digest(token.strip())))
    response.delete_cookie(console.sign_in_cookie, **cookie_attributes(secure=console.secure_cookies))
    return response


def _sign_in_page(request: Request, *, error: str | None, status_code: int = 200) -> HTMLResponse:
    console: ConsoleState = request.app.state.console
    anonymous = console.codec.new(None)
    response = render(
        request, "sign_in.html", status_code=status_code, session=anonymous, keep_session=False, error=error
    )
    response.set_cookie(
        console.sign_in_cookie,
        console.codec.encode(anonymous),
        **cookie_attributes(secure=console.secure_cookies),
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, desk: CheckedDesk) -> RedirectResponse:
    response = redirect(request, f"{PREFIX}/sign-in")
    desk.console.forget(response)
    return response


@router.get("/language")
def choose_language(request: Request, lang: str = "en", back: str = PREFIX) -> Response:
    """Sets the officer's language and goes back (only to a console page: no open redirect)."""
    target = back if back.startswith(PREFIX) and "//" not in back and "\\" not in back else PREFIX
    response = secured(request, RedirectResponse(target, status_code=303), None)
    if supported(lang) == lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 86400, path="/", samesite="strict")
    return response
