"""The audit log: who did what, when, to which credential id. Never claims, never tokens."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from issuer.models import AuditEntry


def record(
    session: Session, *, staff_id: int | None, action: str, credential_id: str | None = None, detail: str = ""
) -> None:
    session.add(
        AuditEntry(
            at=time.time(), staff_id=staff_id, action=action, credential_id=credential_id, detail=detail[:200]
        )
    )
