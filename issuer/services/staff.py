"""Staff accounts: signing in with a token, creating and deactivating members (administrators only,
checked by the callers), signing a member out everywhere, and reading the audit log."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer import audit
from issuer.models import AuditEntry, Staff
from issuer.services.errors import ActionConflict, NotFound
from issuer.tokens import new_token, sha256_hex

ROLES = ("officer", "admin")


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: int
    staff_id: int | None
    staff_name: str | None
    action: str
    credential_id: str | None
    detail: str


def staff_by_token(session: Session, unverified_token: str) -> Staff | None:
    """The active staff member holding this token, or None."""
    staff = session.scalar(select(Staff).where(Staff.token_sha256 == sha256_hex(unverified_token.strip())))
    return staff if staff is not None and staff.active else None


def create_staff(session: Session, *, admin_id: int, name: str, role: str) -> tuple[Staff, str]:
    """A new member and their token (returned once, stored hashed); committed."""
    if role not in ROLES:
        raise ActionConflict("The role must be officer or admin.")
    token = new_token()
    staff = Staff(name=name, role=role, token_sha256=sha256_hex(token), active=True, created_at=time.time())
    session.add(staff)
    session.flush()
    audit.record(session, staff_id=admin_id, action="staff_created", detail=f"role={role} id={staff.id}")
    session.commit()
    return staff, token


def list_staff(session: Session) -> list[Staff]:
    return list(session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name, Staff.id)))


def get_staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("No staff member with this id.")
    return staff


def deactivate_staff(session: Session, *, admin_id: int, staff_id: int) -> Staff:
    """The member's token stops working and every console session of theirs ends; committed."""
    staff = get_staff(session, staff_id)
    if staff.id == admin_id:
        raise ActionConflict("You cannot deactivate yourself; ask another administrator.")
    if not staff.active:
        raise ActionConflict("This staff member is already deactivated.")
    if staff.role == "admin" and _active_admins(session) <= 1:
        raise ActionConflict("The last active administrator cannot be deactivated.")
    staff.active = False
    staff.sessions_valid_after = time.time()
    audit.record(session, staff_id=admin_id, action="staff_deactivated", detail=f"id={staff.id}")
    session.commit()
    return staff


def sign_out_everywhere(session: Session, *, staff_id: int, by_staff_id: int) -> None:
    """Every console session of this member signed in until now is refused from now on; committed."""
    staff = get_staff(session, staff_id)
    staff.sessions_valid_after = time.time()
    audit.record(session, staff_id=by_staff_id, action="staff_signed_out_everywhere", detail=f"id={staff.id}")
    session.commit()


def audit_entries(session: Session, *, limit: int = 200, offset: int = 0) -> tuple[list[AuditRow], int]:
    """A page of the audit log, newest first, with who did it; and the number of entries."""
    total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    rows = session.execute(
        select(AuditEntry, Staff.name)
        .outerjoin(Staff, AuditEntry.staff_id == Staff.id)
        .order_by(AuditEntry.id.desc())
        .limit(max(0, min(limit, 1000)))
        .offset(max(offset, 0))
    ).all()
    return [
        AuditRow(e.id, int(e.at), e.staff_id, name, e.action, e.credential_id, e.detail) for e, name in rows
    ], total


def _active_admins(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(Staff).where(Staff.role == "admin", Staff.active))
        or 0
    )
