"""Personal data is deleted on schedule, not only on the happy path.

Claims of an offer nobody redeemed are deleted once it expires (or is locked); with a retention
period above zero, the claims and the signed credential of a delivered credential are deleted when
that period ends. Run by the pipeline; each purge is one short transaction.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from issuer.models import Credential, Offer
from issuer.statements import rowcount


def purge_personal_data(session: Session, *, now: float, retention_seconds: int) -> int:
    """Deletes what is past its time; returns how many rows lost personal data."""
    offers = session.execute(
        update(Offer)
        .where(
            Offer.claims.is_not(None),
            or_(Offer.state == "dead", (Offer.state == "offered") & (Offer.expires_at < now)),
        )
        .values(claims=None, state="dead")
    )
    delivered_before = now - retention_seconds
    credentials = session.execute(
        update(Credential)
        .where(
            Credential.state == "delivered",
            Credential.issued.is_not(None),
            Credential.delivered_at < delivered_before,
        )
        .values(issued=None)
    )
    spent_offers = session.execute(
        update(Offer)
        .where(
            Offer.claims.is_not(None),
            Offer.id.in_(
                select(Credential.offer_id).where(
                    Credential.state == "delivered", Credential.delivered_at < delivered_before
                )
            ),
        )
        .values(claims=None)
    )
    session.commit()
    return sum(rowcount(r) for r in (offers, credentials, spent_offers))
