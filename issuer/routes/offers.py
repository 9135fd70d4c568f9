"""Offers: an officer registers a person's claims and gets an OpenID4VCI offer to hand over."""

from __future__ import annotations

import base64

from fastapi import APIRouter, HTTPException

from issuer.deps import CurrentStaff, SessionDep, StateDep
from issuer.schemas import OfferCreate, OfferPublic
from nansen.qr import QrCode

router = APIRouter(tags=["offers"])


@router.post("/offers", status_code=201)
def create_offer(
    body: OfferCreate, state: StateDep, session: SessionDep, staff: CurrentStaff, qr: bool = True
) -> OfferPublic:
    """``?qr=false`` skips the QR renderings (about 30 ms each) for systems that draw their own."""
    kind = state.types.get(body.credential_type)
    if kind is None:
        raise HTTPException(422, f"Unknown credential type. Known: {', '.join(sorted(state.types))}.")
    invalid = kind.validation_errors(body.claims)
    if invalid:
        # names the fields, never their values (they are personal data)
        raise HTTPException(422, f"These claims are missing or invalid: {', '.join(invalid)}.")
    offer, message, tx_code = state.flow.create_offer(
        session, staff_id=staff.id, credential_type=kind.id, claims=body.claims
    )
    session.commit()
    uri = message.to_uri()
    code = QrCode(uri) if qr else None
    return OfferPublic(
        id=offer.id,
        offer_uri=uri,
        offer=message.to_json(),
        tx_code=tx_code,
        qr_text=code.text() if code else None,
        qr_png_base64=base64.b64encode(code.png()).decode() if code else None,
        expires_at=int(offer.expires_at),
    )
