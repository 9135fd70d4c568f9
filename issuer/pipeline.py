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
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from issuer.keys import SigningKey
from issuer.models import Batch, Credential, StatusChange
from issuer.settings import IssuerSettings
from nansen.chain.errors import ContractRevertedError
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry, RegistryWriter
from nansen.credential.issuance import PreparedCredential, complete_credential
from nansen.errors import NansenError
from nansen.merkle import build_tree
from nansen.sdjwt.disclosures import parse_disclosure
from nansen.sdjwt.issuance import PreparedSdJwt

log = logging.getLogger("nansen.issuer.pipeline")
STATUS_CODES = {
    "valid": CredentialStatus.VALID,
    "revoked": CredentialStatus.REVOKED,
    "suspended": CredentialStatus.SUSPENDED,
}


class AnchoringPipeline:
    def __init__(
        self,
        *,
        settings: IssuerSettings,
        sessions: sessionmaker[Session],
        registry: Registry,
        writer: RegistryWriter,
        signing_key: SigningKey,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._registry = registry
        self._writer = writer
        self._key = signing_key
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="anchoring", daemon=True)
        self.last_error: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        backoff = 0.05
        while not self._stop.is_set():
            try:
                busy = self.run_once()
                self.last_error = None
                backoff = 0.05
            except NansenError as exc:  # chain down, reverted, ...: keep everything queued, retry
                self.last_error = exc.message
                log.warning("anchoring pipeline will retry: %s", exc.message)
                busy = False
                backoff = min(backoff * 2, 5.0)
                self._stop.wait(backoff)
            if not busy:
                self._wake.wait(self._settings.batch_window_ms / 1000 / 2)
                self._wake.clear()

    # -- one pass ----------------------------------------------------------------------------------
    def run_once(self) -> bool:
        busy = self._reconcile()
        busy = self._cut_batch() or busy
        return self._send_status_changes() or busy

    def _reconcile(self) -> bool:
        with self._sessions() as session:
            pending = session.scalars(select(Batch).where(Batch.state == "sending")).all()
            for batch in pending:
                root = bytes.fromhex(batch.root)
                onchain = self._registry.batch(root)
                if onchain is None:
                    try:
                        batch.tx_hash = self._writer.anchor_batch(root, batch.count).tx_hash
                    except ContractRevertedError as exc:
                        if exc.error_name != "CredentialRegistryRootAlreadyAnchored":
                            raise
                    onchain = self._registry.batch(root)
                if onchain is None:
                    continue
                self._finish(session, batch, root)
                session.commit()
            return bool(pending)

    def _cut_batch(self) -> bool:
        with self._sessions() as session:
            queued = session.scalars(
                select(Credential)
                .where(Credential.state == "queued")
                .order_by(Credential.created_at)
                .limit(self._settings.batch_size)
            ).all()
            if not queued:
                return False
            window_over = self._clock() - queued[0].created_at >= self._settings.batch_window_ms / 1000
            if len(queued) < self._settings.batch_size and not window_over:
                return False
            tree = build_tree([bytes.fromhex(c.leaf) for c in queued])
            batch = Batch(root=tree.root.hex(), count=len(queued), state="sending", created_at=self._clock())
            session.add(batch)
            session.flush()
            for position, credential in enumerate(queued):
                credential.state, credential.batch_id, credential.batch_position = (
                    "batched",
                    batch.id,
                    position,
                )
            session.commit()  # the batch is durable before anything goes to the chain
            receipt = self._writer.anchor_batch(tree.root, len(queued))
            batch.tx_hash = receipt.tx_hash
            self._finish(session, batch, tree.root)
            session.commit()
            log.info("anchored a batch of %d in tx %s", len(queued), receipt.tx_hash)
            return True

    def _finish(self, session: Session, batch: Batch, root: bytes) -> None:
        members = session.scalars(
            select(Credential).where(Credential.batch_id == batch.id).order_by(Credential.batch_position)
        ).all()
        tree = build_tree([bytes.fromhex(c.leaf) for c in members])
        if tree.root != root:
            raise NansenError(f"batch {batch.id} members no longer give its root")
        deployment = self._registry.deployment
        for position, credential in enumerate(members):
            if credential.state != "batched" or credential.pending_payload is None:
                continue
            issued = complete_credential(
                _prepared(credential),
                chain_id=deployment.chain_id,
                registry=deployment.credential_registry,
                root=root,
                proof=tree.proof(position),
                signer_key=self._key.key,
                kid=self._key.kid,
            )
            credential.issued = issued.compact
            credential.pending_payload = None  # the signed credential holds it now
            credential.state = "ready"
        batch.state, batch.confirmed_at = "confirmed", self._clock()

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
            receipt = self._writer.set_statuses(
                [credentials[ch.credential_id].status_index for ch in ordered],
                [STATUS_CODES[ch.status] for ch in ordered],
            )
            for change in changes:
                change.state, change.tx_hash = "done", receipt.tx_hash
            for change in ordered:
                credentials[change.credential_id].status = change.status
            session.commit()
            return True


def _prepared(credential: Credential) -> PreparedCredential:
    payload: dict[str, Any] = dict(credential.pending_payload or {})
    disclosures = tuple(
        parse_disclosure(encoded, max_bytes=64 * 1024, max_depth=16) for encoded in payload["disclosures"]
    )
    return PreparedCredential(
        PreparedSdJwt(dict(payload["body"]), disclosures), bytes.fromhex(credential.leaf)
    )
