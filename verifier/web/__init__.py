"""The officer console: pages served by the verifier itself, beside its API (templates/, static/,
locale/). Pages call the same service functions as the API routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from verifier.presets import PresetBook
from verifier.settings import VerifierSettings
from verifier.web import admin_pages, auth_pages, offline_pages, online_pages
from verifier.web.deps import AdminOnly, ConsoleState, CsrfRefused, SignInRequired
from verifier.web.rendering import PREFIX, redirect, render, secured
from verifier.web.session import SessionSigner, load_or_create_key

STATIC = Path(__file__).with_name("static")
PHOTO_UPLOAD_LIMITS = {offline_pages.PHOTO_PATH: offline_pages.PHOTO_MAX_BYTES}


def open_console(settings: VerifierSettings) -> ConsoleState:
    """The console's state, built at start-up (a damaged presets file stops it, as officers do)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = load_or_create_key(settings.console_secret_file)
    return ConsoleState(
        signer=SessionSigner(key, idle_timeout=settings.console_idle_timeout_seconds),
        presets=PresetBook(settings.presets_file),
        secure_cookies=settings.environment == "production" or settings.public_url.startswith("https://"),
    )


def install(app: FastAPI) -> None:
    for module in (auth_pages, online_pages, offline_pages, admin_pages):
        app.include_router(module.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX, status_code=303)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        if request.method == "GET" and not request.url.path.endswith("/progress"):
            return redirect(request, f"{PREFIX}/sign-in")
        return render(request, "expired.html", status_code=401)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> HTMLResponse:
        return render(request, "csrf.html", status_code=403)

    @app.exception_handler(AdminOnly)
    async def admin_only(request: Request, exc: AdminOnly) -> HTMLResponse:
        return secured(request, render(request, "admin_only.html", status_code=403), None)
