"""Dependencies: the service state, and the officer behind a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from verifier.chain_link import TrustLink
from verifier.metrics import VerifierMetrics
from verifier.officers import Officer, OfficerDirectory
from verifier.offline_challenges import OfflineChallenges
from verifier.request_signing import RequestSigner
from verifier.settings import VerifierSettings
from verifier.store import StateStore


@dataclass
class ServiceState:
    settings: VerifierSettings
    link: TrustLink
    store: StateStore
    offline_challenges: OfflineChallenges
    officers: OfficerDirectory
    metrics: VerifierMetrics
    request_signer: RequestSigner | None = None  # None: unsigned requests by value (redirect_uri:)


async def get_state(request: Request) -> ServiceState:  # async: no thread hop for a lookup
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


async def current_officer(request: Request, state: StateDep) -> Officer:  # cheap: inline, no thread
    token = bearer_token(request.headers.get("authorization", ""))
    if token is None:
        raise HTTPException(401, "Sign in: send your officer token as 'Authorization: Bearer <token>'.")
    officer = state.officers.authenticate(token)
    if officer is None:
        raise HTTPException(401, "This officer token is not valid.")
    return officer


def bearer_token(authorization: str) -> str | None:
    """The (stripped) token of an ``Authorization: Bearer <token>`` header value, else None."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token.strip()


CurrentOfficer = Annotated[Officer, Depends(current_officer)]
