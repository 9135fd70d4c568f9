"""Offline verification: the officer gives the holder a nonce and audience, scans the holder's
QR code, and submits it here. The nonce is single use, as online."""

from __future__ import annotations

import secrets
from functools import lru_cache

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from nansen.offline_transport import assemble
from nansen.openid4vp.dcql import CredentialQuery, build_query
from nansen.openid4vp.request import CLIENT_ID_PREFIX
from verifier.deps import CurrentOfficer, ServiceState, StateDep
from verifier.offline_challenges import Spending
from verifier.schemas import OfflineChallengePublic, OfflineVerificationCreate
from verifier.service import verify_for_query
from verifier.settings import VerifierSettings

router = APIRouter(prefix="/offline", tags=["officer"])
# the refusals' words are named so the officer console can show them in the officer's language
UNKNOWN_NONCE = "This nonce was not issued by this verifier. Create a new challenge."
AUDIENCE_MISMATCH = "The audience does not match the challenge."
NONCE_SPENT = "This nonce was already used or has expired. Create a new challenge."


@router.post("/challenges", status_code=201)
def create_challenge(state: StateDep, officer: CurrentOfficer) -> OfflineChallengePublic:
    return issue_challenge(state)


def issue_challenge(state: ServiceState) -> OfflineChallengePublic:
    """A new single-use nonce and this desk's audience (the API route and the console's page)."""
    nonce = secrets.token_urlsafe(16)  # 128 bits; short enough to read out or type
    expires_at = state.offline_challenges.issue(nonce, state.settings.request_ttl_seconds)
    state.store.purge_expired()  # unread results hold disclosed claims: gone once expired
    return OfflineChallengePublic(
        nonce=nonce, audience=offline_audience(state.settings), expires_at=int(expires_at)
    )


def offline_audience(settings: VerifierSettings) -> str:
    """The audience of every offline challenge: this verifier's offline desk."""
    return CLIENT_ID_PREFIX + settings.public_url.rstrip("/") + "/offline"


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
    presentation = _presentation(body)  # frames that do not make a presentation leave the nonce unspent
    challenges = state.offline_challenges
    if body.audience != offline_audience(state.settings):  # refused before the nonce is spent
        if not challenges.known(body.nonce):
            raise HTTPException(404, UNKNOWN_NONCE)
        raise HTTPException(400, AUDIENCE_MISMATCH)
    spending = challenges.spend(body.nonce)
    if spending is Spending.UNKNOWN:
        raise HTTPException(404, UNKNOWN_NONCE)
    if spending is not Spending.SPENT_NOW:
        raise HTTPException(409, NONCE_SPENT)
    result = verify_for_query(
        state.link,
        presentation=presentation,
        query=query,
        audience=body.audience,
        nonce=body.nonce,
    )
    state.metrics.verdict_counter(result["verdict"]).inc()
    return result


def _presentation(body: OfflineVerificationCreate) -> str:
    """The presentation as given, or reassembled from its frames (raises OfflineTransportError,
    which names the frames missing, damaged or foreign)."""
    if body.frames is not None and body.presentation is None:
        return assemble(body.frames)
    if body.presentation is not None and body.frames is None:
        return body.presentation
    raise HTTPException(422, "Give either the presentation or its frames, not both and not neither.")


@lru_cache(maxsize=256)
def _query(credential_type: str, claims: tuple[tuple[str, ...], ...]) -> CredentialQuery:
    """The DCQL query for a type and its claims; desks ask the same few again and again."""
    return build_query("credential", credential_type, claims).credentials[0]
