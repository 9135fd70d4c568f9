"""Personal data is deleted on schedule, not only on the happy path.

Claims of an offer nobody redeemed are deleted once it expires (or is locked). Claims of a redeemed
offer, and its sealed credential, are deleted once its access token has expired: nothing can redeem
them any more (a wallet that stopped after /token, or never came back for a deferred credential),
and the key they are sealed under (issuer/sealed.py) went with the token. With a retention period
above zero, the claims, the signed credential and the key kept for them are deleted when that period
ends after delivery. Run by the pipeline; each purge is one short transaction.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select, update
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
    delivered_before = (
        select(Credential.offer_id)
        .where(Credential.state == "delivered", Credential.delivered_at < now - retention_seconds)
        .correlate(None)
    )  # a list of its own, also inside the UPDATE of credentials
    spent = (
        select(Offer.id)
        .where(
            or_(
                # nothing can redeem it: the access token has expired, and no retention keeps its claims
                and_(Offer.token_expires_at < now, Offer.retained_key.is_(None)),
                # the retention period the claims were kept for has ended
                and_(Offer.retained_key.is_not(None), Offer.id.in_(delivered_before)),
                # delivered before sealing existed (no token expiry was recorded), retention over
                and_(Offer.token_expires_at.is_(None), Offer.id.in_(delivered_before)),
            )
        )
        .correlate(None)
    )
    credentials = session.execute(
        update(Credential)
        .where(
            or_(Credential.issued.is_not(None), Credential.sealed_disclosures.is_not(None)),
            Credential.offer_id.in_(spent),
        )
        .values(issued=None, sealed_disclosures=None)
    )
    spent_offers = session.execute(
        update(Offer)
        .where(or_(Offer.claims.is_not(None), Offer.retained_key.is_not(None)), Offer.id.in_(spent))
        .values(claims=None, retained_key=None)
    )
    session.commit()
    return sum(rowcount(r) for r in (offers, credentials, spent_offers))
