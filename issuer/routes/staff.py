"""Staff accounts (admin only) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from issuer.deps import AdminStaff, SessionDep
from issuer.schemas import StaffCreate, StaffCreated
from issuer.services.staff import audit_entries, deactivate_staff
from issuer.services.staff import create_staff as add_member

router = APIRouter(tags=["staff"])


@router.post("/staff", status_code=201)
def create_staff(body: StaffCreate, session: SessionDep, admin: AdminStaff) -> StaffCreated:
    staff, token = add_member(session, admin_id=admin.id, name=body.name, role=body.role)
    return StaffCreated(id=staff.id, name=staff.name, role=staff.role, token=token)


@router.post("/staff/{staff_id}/deactivate")
def deactivate(staff_id: int, session: SessionDep, admin: AdminStaff) -> dict[str, object]:
    """The member's token stops working and their console sessions end."""
    staff = deactivate_staff(session, admin_id=admin.id, staff_id=staff_id)
    return {"id": staff.id, "active": staff.active}


@router.get("/audit")
def audit_log(
    session: SessionDep,
    admin: AdminStaff,
    limit: Annotated[int, Query(ge=1, le=1000, description="newest entries to return")] = 200,
) -> list[dict[str, object]]:
    rows, _total = audit_entries(session, limit=limit)
    return [
        {
            "at": r.at,
            "staff_id": r.staff_id,
            "action": r.action,
            "credential_id": r.credential_id,
            "detail": r.detail,
        }
        for r in rows
    ]
