"""Offline verification: the officer gives the holder a nonce and audience, scans the holder's
QR code, and submits it here. The nonce is single use, as online."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import NoReturn

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from nansen.openid4vp.dcql import CredentialQuery, build_query
from nansen.openid4vp.request import CLIENT_ID_PREFIX
from verifier.deps import CurrentOfficer, ServiceState, StateDep
from verifier.schemas import OfflineChallengePublic, OfflineVerificationCreate
from verifier.service import verify_for_query
from verifier.store import StoredRequest

router = APIRouter(prefix="/offline", tags=["officer"])


@router.post("/challenges", status_code=201)
def create_challenge(state: StateDep, officer: CurrentOfficer) -> OfflineChallengePublic:
    nonce = secrets.token_urlsafe(16)  # 128 bits; short enough to read out or type
    audience = CLIENT_ID_PREFIX + state.settings.public_url.rstrip("/") + "/offline"
    stored = state.store.add_request(
        request_id=secrets.token_urlsafe(24),
        kind="offline",
        nonce=nonce,
        audience=audience,
        query={},
        purpose="",
        ttl=state.settings.request_ttl_seconds,
    )
    return OfflineChallengePublic(nonce=nonce, audience=audience, expires_at=int(stored.expires_at))


@router.post("/verifications", response_model=None)
async def verify_offline(
    body: OfflineVerificationCreate, state: StateDep, officer: CurrentOfficer
) -> JSONResponse:
    # most calls never get here: verifier.fast_path answers well-formed, authenticated ones first
    return JSONResponse(verify_submission(state, body))


def verify_submission(state: ServiceState, body: OfflineVerificationCreate) -> dict[str, object]:
    """Checks the nonce (single use) and verifies; raises HTTPException with a reason otherwise.
    CPU-bound and short (well under a millisecond): callers run it inline, not in a thread."""
    # the query first: claims it cannot express are refused (DcqlError) before the nonce is spent
    query = _query(body.credential_type, tuple(tuple(p) for p in body.claims))
    stored = state.store.consume_offline(nonce=body.nonce, audience=body.audience)
    if stored is None:  # the plain case took one statement; a refusal looks up its reason
        _refuse(state.store.find_offline(body.nonce), body)
    result = verify_for_query(
        state.link,
        presentation=body.presentation,
        query=query,
        audience=stored.audience,
        nonce=stored.nonce,
    )
    state.metrics.verdict_counter(result["verdict"]).inc()
    return result


@lru_cache(maxsize=256)
def _query(credential_type: str, claims: tuple[tuple[str, ...], ...]) -> CredentialQuery:
    """The DCQL query for a type and its claims; desks ask the same few again and again."""
    return build_query("credential", credential_type, claims).credentials[0]


def _refuse(stored: StoredRequest | None, body: OfflineVerificationCreate) -> NoReturn:
    if stored is None:
        raise HTTPException(404, "This nonce was not issued by this verifier. Create a new challenge.")
    if body.audience != stored.audience:
        raise HTTPException(400, "The audience does not match the challenge.")
    raise HTTPException(409, "This nonce was already used or has expired. Create a new challenge.")
