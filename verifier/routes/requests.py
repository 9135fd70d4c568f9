"""Officer endpoints: create a presentation request, show its QR code, read its result once."""

from __future__ import annotations

import asyncio
import secrets
import time

from fastapi import APIRouter, HTTPException, Query, Response

from nansen.openid4vp.dcql import build_query, parse_query
from nansen.openid4vp.request import new_request
from nansen.qr import qr_png, qr_text
from verifier.deps import CurrentOfficer, StateDep
from verifier.schemas import PresentationRequestCreate, PresentationRequestPublic

router = APIRouter(prefix="/requests", tags=["officer"])
CREDENTIAL_QUERY_ID = "credential"
MAX_WAIT_SECONDS = 25.0


@router.post("", status_code=201)
def create_request(
    body: PresentationRequestCreate, state: StateDep, officer: CurrentOfficer
) -> PresentationRequestPublic:
    request_id = secrets.token_urlsafe(24)  # unguessable: the wallet-facing URL is addressed by it
    nonce = secrets.token_urlsafe(24)  # 192 bits, single use
    query = build_query(CREDENTIAL_QUERY_ID, body.credential_type, [tuple(p) for p in body.claims])
    response_uri = f"{state.settings.public_url.rstrip('/')}/wallet/responses/{request_id}"
    request = new_request(
        response_uri=response_uri, nonce=nonce, state=request_id, dcql_query=query, purpose=body.purpose
    )
    stored = state.store.add_request(
        request_id=request_id,
        kind="online",
        nonce=nonce,
        audience=request.audience,
        query=query.to_json(),
        purpose=body.purpose,
        ttl=state.settings.request_ttl_seconds,
    )
    uri = request.to_uri()
    return PresentationRequestPublic(
        id=request_id,
        request_uri=uri,
        qr_png_url=f"/requests/{request_id}/qr.png",
        qr_text=qr_text(uri),
        expires_at=int(stored.expires_at),
    )


@router.get("/{request_id}/qr.png", response_class=Response)
def request_qr(request_id: str, state: StateDep, officer: CurrentOfficer) -> Response:
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        raise HTTPException(404, "No such presentation request.")
    response_uri = f"{state.settings.public_url.rstrip('/')}/wallet/responses/{request_id}"
    request = new_request(
        response_uri=response_uri,
        nonce=stored.nonce,
        state=request_id,
        dcql_query=parse_query(stored.query),
        purpose=stored.purpose,
    )
    return Response(qr_png(request.to_uri()), media_type="image/png")


@router.get("/{request_id}/result")
async def request_result(
    request_id: str,
    state: StateDep,
    officer: CurrentOfficer,
    response: Response,
    wait: float = Query(
        default=0, ge=0, le=MAX_WAIT_SECONDS, description="long-poll up to this many seconds"
    ),
) -> dict[str, object]:
    deadline = time.monotonic() + wait
    while True:
        result = state.store.take_result(request_id)
        if result is not None:
            return result
        stored = state.store.get_request(request_id)
        if stored is None:
            raise HTTPException(404, "No such presentation request.")
        if stored.state == "read":
            raise HTTPException(410, "The result of this request was already read.")
        if stored.state == "pending" and stored.expires_at < time.time():
            raise HTTPException(410, "This request expired before the holder answered. Create a new one.")
        if time.monotonic() >= deadline:
            response.status_code = 202
            return {"status": "pending", "expires_at": int(stored.expires_at)}
        await asyncio.sleep(0.1)
