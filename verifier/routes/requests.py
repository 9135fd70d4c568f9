"""Officer endpoints: create a presentation request, show its QR code, read its result once."""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.responses import JSONResponse

from nansen.qr import qr_png, qr_text
from verifier.deps import CurrentOfficer, StateDep
from verifier.officer_query import officer_query, statements
from verifier.online_requests import Progress, create_online_request, online_request, progress
from verifier.problems import problem
from verifier.schemas import PresentationRequestCreate, PresentationRequestPublic

router = APIRouter(prefix="/requests", tags=["officer"])
MAX_WAIT_SECONDS = 25.0
_GONE = {
    Progress.READ: "The result of this request was already read.",
    Progress.EXPIRED: "This request expired before the holder answered. Create a new one.",
}


@router.post("", status_code=201)
def create_request(
    body: PresentationRequestCreate, state: StateDep, officer: CurrentOfficer
) -> PresentationRequestPublic:
    if (body.dcql_query is None) != (body.credential_type is not None and body.claims is not None) or (
        body.dcql_query is not None and (body.credential_type is not None or body.claims is not None)
    ):
        raise HTTPException(422, "Give credential_type and claims, or a dcql_query (not both).")
    query = officer_query(
        credential_type=body.credential_type, claims=body.claims, dcql_query=body.dcql_query
    )
    transaction_data = statements(query, [(s.text, s.credential_ids) for s in body.transaction_data])
    stored, uri = create_online_request(
        state, purpose=body.purpose, query=query, transaction_data=transaction_data
    )
    return PresentationRequestPublic(
        id=stored.id,
        request_uri=uri,
        qr_png_url=f"/requests/{stored.id}/qr.png",
        qr_text=qr_text(uri),
        expires_at=int(stored.expires_at),
    )


@router.get("/{request_id}/qr.png", response_class=Response)
def request_qr(request_id: str, state: StateDep, officer: CurrentOfficer) -> Response:
    found = online_request(state, request_id)
    if found is None:
        raise HTTPException(404, "No such presentation request.")
    return Response(qr_png(found[1]), media_type="image/png")


@router.get("/{request_id}/result", response_model=None)
async def request_result(
    request_id: str,
    state: StateDep,
    officer: CurrentOfficer,
    wait: float = Query(
        default=0, ge=0, le=MAX_WAIT_SECONDS, description="long-poll up to this many seconds"
    ),
) -> dict[str, object] | JSONResponse:
    deadline = time.monotonic() + wait
    while True:
        result = state.store.take_result(request_id)
        if result is not None:
            return result
        now = progress(state, request_id)
        if now is Progress.UNKNOWN:
            raise HTTPException(404, "No such presentation request.")
        if now in _GONE:
            # "reason" tells an API client which of the three it is without parsing the text
            return problem(410, "Request refused", _GONE[now], reason=now.value)
        if time.monotonic() >= deadline:
            stored = state.store.get_request(request_id)
            expires_at = int(stored.expires_at) if stored is not None else 0
            return JSONResponse({"status": "pending", "expires_at": expires_at}, status_code=202)
        await asyncio.sleep(0.1)
