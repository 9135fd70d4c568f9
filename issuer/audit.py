"""The audit log: who did what, when, to which credential id. Never claims, never tokens."""

from __future__ import annotations

import time

from sqlalchemy import insert
from sqlalchemy.orm import Session

from issuer.models import AuditEntry

# built once: wallet deliveries write an entry each, on the hot path
_INSERT = insert(AuditEntry)


def record(
    session: Session, *, staff_id: int | None, action: str, credential_id: str | None = None, detail: str = ""
) -> None:
    """Adds the entry inside the session's transaction (committed or rolled back with it)."""
    session.connection().execute(
        _INSERT,
        {
            "at": time.time(),
            "staff_id": staff_id,
            "action": action,
            "credential_id": credential_id,
            "detail": detail[:200],
        },
    )
