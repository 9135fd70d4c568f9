"""Staff accounts (admin only) and the audit log."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from issuer import audit
from issuer.deps import AdminStaff, SessionDep
from issuer.models import AuditEntry, Staff
from issuer.schemas import StaffCreate, StaffCreated
from issuer.tokens import new_token, sha256_hex

router = APIRouter(tags=["staff"])


@router.post("/staff", status_code=201)
def create_staff(body: StaffCreate, session: SessionDep, admin: AdminStaff) -> StaffCreated:
    token = new_token()
    staff = Staff(
        name=body.name, role=body.role, token_sha256=sha256_hex(token), active=True, created_at=time.time()
    )
    session.add(staff)
    session.flush()
    audit.record(session, staff_id=admin.id, action="staff_created", detail=f"role={body.role} id={staff.id}")
    session.commit()
    return StaffCreated(id=staff.id, name=staff.name, role=staff.role, token=token)


@router.get("/audit")
def audit_log(
    session: SessionDep,
    admin: AdminStaff,
    limit: Annotated[int, Query(ge=1, le=1000, description="newest entries to return")] = 200,
) -> list[dict[str, object]]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [
        {
            "at": int(r.at),
            "staff_id": r.staff_id,
            "action": r.action,
            "credential_id": r.credential_id,
            "detail": r.detail,
        }
        for r in rows
    ]
