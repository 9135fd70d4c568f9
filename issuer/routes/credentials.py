"""Listing (metadata only) and revocation, suspension and reinstatement by credential id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from issuer.deps import CurrentStaff, SessionDep, StateDep
from issuer.schemas import CredentialPublic, StatusChangeCreate
from issuer.services.credentials import CredentialFilter, change_status, find_credentials

router = APIRouter(prefix="/credentials", tags=["credentials"])
# bounded in the schema: SQLite takes a negative limit as "no limit" and fails on integers beyond
# 64 bits; no issuer holds a billion credentials
MAX_OFFSET = 1_000_000_000


@router.get("")
def list_credentials(
    session: SessionDep,
    staff: CurrentStaff,
    limit: Annotated[int, Query(ge=1, le=1000, description="rows per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
    offer_id: Annotated[str | None, Query(max_length=64, description="an offer id or its beginning")] = None,
    state: Annotated[str | None, Query(pattern="^(queued|batched|ready|delivered)$")] = None,
    status: Annotated[str | None, Query(pattern="^(valid|suspended|revoked)$")] = None,
    created_from: Annotated[float | None, Query(ge=0, le=1e11, description="unix time, inclusive")] = None,
    created_before: Annotated[float | None, Query(ge=0, le=1e11, description="unix time, exclusive")] = None,
) -> list[CredentialPublic]:
    rows, _total = find_credentials(
        session,
        where=CredentialFilter(offer_id, state, status, created_from, created_before),
        limit=limit,
        offset=offset,
    )
    return [
        CredentialPublic(
            id=r.id,
            offer_id=r.offer_id,
            credential_type=r.credential_type,
            status=r.status,
            state=r.state,
            status_index=r.status_index,
            batch_root=r.batch_root,
            created_at=r.created_at,
            delivered_at=r.delivered_at,
        )
        for r in rows
    ]


@router.post("/{credential_id}/{action}", status_code=202)
def change_credential_status(
    credential_id: str,
    action: str,
    body: StatusChangeCreate,
    state: StateDep,
    session: SessionDep,
    staff: CurrentStaff,
) -> dict[str, str]:
    target = change_status(
        session, staff_id=staff.id, credential_id=credential_id, action=action, reason=body.reason
    )
    if state.pipeline is not None:
        state.pipeline.wake()
    return {"status": "queued", "target": target}
