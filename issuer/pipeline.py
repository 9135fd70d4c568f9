"""The durable anchoring pipeline.

Credentials to sign wait in the ``credentials`` table (the outbox) as ``queued``. A worker groups
them by size or time window into a batch, stores the batch (root, members, positions) BEFORE it
sends anything, anchors the root, and once the receipt is in signs every member with its proof.
After a crash it reconciles: a stored batch whose root is on chain is finished, one whose root is
not is sent again (the contract refuses a root twice, so nothing is anchored twice). While the
chain is down everything stays queued and wallets get deferred responses.
Status changes (revoke, suspend, reinstate) queue the same way and go out in one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from issuer.batch_members import MARK_BATCHED, MARK_READY, MEMBER_COLUMNS, Member, prepared
from issuer.chain_link import ChainLink
from issuer.funds import FundsWatch
from issuer.keys import SigningKey
from issuer.lease import Lease
from issuer.models import Batch, Credential, StatusChange
from issuer.pipeline_health import PipelineHealth
from issuer.reorg import STATUS_CODES, Reconciler
from issuer.retention import purge_personal_data
from issuer.settings import IssuerSettings
from nansen.chain.errors import ContractRevertedError, InsufficientFundsError
from nansen.chain.registry import batch_anchored_at
from nansen.credential.issuance import complete_credential
from nansen.errors import NansenError
from nansen.merkle import MerkleTree, build_tree
from nansen.write_lock import NoWriteLock, WriteLock

MIN_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 0.05, 5.0
LINGER_QUIET_SECONDS = 0.05  # a pause in arrivals this long ends a lingering window

log = logging.getLogger("nansen.issuer.pipeline")


def window_closed(*, now: float, oldest: float, newest: float, window: float) -> bool:
    """Whether a batch that is not full closes now. It closes ``window`` seconds after its first
    credential, unless credentials are still arriving: then it lingers until they pause for
    LINGER_QUIET_SECONDS, for at most one more window. Wallets that come back together then share
    one anchor, instead of the last few of them paying for an anchor of their own."""
    if now - oldest < window:
        return False
    return now - oldest >= 2 * window or now - newest >= LINGER_QUIET_SECONDS


PURGE_EVERY_SECONDS = 30.0


class AnchoringPipeline:
    def __init__(
        self,
        *,
        settings: IssuerSettings,
        sessions: sessionmaker[Session],
        chain: ChainLink,
        signing_key: SigningKey,
        lease: Lease | None = None,
        write_lock: WriteLock | None = None,
        on_ready: Callable[[list[str]], None] | None = None,
        health: PipelineHealth | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._chain = chain
        self._key = signing_key
        self._lease = lease
        # taken around each write transaction, as the wallet endpoints' are (issuer/write_lock.py)
        self._write_lock = write_lock or NoWriteLock()
        self._on_ready = on_ready
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._oldest_queued: float | None = None
        self._last_purge = 0.0
        self._thread = threading.Thread(target=self._run, name="anchoring", daemon=True)
        self.health = health or PipelineHealth(None)
        self._funds = FundsWatch(low_balance_batches=settings.low_balance_batches, clock=clock)
        self._reconciler = Reconciler(horizon_seconds=settings.reorg_horizon_seconds, clock=clock)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self._write_lock.close()

    def wake(self) -> None:
        self._wake.set()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        backoff = MIN_BACKOFF_SECONDS
        try:
            while not self._stop.is_set():
                try:
                    if self._lease is not None and not self._lease.try_acquire():
                        self._reconciler.forget_head()  # on taking over, compare everything with the chain
                        self.health.standby()
                        self._stop.wait(1.0)  # another process anchors; take over if it goes away
                        continue
                    busy = self.run_once()
                    self._check_funds()
                    self.health.succeeded()
                    backoff = MIN_BACKOFF_SECONDS
                except Exception as exc:
                    self._failed(exc)
                    busy = False
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                if not busy:
                    self._wake.wait(self._idle_seconds())
                    self._wake.clear()
        finally:
            if self._lease is not None:
                self._lease.release()

    @property
    def last_error(self) -> str | None:
        return self.health.current().reason

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, InsufficientFundsError):
            reason = exc.user_message
            self.health.funds(exc.balance_wei, None)
        elif isinstance(exc, NansenError):
            reason = exc.user_message  # says what to do, naming the NANSEN_ISSUER_ settings
        elif isinstance(exc, SQLAlchemyError):
            reason = "database unavailable"
            if self._lease is not None:
                self._lease.release()  # the lock may have gone with the connection
        else:  # a defect or an error nobody foresaw: keep its trace in the log, keep anchoring
            reason = f"unexpected {type(exc).__name__}; see the issuer's log"
            log.error("anchoring pipeline failed; it retries", exc_info=exc)
        self._funds.recheck()
        chain = self._chain.connected()
        if chain is not None:
            chain.sender.forget_nonce()  # another process or a reorg may have moved it
        report = self.health.failed(reason)
        log.warning("anchoring pipeline will retry (failure %d): %s", report.failures, reason)

    def _check_funds(self) -> None:
        """Also tells an idle pipeline whether the chain answers: a failure makes it due again."""
        if self._funds.due():
            balance, warning = self._funds.check(self._chain.get().sender)
            if warning is not None and warning != self.health.current().warning:
                log.warning("%s", warning)
            self.health.funds(balance, warning)

    def _idle_seconds(self) -> float:
        """Sleep until the oldest queued credential's window closes (or a wake-up); while a window
        lingers, look again shortly."""
        window = self._settings.batch_window_ms / 1000
        oldest = self._oldest_queued
        if oldest is None:
            return window
        remaining = oldest + window - self._clock()
        return min(window, max(0.005, remaining) if remaining > 0 else LINGER_QUIET_SECONDS)

    # -- one pass ----------------------------------------------------------------------------------
    def run_once(self) -> bool:
        self._purge_when_due()
        busy = self._reconciler.after_new_head(self._chain.get(), self._sessions, self._write_lock)
        busy = self._reconcile() or busy
        busy = self._cut_batch() or busy
        return self._send_status_changes() or busy

    def _purge_when_due(self) -> None:
        now = self._clock()
        if now - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = now
        with self._sessions() as session, self._write_lock.held():
            purged = purge_personal_data(session, now=now, retention_seconds=self._settings.retention_seconds)
        if purged:
            log.info("deleted personal data of %d offers or credentials past their time", purged)

    def _reconcile(self) -> bool:
        with self._sessions() as session:
            pending = session.scalars(select(Batch).where(Batch.state == "sending")).all()
            for batch in pending:
                root = bytes.fromhex(batch.root)
                chain = self._chain.get()
                onchain = chain.registry.batch(root)
                if onchain is None:
                    try:
                        batch.tx_hash = chain.writer.anchor_batch(root, batch.count).tx_hash
                    except ContractRevertedError as exc:
                        if exc.error_name != "CredentialRegistryRootAlreadyAnchored":
                            raise
                    onchain = chain.registry.batch(root)
                if onchain is None:
                    continue
                members, tree = self._stored_members(session, batch, root)
                ready = self._finish(session, batch, members, tree, anchored_at=onchain.anchored_at)
                self._announce(ready)
            return bool(pending)

    def _announce(self, credential_ids: list[str]) -> None:
        if self._on_ready is not None and credential_ids:
            self._on_ready(credential_ids)

    def _cut_batch(self) -> bool:
        with self._sessions() as session:
            count, oldest, newest = session.execute(
                select(func.count(), func.min(Credential.created_at), func.max(Credential.created_at)).where(
                    Credential.state == "queued"
                )
            ).one()
            self._oldest_queued = oldest
            if not count:
                return False
            window = self._settings.batch_window_ms / 1000
            closed = window_closed(now=self._clock(), oldest=oldest, newest=newest, window=window)
            if count < self._settings.batch_size and not closed:
                return False
            queued = session.execute(
                select(*MEMBER_COLUMNS)
                .where(Credential.state == "queued")
                .order_by(Credential.created_at)
                .limit(self._settings.batch_size)
            ).all()
            tree = build_tree([bytes.fromhex(c.leaf) for c in queued])
            batch = Batch(root=tree.root.hex(), count=len(queued), state="sending", created_at=self._clock())
            with self._write_lock.held():
                session.add(batch)
                session.flush()
                session.connection().execute(
                    MARK_BATCHED,
                    [
                        {"id_": c.id, "batch_id_": batch.id, "position_": position}
                        for position, c in enumerate(queued)
                    ],
                )
                session.commit()  # the batch is durable before anything goes to the chain
            receipt = self._chain.get().writer.anchor_batch(tree.root, len(queued))
            batch.tx_hash = receipt.tx_hash
            members = [Member(c.id, c.leaf, "batched", c.pending_payload) for c in queued]
            anchored_at = batch_anchored_at(receipt, tree.root)
            ready = self._finish(session, batch, members, tree, anchored_at=anchored_at)
            self._announce(ready)
            self._oldest_queued = None
            log.info("anchored a batch of %d in tx %s", len(queued), receipt.tx_hash)
            return True

    def _stored_members(self, session: Session, batch: Batch, root: bytes) -> tuple[list[Member], MerkleTree]:
        """A stored batch's members in batch order, and their tree, which must still give its root."""
        members = [
            Member(*row)
            for row in session.execute(
                select(*MEMBER_COLUMNS)
                .where(Credential.batch_id == batch.id)
                .order_by(Credential.batch_position)
            )
        ]
        tree = build_tree([bytes.fromhex(c.leaf) for c in members])
        if tree.root != root:
            raise NansenError(f"batch {batch.id} members no longer give its root")
        return members, tree

    def _finish(
        self,
        session: Session,
        batch: Batch,
        members: Sequence[Member],
        tree: MerkleTree,
        *,
        anchored_at: int,  # the anchoring block's timestamp, for verifiers not yet synced past it
    ) -> list[str]:
        """Signs every member with its inclusion proof (``members`` in batch order, ``tree`` theirs),
        then commits them ready and the batch confirmed."""
        deployment = self._chain.deployment
        signed: list[dict[str, Any]] = []
        for position, member in enumerate(members):
            if member.state != "batched" or member.pending_payload is None:
                continue
            issued = complete_credential(
                prepared(member),
                chain_id=deployment.chain_id,
                registry=deployment.credential_registry,
                root=tree.root,
                proof=tree.proof(position),
                anchored_at=anchored_at,
                signer_key=self._key.key,
                kid=self._key.kid,
                x5c=self._key.x5c,
            )
            signed.append({"id_": member.id, "issued_": issued.compact})
        with self._write_lock.held():  # signing (above) needs no lock
            if signed:
                session.connection().execute(MARK_READY, signed)
            batch.state, batch.confirmed_at = "confirmed", self._clock()
            session.commit()
        return [entry["id_"] for entry in signed]

    def _send_status_changes(self) -> bool:
        with self._sessions() as session:
            changes = session.scalars(
                select(StatusChange)
                .where(StatusChange.state == "queued")
                .order_by(StatusChange.id)
                .limit(1000)
            ).all()
            if not changes:
                return False
            latest: dict[str, StatusChange] = {}
            for change in changes:
                latest[change.credential_id] = change  # the last word per credential wins
            credentials = {
                c.id: c
                for c in session.scalars(select(Credential).where(Credential.id.in_(list(latest)))).all()
            }
            ordered = sorted(latest.values(), key=lambda ch: credentials[ch.credential_id].status_index)
            receipt = self._chain.get().writer.set_statuses(
                [credentials[ch.credential_id].status_index for ch in ordered],
                [STATUS_CODES[ch.status] for ch in ordered],
            )
            for change in changes:
                change.state, change.tx_hash = "done", receipt.tx_hash
            for change in ordered:
                credentials[change.credential_id].status = change.status
            with self._write_lock.held():
                session.commit()
            return True
