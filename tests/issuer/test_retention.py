"""Personal data past its time is deleted: unredeemed offers at expiry, locked offers, and delivered
credentials once the retention period ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg import reset_schema
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from issuer.db import make_engine, migrate, session_factory
from issuer.models import Credential, Offer, Staff
from issuer.retention import purge_personal_data

NOW = 1_800_000_000.0
CLAIMS = {"given_name": "Amina"}


def _offer(session: Session, offer_id: str, *, state: str, expires_at: float) -> None:
    session.execute(
        insert(Offer).values(
            id=offer_id,
            code_sha256=offer_id.ljust(64, "0"),
            tx_code_sha256="0" * 64,
            tx_code_failures=0,
            credential_type="refugee_identity",
            claims=CLAIMS,
            state=state,
            created_by=1,
            created_at=0,
            expires_at=expires_at,
        )
    )


def _credential(session: Session, offer_id: str, *, index: int, delivered_at: float) -> None:
    session.execute(
        insert(Credential).values(
            id=f"c-{offer_id}",
            offer_id=offer_id,
            credential_type="refugee_identity",
            status_index=index,
            status="valid",
            state="delivered",
            leaf="00" * 32,
            transaction_id=f"t-{offer_id}",
            issued="signed.credential~",
            created_at=0,
            delivered_at=delivered_at,
        )
    )


@pytest.fixture()
def sessions(tmp_path: Path, database_url: str) -> Iterator[sessionmaker[Session]]:
    if database_url:
        reset_schema(database_url)
    engine = make_engine(database_url or f"sqlite:///{tmp_path / 'issuer.sqlite'}")
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        session.add(Staff(id=1, name="a", role="admin", token_sha256="0" * 64, active=True, created_at=0))
        session.commit()
        _offer(session, "expired", state="offered", expires_at=NOW - 1)
        _offer(session, "current", state="offered", expires_at=NOW + 60)
        _offer(session, "locked", state="dead", expires_at=NOW + 60)
        _offer(session, "old-delivery", state="redeemed", expires_at=NOW + 60)
        _offer(session, "new-delivery", state="redeemed", expires_at=NOW + 60)
        _credential(session, "old-delivery", index=1, delivered_at=NOW - 7200)
        _credential(session, "new-delivery", index=2, delivered_at=NOW - 60)
        session.commit()
    yield sessions
    engine.dispose()


def test_purge_deletes_what_is_past_its_time(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert purge_personal_data(session, now=NOW, retention_seconds=3600) == 4
        claims = dict(tuple(r) for r in session.execute(select(Offer.id, Offer.claims)))
        issued = dict(tuple(r) for r in session.execute(select(Credential.offer_id, Credential.issued)))
    assert claims == {
        "expired": None,
        "current": CLAIMS,
        "locked": None,
        "old-delivery": None,
        "new-delivery": CLAIMS,
    }
    assert issued == {"old-delivery": None, "new-delivery": "signed.credential~"}
    with sessions() as session:
        assert purge_personal_data(session, now=NOW, retention_seconds=3600) == 0  # idempotent
        state = session.scalar(select(Offer.state).where(Offer.id == "expired"))
    assert state == "dead"  # an expired offer can no longer be redeemed either


def test_claims_nothing_can_redeem_any_more_are_deleted(sessions: sessionmaker[Session]) -> None:
    """A wallet stopped after /token, or never came back for its credential: once the access token
    has expired, the claims and the sealed credential go (the key went with the token)."""
    with sessions() as session:
        for offer_id, token_expires_at in [("stopped", NOW - 1), ("waiting", NOW + 60)]:
            _offer(session, offer_id, state="redeemed", expires_at=NOW + 60)
            session.execute(
                update(Offer).where(Offer.id == offer_id).values(token_expires_at=token_expires_at)
            )
        _offer(session, "deferred", state="redeemed", expires_at=NOW + 60)
        session.execute(update(Offer).where(Offer.id == "deferred").values(token_expires_at=NOW - 1))
        _credential(session, "deferred", index=3, delivered_at=NOW - 60)
        session.execute(
            update(Credential)
            .where(Credential.offer_id == "deferred")
            .values(state="ready", delivered_at=None, sealed_disclosures="sealed")
        )
        session.commit()
        purge_personal_data(session, now=NOW, retention_seconds=0)
        claims = dict(tuple(r) for r in session.execute(select(Offer.id, Offer.claims)))
        deferred = session.execute(
            select(Credential.issued, Credential.sealed_disclosures).where(Credential.offer_id == "deferred")
        ).one()
    assert claims["stopped"] is None and claims["deferred"] is None
    assert claims["waiting"] == CLAIMS  # its wallet can still ask for the credential
    assert tuple(deferred) == (None, None)


def test_a_retention_period_keeps_the_key_until_it_ends(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        for offer_id, index, delivered_at in [("kept", 3, NOW - 60), ("ended", 4, NOW - 7200)]:
            _offer(session, offer_id, state="redeemed", expires_at=NOW + 60)
            session.execute(
                update(Offer)
                .where(Offer.id == offer_id)
                .values(token_expires_at=NOW - 1, retained_key="k" * 43)  # the token has expired
            )
            _credential(session, offer_id, index=index, delivered_at=delivered_at)
        session.commit()
        purge_personal_data(session, now=NOW, retention_seconds=3600)
        kept = dict(tuple(r) for r in session.execute(select(Offer.id, Offer.retained_key)))
        claims = dict(tuple(r) for r in session.execute(select(Offer.id, Offer.claims)))
    assert (kept["kept"], claims["kept"]) == ("k" * 43, CLAIMS)
    assert (kept["ended"], claims["ended"]) == (None, None)
