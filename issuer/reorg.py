"""After a reorganisation, make the chain say again what the issuer's database says it said.

A reorg can drop the issuer's transactions from the chain: an anchored root disappears (its
delivered credentials then fail with ``anchor:root_not_anchored``), a revocation disappears (the
credential verifies as valid again), and the account's nonce goes back (later transactions wait
behind the gap; ``TransactionSender.wait`` fills it). Each new head is checked against the last one
seen; when it does not descend from it, everything the issuer did within the horizon is compared
with the chain: dropped roots go back to ``sending`` (the pipeline anchors the same root again, so
the delivered credentials verify again), and a credential whose status on chain differs from the
database's gets a new status change queued. The first head a pipeline sees is treated the same
way, so a reorg while no process was anchoring is repaired too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from issuer.chain_link import Chain
from issuer.models import Batch, Credential, StatusChange
from nansen.chain.records import CredentialStatus
from nansen.write_lock import WriteLock

log = logging.getLogger("nansen.issuer.reorg")

STATUS_CODES = {
    "valid": CredentialStatus.VALID,
    "revoked": CredentialStatus.REVOKED,
    "suspended": CredentialStatus.SUSPENDED,
}


class Head(NamedTuple):
    number: int
    hash: str


class HeadWatch:
    """Tells whether the chain's head moved, and whether the new head still descends from the last
    one seen (one request per look; two when several blocks came at once)."""

    def __init__(self) -> None:
        self._seen: Head | None = None

    def forget(self) -> None:
        """Look at the next head as if it were the first (after losing the lease)."""
        self._seen = None

    def reorganised(self, chain: Chain) -> bool | None:
        """None when the head has not moved; else whether a reorg may have dropped blocks seen."""
        rpc = chain.registry.connection.rpc
        raw: dict[str, Any] = rpc("eth_getBlockByNumber", ["latest", False])
        head = Head(int(raw["number"], 16), str(raw["hash"]))
        seen, self._seen = self._seen, head
        if seen is None:
            return True
        if head == seen:
            return None
        if head.number <= seen.number:
            return True
        if head.number == seen.number + 1:
            return str(raw["parentHash"]) != seen.hash
        ancestor = rpc("eth_getBlockByNumber", [hex(seen.number), False])
        return ancestor is None or str(ancestor["hash"]) != seen.hash


class Reconciler:
    def __init__(self, *, horizon_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._horizon = horizon_seconds
        self._clock = clock
        self._heads = HeadWatch()

    def forget_head(self) -> None:
        self._heads.forget()

    def after_new_head(self, chain: Chain, sessions: sessionmaker[Session], write_lock: WriteLock) -> bool:
        """After a reorg (or on taking over): what the chain lost is queued to be sent again."""
        if not self._heads.reorganised(chain):
            return False
        chain.sender.forget_nonce()
        with sessions() as session:
            with session.no_autoflush:  # no write transaction (and no SQLite lock) while reading the chain
                roots, statuses = self.repair(session, chain)
            if not roots and not statuses:
                return False
            with write_lock.held():
                session.commit()
        return True

    def repair(self, session: Session, chain: Chain) -> tuple[int, int]:
        """Marks dropped roots for anchoring again and queues dropped status changes; the caller
        commits. Returns how many of each."""
        since = self._clock() - self._horizon
        roots = 0
        for batch in session.scalars(
            select(Batch).where(Batch.state == "confirmed", Batch.confirmed_at >= since)
        ).all():
            if chain.registry.batch(bytes.fromhex(batch.root)) is None:
                batch.state = "sending"  # the pipeline anchors the same root again
                roots += 1
                log.warning(
                    "the anchor of batch %d (tx %s) is no longer on chain; anchoring it again",
                    batch.id,
                    batch.tx_hash,
                )
        return roots, self._requeue_statuses(session, chain, since)

    def _requeue_statuses(self, session: Session, chain: Chain, since: float) -> int:
        touched = select(StatusChange.credential_id).where(
            StatusChange.state == "done", StatusChange.created_at >= since
        )
        waiting = set(
            session.scalars(select(StatusChange.credential_id).where(StatusChange.state == "queued"))
        )
        issuer = chain.sender.address
        queued = 0
        for credential in session.scalars(select(Credential).where(Credential.id.in_(touched))).all():
            if credential.id in waiting:
                continue  # a change on its way says the last word anyway
            if chain.registry.status_of(issuer, credential.status_index) == STATUS_CODES[credential.status]:
                continue
            session.add(
                StatusChange(
                    credential_id=credential.id,
                    status=credential.status,
                    reason="reorg_resend",
                    state="queued",
                    created_at=self._clock(),
                )
            )
            queued += 1
        if queued:
            log.warning("%d status changes are no longer on chain; sending them again", queued)
        return queued
