"""Online check: the officer picks a preset, the page shows the request as a large QR code and a
link, and the result appears by itself when the wallet answers (declined and expired say so)."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nansen.qr import qr_png
from verifier.online_requests import Progress, create_online_request, online_request, progress
from verifier.web.choosing import choose_page
from verifier.web.deps import CheckedDesk, Desk, DeskDep
from verifier.web.rendering import PREFIX, SECURITY_HEADERS, redirect, render, translator
from verifier.web.result_view import view

router = APIRouter(prefix=f"{PREFIX}/online", include_in_schema=False)
MAX_WAIT_SECONDS = 20.0


@router.get("")
def choose(request: Request, desk: DeskDep) -> HTMLResponse:
    return choose_page(request, desk, "online")


@router.post("", response_model=None)
def start(request: Request, desk: CheckedDesk, preset: Annotated[str, Form(max_length=40)] = "") -> Response:
    chosen = desk.console.presets.get(preset)
    if chosen is None:
        return choose_page(request, desk, "online", error=True)
    stored, _uri = create_online_request(
        desk.state, credential_type=chosen.credential_type, claims=chosen.claims, purpose=chosen.purpose
    )
    return redirect(request, f"{PREFIX}/online/{stored.id}", session=desk.session)


@router.get("/{request_id}")
def waiting(request: Request, request_id: str, desk: DeskDep) -> HTMLResponse:
    found = online_request(desk.state, request_id)
    now = progress(desk.state, request_id)
    if found is None or now in (Progress.UNKNOWN, Progress.EXPIRED, Progress.READ):
        return _gone(request, desk, now.value)
    stored, uri = found
    return render(
        request,
        "online_wait.html",
        session=desk.session,
        officer=desk.officer,
        request_id=request_id,
        uri=uri,
        purpose=stored.purpose,
        signed_as=desk.state.request_signer.name if desk.state.request_signer else "",
        claims=[".".join(p) for p in _claims(stored.query)],
        expires_in=max(0, int(stored.expires_at - time.time())),
        answered=now is Progress.ANSWERED,
    )


@router.get("/{request_id}/qr.png")
def qr(request_id: str, desk: DeskDep) -> Response:
    found = online_request(desk.state, request_id)
    if found is None:
        return Response(status_code=404, headers=SECURITY_HEADERS)
    return Response(qr_png(found[1], box_size=10), media_type="image/png", headers=SECURITY_HEADERS)


@router.get("/{request_id}/progress")
async def watch(
    request_id: str, desk: DeskDep, wait: Annotated[float, Query(ge=0, le=MAX_WAIT_SECONDS)] = 0
) -> JSONResponse:
    """Where the request stands (long-poll): the page's script moves on when it is not pending."""
    deadline = time.monotonic() + wait
    while True:
        now = progress(desk.state, request_id)
        if now is not Progress.PENDING or time.monotonic() >= deadline:
            return JSONResponse({"progress": now.value}, headers=SECURITY_HEADERS)
        await asyncio.sleep(0.2)


@router.post("/{request_id}/result", response_model=None)
def result(request: Request, request_id: str, desk: CheckedDesk) -> Response:
    """The result, shown once: it is deleted from the verifier as this page is made."""
    body = desk.state.store.take_result(request_id)
    if body is not None:
        if _declined(body):  # the wallet's error response: nothing was presented
            return _gone(request, desk, "declined")
        return result_page(request, desk, body)
    now = progress(desk.state, request_id)
    if now is Progress.PENDING:  # asked before the wallet answered (the page without its script)
        return redirect(request, f"{PREFIX}/online/{request_id}", session=desk.session)
    return _gone(request, desk, now.value)


def _declined(body: dict[str, object]) -> bool:
    reason = str(body.get("reason", ""))
    return reason == "holder:declined" or reason.startswith("wallet:")


def result_page(request: Request, desk: Desk, body: dict[str, object]) -> HTMLResponse:
    _ = translator(request)
    settings = desk.state.settings
    return render(
        request,
        "result.html",
        session=desk.session,
        officer=desk.officer,
        result=view(body, _, staleness_bound=settings.max_staleness_seconds),
        clear_after=settings.result_ttl_seconds,
    )


def _gone(request: Request, desk: Desk, why: str) -> HTMLResponse:
    status = 404 if why == Progress.UNKNOWN.value else 410
    return render(
        request, "gone.html", status_code=status, session=desk.session, officer=desk.officer, why=why
    )


def _claims(query: dict[str, object]) -> list[list[str]]:
    credentials = query.get("credentials")
    if not isinstance(credentials, list) or not credentials:
        return []
    return [list(c["path"]) for c in credentials[0].get("claims", [])]
