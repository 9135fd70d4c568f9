"""The page where the officer picks a preset, shared by the online and the offline check."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from fastapi.responses import HTMLResponse

from verifier.web.deps import Desk
from verifier.web.rendering import render


def choose_page(
    request: Request, desk: Desk, mode: Literal["online", "offline"], *, error: bool = False
) -> HTMLResponse:
    """The presets to choose from; with ``error`` the choice sent was not one of them (400)."""
    return render(
        request,
        "choose.html",
        status_code=400 if error else 200,
        session=desk.session,
        officer=desk.officer,
        presets=desk.console.presets.all(),
        mode=mode,
        error=error,
    )
