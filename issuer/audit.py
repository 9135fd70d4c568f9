"""The audit log: who did what, when, to which credential id. Never claims, never tokens."""

from __future__ import annotations

import time

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from issuer.models import AuditEntry

# built once: wallet deliveries write an entry each, on the hot path
_INSERT = insert(AuditEntry)


def record(
    db: Session | Connection,
    *,
    staff_id: int | None,
    action: str,
    credential_id: str | None = None,
    detail: str = "",
) -> None:
    """Adds the entry inside the transaction under way (committed or rolled back with it)."""
    (db.connection() if isinstance(db, Session) else db).execute(
        _INSERT,
        {
            "at": time.time(),
            "staff_id": staff_id,
            "action": action,
            "credential_id": credential_id,
            "detail": detail[:200],
        },
    )
