"""Registering a person: their claims checked against the type's schema, an offer created; and the
offer's progress as staff watch it (waiting, redeemed, anchoring, delivered)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.credential_types import CredentialType
from issuer.issuance import IssuanceFlow
from issuer.models import Credential, Offer
from issuer.services.errors import InvalidClaims, NotFound

Progress = Literal["waiting", "redeemed", "anchoring", "delivered", "expired", "locked"]


@dataclass(frozen=True)
class NewOffer:
    id: str
    uri: str  # openid-credential-offer://…; holds the pre-authorized code: show it, never log it
    offer: dict[str, Any]
    tx_code: str  # said aloud to the person; never in the QR code
    expires_at: int


@dataclass(frozen=True)
class OfferProgress:
    offer_id: str
    progress: Progress
    expires_at: int
    credential_id: str | None

    @property
    def final(self) -> bool:
        return self.progress in ("delivered", "expired", "locked")


def credential_type(types: dict[str, CredentialType], type_id: str) -> CredentialType:
    kind = types.get(type_id)
    if kind is None:
        raise NotFound(f"Unknown credential type. Known: {', '.join(sorted(types))}.")
    return kind


def create_offer(
    session: Session,
    *,
    flow: IssuanceFlow,
    types: dict[str, CredentialType],
    staff_id: int,
    credential_type_id: str,
    claims: Any,
) -> NewOffer:
    """Checks the claims against the type's JSON Schema and creates the offer (committed)."""
    kind = credential_type(types, credential_type_id)
    fields = kind.field_errors(claims)
    if fields:
        # names the fields, never their values (they are personal data)
        raise InvalidClaims(
            f"These claims are missing or invalid: {', '.join(sorted(fields))}.", fields=fields
        )
    offer, message, tx_code = flow.create_offer(
        session, staff_id=staff_id, credential_type=kind.id, claims=claims
    )
    session.commit()
    return NewOffer(offer.id, message.to_uri(), message.to_json(), tx_code, int(offer.expires_at))


def offer_progress(session: Session, *, offer_id: str, tx_code_attempts: int) -> OfferProgress:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("No offer with this id.")
    credential = session.scalar(select(Credential).where(Credential.offer_id == offer_id))
    progress: Progress
    if credential is not None:
        progress = "delivered" if credential.state == "delivered" else "anchoring"
    elif offer.state == "redeemed":
        progress = "redeemed"
    elif offer.state == "dead" and offer.tx_code_failures >= tx_code_attempts:
        progress = "locked"
    elif offer.state == "dead" or offer.expires_at < time.time():
        progress = "expired"
    else:
        progress = "waiting"
    return OfferProgress(offer.id, progress, int(offer.expires_at), credential.id if credential else None)
