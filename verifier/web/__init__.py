"""The officer console: pages served by the verifier itself, beside its API (templates/, static/,
locale/), on the shared web foundation (nansen.webui). Pages call the same service functions as
the API routes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from nansen.webui.sessions import SessionCodec, derive_secret
from nansen.webui.templates import STATIC_DIR as SHARED_STATIC_DIR
from verifier.json_file import exclusive
from verifier.presets import PresetBook
from verifier.settings import VerifierSettings
from verifier.web import admin_pages, auth_pages, offline_pages, online_pages
from verifier.web.deps import AdminOnly, ConsoleState, CsrfRefused, SignInRequired
from verifier.web.rendering import PREFIX, SHARED_STATIC, redirect, render

STATIC = Path(__file__).with_name("static")
PHOTO_UPLOAD_LIMITS = {offline_pages.PHOTO_PATH: offline_pages.PHOTO_MAX_BYTES}
KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The console's key in ``path``, created (mode 0600) by whichever worker starts first, so
    every worker accepts the session cookies the others sign."""
    with exclusive(path):
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = b""
        if len(key) != KEY_BYTES:
            key = secrets.token_bytes(KEY_BYTES)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
    return key


def open_console(settings: VerifierSettings) -> ConsoleState:
    """The console's state, built at start-up (a damaged presets file stops it, as officers do)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = load_or_create_key(settings.console_secret_file)
    return ConsoleState(
        codec=SessionCodec(
            derive_secret(key, "verifier console sessions"),
            idle_seconds=settings.console_idle_timeout_seconds,
        ),
        presets=PresetBook(settings.presets_file),
        secure_cookies=settings.environment == "production" or settings.public_url.startswith("https://"),
    )


def install(app: FastAPI) -> None:
    for module in (auth_pages, online_pages, offline_pages, admin_pages):
        app.include_router(module.router)
    app.mount(SHARED_STATIC, StaticFiles(directory=SHARED_STATIC_DIR), name="console-shared-static")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX, status_code=303)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        if exc.timed_out:
            return render(request, "expired.html", status_code=401)
        if request.method == "GET" and not request.url.path.endswith("/progress"):
            return redirect(request, f"{PREFIX}/sign-in")
        # a form posted without any session: from another site (SameSite=Strict kept the cookie
        # back) or from a page opened before signing in; refused, nothing changed
        return render(request, "csrf.html", status_code=403)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> HTMLResponse:
        return render(request, "csrf.html", status_code=403)

    @app.exception_handler(AdminOnly)
    async def admin_only(request: Request, exc: AdminOnly) -> HTMLResponse:
        return render(request, "admin_only.html", status_code=403)
