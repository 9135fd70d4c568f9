"""Offline check: the page creates a challenge, shows its nonce and audience as a short code and a
QR code for the wallet, scans the holder's QR frames with the webcam (or reads a photo), and shows
the result. The scanned texts live in the page until the check; the server keeps none."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from nansen.errors import NansenError
from nansen.qr import qr_png
from verifier.presets import Preset
from verifier.routes.offline import issue_challenge, offline_audience, verify_submission
from verifier.schemas import OfflineVerificationCreate
from verifier.web.choosing import choose_page
from verifier.web.core_messages import error_message, frame_message, refusal_message
from verifier.web.deps import CheckedDesk, Desk, DeskDep
from verifier.web.i18n import N_
from verifier.web.online_pages import result_page
from verifier.web.rendering import PREFIX, SECURITY_HEADERS, render, translator
from verifier.web.scanning import MAX_FRAMES, ScanError, assembled, decode_photo, scan_progress

router = APIRouter(prefix=f"{PREFIX}/offline", include_in_schema=False)
PHOTO_PATH = f"{PREFIX}/offline/photo"
PHOTO_MAX_BYTES = 8 * 1024 * 1024


class ScannedFrames(BaseModel):
    frames: list[Annotated[str, Field(max_length=8000)]] = Field(max_length=2 * MAX_FRAMES)


@router.get("")
def choose(request: Request, desk: DeskDep) -> HTMLResponse:
    return choose_page(request, desk, "offline")


@router.post("", response_model=None)
def start(request: Request, desk: CheckedDesk, preset: Annotated[str, Form(max_length=40)] = "") -> Response:
    chosen = desk.console.presets.get(preset)
    if chosen is None:
        return choose_page(request, desk, "offline", error=True)
    challenge = issue_challenge(desk.state)
    return _scan_page(request, desk, chosen, challenge.nonce, frames=[])


def _scan_page(
    request: Request,
    desk: Desk,
    preset: Preset,
    nonce: str,
    *,
    frames: list[str],
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    audience = offline_audience(desk.state.settings)
    claims = [".".join(p) for p in preset.claims]
    # what the holder's wallet needs, in one code it can scan (or the officer reads out)
    challenge = json.dumps(
        {"nonce": nonce, "audience": audience, "credential_type": preset.credential_type, "claims": claims},
        separators=(",", ":"),
    )
    qr = base64.b64encode(qr_png(challenge, box_size=8)).decode("ascii")
    return render(
        request,
        "offline_scan.html",
        status_code=status_code,
        camera=True,
        session=desk.session,
        officer=desk.officer,
        preset=preset,
        nonce=nonce,
        short_code=" ".join(nonce[i : i + 4] for i in range(0, len(nonce), 4)),
        audience=audience,
        claims=claims,
        challenge_qr=qr,
        frames_json=json.dumps(frames),
        progress=scan_progress(frames) if frames else None,
        error=error,
    )


@router.post("/progress")
def progress(request: Request, body: ScannedFrames, desk: CheckedDesk) -> JSONResponse:
    """How far the scanned frames are from a whole presentation (nothing is kept)."""
    now = scan_progress(body.frames)
    message = frame_message(now.problem, translator(request)) if now.problem is not None else None
    return JSONResponse(
        {
            "received": now.received,
            "total": now.total,
            "complete": now.complete,
            "missing": list(now.missing),
            "refused": now.refused,
            "message": message,
        },
        headers=SECURITY_HEADERS,
    )


@router.post("/verify")
def verify(
    request: Request,
    desk: CheckedDesk,
    nonce: Annotated[str, Form(max_length=200)],
    preset: Annotated[str, Form(max_length=40)],
    frames: Annotated[str, Form(max_length=60_000)] = "[]",
) -> HTMLResponse:
    chosen = _preset(desk, preset)
    texts = _frames(frames)
    return _check(request, desk, chosen, nonce, texts)


@router.post("/photo")
async def photo(
    request: Request,
    desk: CheckedDesk,
    nonce: Annotated[str, Form(max_length=200)],
    preset: Annotated[str, Form(max_length=40)],
    photos: Annotated[list[UploadFile], File()],
    frames: Annotated[str, Form(max_length=60_000)] = "[]",
) -> HTMLResponse:
    chosen = _preset(desk, preset)
    texts = _frames(frames)
    try:
        for upload in photos[:MAX_FRAMES]:
            texts.extend(decode_photo(await upload.read(PHOTO_MAX_BYTES + 1)))
    except ScanError as exc:
        return _scan_page(request, desk, chosen, nonce, frames=texts, error=exc.user_message, status_code=400)
    if not scan_progress(texts).complete:
        message = N_("No QR code was found in the photo.") if not texts else None
        return _scan_page(request, desk, chosen, nonce, frames=texts, error=message, status_code=200)
    return _check(request, desk, chosen, nonce, texts)


def _check(request: Request, desk: Desk, preset: Preset, nonce: str, texts: list[str]) -> HTMLResponse:
    try:
        presentation = assembled(texts)
        body: dict[str, Any] = verify_submission(
            desk.state,
            OfflineVerificationCreate(
                presentation=presentation,
                nonce=nonce,
                audience=offline_audience(desk.state.settings),
                credential_type=preset.credential_type,
                claims=[list(p) for p in preset.claims],
            ),
        )
    except ScanError as exc:
        _ = translator(request)
        error = frame_message(exc.cause, _) if exc.cause is not None else _(exc.user_message)
        return _scan_page(request, desk, preset, nonce, frames=texts, error=error, status_code=400)
    except HTTPException as exc:  # the nonce: unknown, spent or expired
        return render(
            request,
            "gone.html",
            status_code=exc.status_code,
            session=desk.session,
            officer=desk.officer,
            why="challenge",
            detail=refusal_message(exc, translator(request)),
        )
    except NansenError as exc:
        return render(
            request,
            "gone.html",
            status_code=400,
            session=desk.session,
            officer=desk.officer,
            why="malformed",
            detail=error_message(exc, translator(request)),
        )
    return result_page(request, desk, body)


def _preset(desk: Desk, preset_id: str) -> Preset:
    chosen = desk.console.presets.get(preset_id)
    if chosen is None:
        raise HTTPException(400, "This preset no longer exists. Start the check again.")
    return chosen


def _frames(text: str) -> list[str]:
    try:
        frames = json.loads(text)
    except ValueError:
        return []
    if not isinstance(frames, list):
        return []
    return [f for f in frames if isinstance(f, str) and len(f) <= 8000][: 2 * MAX_FRAMES]
