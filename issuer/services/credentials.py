"""Credentials as staff see them (metadata only: no personal data is kept after delivery) and their
status changes: revoke, suspend, reinstate, queued here and sent to the chain by the pipeline."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from issuer import audit
from issuer.models import Batch, Credential, StatusChange
from issuer.services.errors import ActionConflict, NotFound

ACTIONS: dict[str, Literal["revoked", "suspended", "valid"]] = {
    "revoke": "revoked",
    "suspend": "suspended",
    "reinstate": "valid",
}
STATES = ("queued", "batched", "ready", "delivered")
STATUSES = ("valid", "suspended", "revoked")
MAX_PAGE = 1000


@dataclass(frozen=True)
class CredentialFilter:
    offer_id: str | None = None  # an offer id or its beginning (8 characters or more)
    state: str | None = None  # one of STATES
    status: str | None = None  # one of STATUSES
    created_from: float | None = None  # unix time, inclusive
    created_before: float | None = None  # unix time, exclusive


@dataclass(frozen=True)
class CredentialRow:
    id: str
    offer_id: str
    credential_type: str
    status: str
    state: str
    status_index: int
    batch_root: str | None
    created_at: int
    delivered_at: int | None
    pending_status: str | None  # a status change queued, not yet on chain


@dataclass(frozen=True)
class CredentialDetail:
    row: CredentialRow
    batch_tx_hash: str | None
    anchored_at: int | None
    changes: list[StatusChange]


def _conditions(where: CredentialFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.offer_id:
        conditions.append(Credential.offer_id.startswith(where.offer_id, autoescape=True))
    if where.state:
        conditions.append(Credential.state == where.state)
    if where.status:
        conditions.append(Credential.status == where.status)
    if where.created_from is not None:
        conditions.append(Credential.created_at >= where.created_from)
    if where.created_before is not None:
        conditions.append(Credential.created_at < where.created_before)
    return conditions


def find_credentials(
    session: Session, *, where: CredentialFilter = CredentialFilter(), limit: int = 100, offset: int = 0
) -> tuple[list[CredentialRow], int]:
    """One page of credentials, newest first, and how many match in all."""
    query = (
        select(Credential, Batch.root)
        .outerjoin(Batch, Credential.batch_id == Batch.id)
        .where(*_conditions(where))
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Credential.created_at.desc(), Credential.id)
        .limit(max(0, min(limit, MAX_PAGE)))
        .offset(max(offset, 0))
    ).all()
    pending = _pending_statuses(session, [c.id for c, _root in rows])
    return [_row(c, root, pending.get(c.id)) for c, root in rows], total


def credential_detail(session: Session, *, credential_id: str) -> CredentialDetail:
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise NotFound("No credential with this id.")
    batch = session.get(Batch, credential.batch_id) if credential.batch_id is not None else None
    changes = list(
        session.scalars(
            select(StatusChange).where(StatusChange.credential_id == credential_id).order_by(StatusChange.id)
        )
    )
    queued = [c.status for c in changes if c.state == "queued"]
    return CredentialDetail(
        _row(credential, batch.root if batch else None, queued[-1] if queued else None),
        batch.tx_hash if batch else None,
        int(batch.confirmed_at) if batch and batch.confirmed_at else None,
        changes,
    )


def allowed_actions(status: str, pending: str | None) -> list[str]:
    """The status changes that make sense now (revocation is final; only a suspension is reinstated)."""
    current = pending or status
    if current == "revoked":
        return []
    return ["reinstate", "revoke"] if current == "suspended" else ["suspend", "revoke"]


def change_status(
    session: Session, *, staff_id: int, credential_id: str, action: str, reason: str
) -> Literal["revoked", "suspended", "valid"]:
    """Queues a status change (committed); the caller wakes the pipeline to send it."""
    target = ACTIONS.get(action)
    if target is None:
        raise NotFound("Unknown action: use revoke, suspend or reinstate.")
    queued = session.scalars(
        select(StatusChange)
        .where(StatusChange.credential_id == credential_id, StatusChange.state == "queued")
        .order_by(StatusChange.id)
    ).all()
    # read after the queue: the pipeline marks a change done and sets the status in one commit, so a
    # change missing from the queue read above is visible in the status read here
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise NotFound("No credential with this id.")
    pending = queued[-1].status if queued else credential.status
    if pending == "revoked":
        raise ActionConflict("This credential is revoked; revocation is final.")
    if target == "valid" and pending != "suspended":
        raise ActionConflict("Only a suspended credential can be reinstated.")
    session.add(
        StatusChange(
            credential_id=credential_id, status=target, reason=reason, state="queued", created_at=time.time()
        )
    )
    audit.record(
        session,
        staff_id=staff_id,
        action=f"credential_{action}",
        credential_id=credential_id,
        detail=f"reason={reason}",
    )
    session.commit()
    return target


def _pending_statuses(session: Session, credential_ids: list[str]) -> dict[str, str]:
    if not credential_ids:
        return {}
    changes = session.execute(
        select(StatusChange.credential_id, StatusChange.status)
        .where(StatusChange.credential_id.in_(credential_ids), StatusChange.state == "queued")
        .order_by(StatusChange.id)
    ).all()
    return {credential_id: status for credential_id, status in changes}  # the latest wins


def _row(c: Credential, root: str | None, pending: str | None) -> CredentialRow:
    return CredentialRow(
        id=c.id,
        offer_id=c.offer_id,
        credential_type=c.credential_type,
        status=c.status,
        state=c.state,
        status_index=c.status_index,
        batch_root=root,
        created_at=int(c.created_at),
        delivered_at=int(c.delivered_at) if c.delivered_at else None,
        pending_status=pending,
    )
