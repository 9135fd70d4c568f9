"""Listing (metadata only) and revocation, suspension and reinstatement by credential id."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from issuer import audit
from issuer.deps import CurrentStaff, SessionDep, StateDep
from issuer.models import Batch, Credential, StatusChange
from issuer.schemas import CredentialPublic, StatusChangeCreate

router = APIRouter(prefix="/credentials", tags=["credentials"])
# bounded in the schema: SQLite takes a negative limit as "no limit" and fails on integers beyond
# 64 bits; no issuer holds a billion credentials
MAX_OFFSET = 1_000_000_000
ACTIONS: dict[str, Literal["revoked", "suspended", "valid"]] = {
    "revoke": "revoked",
    "suspend": "suspended",
    "reinstate": "valid",
}


@router.get("")
def list_credentials(
    session: SessionDep,
    staff: CurrentStaff,
    limit: Annotated[int, Query(ge=1, le=1000, description="rows per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
) -> list[CredentialPublic]:
    rows = session.execute(
        select(Credential, Batch.root)
        .outerjoin(Batch, Credential.batch_id == Batch.id)
        .order_by(Credential.created_at.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        CredentialPublic(
            id=c.id,
            offer_id=c.offer_id,
            credential_type=c.credential_type,
            status=c.status,
            state=c.state,
            status_index=c.status_index,
            batch_root=root,
            created_at=int(c.created_at),
            delivered_at=int(c.delivered_at) if c.delivered_at else None,
        )
        for c, root in rows
    ]


@router.post("/{credential_id}/{action}", status_code=202)
def change_status(
    credential_id: str,
    action: str,
    body: StatusChangeCreate,
    state: StateDep,
    session: SessionDep,
    staff: CurrentStaff,
) -> dict[str, str]:
    target = ACTIONS.get(action)
    if target is None:
        raise HTTPException(404, "Unknown action: use revoke, suspend or reinstate.")
    queued = session.scalars(
        select(StatusChange)
        .where(StatusChange.credential_id == credential_id, StatusChange.state == "queued")
        .order_by(StatusChange.id)
    ).all()
    # read after the queue: the pipeline marks a change done and sets the status in one commit, so a
    # change missing from the queue read above is visible in the status read here
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise HTTPException(404, "No credential with this id.")
    pending = queued[-1].status if queued else credential.status
    if pending == "revoked":
        raise HTTPException(409, "This credential is revoked; revocation is final.")
    if target == "valid" and pending != "suspended":
        raise HTTPException(409, "Only a suspended credential can be reinstated.")
    session.add(
        StatusChange(
            credential_id=credential_id,
            status=target,
            reason=body.reason,
            state="queued",
            created_at=time.time(),
        )
    )
    audit.record(
        session,
        staff_id=staff.id,
        action=f"credential_{action}",
        credential_id=credential_id,
        detail=f"reason={body.reason}",
    )
    session.commit()
    if state.pipeline is not None:
        state.pipeline.wake()
    return {"status": "queued", "target": target}
