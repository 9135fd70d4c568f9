"""The issuer's health for staff: the chain link, the queues, the last anchoring, the signing key's
registration on chain. The chain is asked live (one block-number and one key read), so a page shows
what is true now; every failure becomes a sentence, never an error page."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from issuer.chain_link import ChainLink
from issuer.keys import SigningKey
from issuer.models import Batch, Credential, StatusChange
from nansen.errors import ChainError


@dataclass(frozen=True)
class ChainView:
    connected: bool
    chain_id: int | None = None
    block: int | None = None
    issuer_address: str | None = None
    problem: str | None = None  # technical, no personal data


@dataclass(frozen=True)
class KeyView:
    kid: str
    registered: bool | None  # None: not known (chain unreachable or the pipeline is off)
    valid_now: bool | None
    valid_from: int | None = None
    retired_at: int | None = None


@dataclass(frozen=True)
class Health:
    pipeline_enabled: bool
    pipeline_error: str | None
    queued_credentials: int
    queued_status_changes: int
    last_batch_at: int | None
    last_batch_count: int | None
    last_batch_tx: str | None
    chain: ChainView
    key: KeyView

    @property
    def ok(self) -> bool:
        return (
            self.pipeline_enabled
            and self.pipeline_error is None
            and self.chain.connected
            and bool(self.key.valid_now)
        )


def issuer_health(
    session: Session, *, chain: ChainLink | None, signing_key: SigningKey, pipeline_error: str | None
) -> Health:
    queued = session.scalar(
        select(func.count()).select_from(Credential).where(Credential.state.in_(("queued", "batched")))
    )
    changes = session.scalar(
        select(func.count()).select_from(StatusChange).where(StatusChange.state == "queued")
    )
    last = session.scalars(
        select(Batch).where(Batch.state == "confirmed").order_by(Batch.confirmed_at.desc()).limit(1)
    ).first()
    view, key = _chain_and_key(chain, signing_key)
    return Health(
        pipeline_enabled=chain is not None,
        pipeline_error=pipeline_error,
        queued_credentials=queued or 0,
        queued_status_changes=changes or 0,
        last_batch_at=int(last.confirmed_at) if last and last.confirmed_at else None,
        last_batch_count=last.count if last else None,
        last_batch_tx=last.tx_hash if last else None,
        chain=view,
        key=key,
    )


def _chain_and_key(chain: ChainLink | None, signing_key: SigningKey) -> tuple[ChainView, KeyView]:
    unknown_key = KeyView(signing_key.kid, None, None)
    if chain is None:
        return ChainView(False, problem="the anchoring worker is off in this process"), unknown_key
    try:
        link = chain.get()
        block = int(link.registry.connection.rpc("eth_blockNumber", []), 16)
        record = link.registry.signing_key(chain.address, signing_key.kid_bytes)
    except ChainError as exc:
        return ChainView(False, issuer_address=chain.address, problem=exc.message), unknown_key
    registered = record.valid_from != 0
    return (
        ChainView(True, chain.deployment.chain_id, block, chain.address),
        KeyView(
            signing_key.kid,
            registered,
            registered and record.valid_at(int(time.time())),
            record.valid_from or None,
            record.retired_at or None,
        ),
    )
