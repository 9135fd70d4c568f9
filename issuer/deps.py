"""Dependencies: database session, service state, and the staff member behind a bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session, sessionmaker

from issuer.chain_link import ChainLink
from issuer.credential_types import CredentialType
from issuer.issuance import IssuanceFlow
from issuer.key_history import IssuerKeys
from issuer.models import Staff
from issuer.pipeline import AnchoringPipeline
from issuer.readiness import ReadinessWatch
from issuer.services.staff import staff_by_token
from issuer.settings import IssuerSettings
from issuer.status_list import StatusListPublisher
from issuer.throttle import Throttle
from issuer.wallet_db import WalletDatabase


@dataclass
class IssuerState:
    settings: IssuerSettings
    sessions: sessionmaker[Session]
    wallet_db: WalletDatabase
    types: dict[str, CredentialType]
    flow: IssuanceFlow
    pipeline: AnchoringPipeline | None
    readiness: ReadinessWatch
    status_lists: StatusListPublisher | None
    throttle: Throttle
    keys: IssuerKeys
    chain: ChainLink | None = None


async def get_state(request: Request) -> IssuerState:  # async: no thread hop for a lookup
    state: IssuerState = request.app.state.issuer
    return state


StateDep = Annotated[IssuerState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_staff(request: Request, state: StateDep, session: SessionDep) -> Staff:
    client = request.client.host if request.client else "unknown"
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if state.throttle.blocked(client, token):  # issuer/throttle.py: per token prefix and per address
        raise HTTPException(
            429, "Too many failed sign-ins. Wait a minute and try again.", headers={"Retry-After": "60"}
        )
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "Sign in: send your staff token as 'Authorization: Bearer <token>'.")
    staff = staff_by_token(session, token)
    if staff is None:
        state.throttle.failed(client, token)
        raise HTTPException(401, "This staff token is not valid.")
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


def require_admin(staff: CurrentStaff) -> Staff:
    if staff.role != "admin":
        raise HTTPException(403, "Only an administrator can do this.")
    return staff


AdminStaff = Annotated[Staff, Depends(require_admin)]
