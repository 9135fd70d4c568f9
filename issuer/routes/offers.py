"""Offers: an officer registers a person's claims and gets an OpenID4VCI offer to hand over."""

from __future__ import annotations

import base64

from fastapi import APIRouter

from issuer.deps import CurrentStaff, SessionDep, StateDep
from issuer.schemas import OfferCreate, OfferPublic
from issuer.services.offers import create_offer as register_person
from nansen.qr import QrCode

router = APIRouter(tags=["offers"])


@router.post("/offers", status_code=201)
def create_offer(
    body: OfferCreate, state: StateDep, session: SessionDep, staff: CurrentStaff, qr: bool = True
) -> OfferPublic:
    """``?qr=false`` skips the QR renderings (about 30 ms each) for systems that draw their own."""
    new = register_person(
        session,
        flow=state.flow,
        types=state.types,
        staff_id=staff.id,
        credential_type_id=body.credential_type,
        claims=body.claims,
    )
    code = QrCode(new.uri) if qr else None
    return OfferPublic(
        id=new.id,
        offer_uri=new.uri,
        offer=new.offer,
        tx_code=new.tx_code,
        qr_text=code.text() if code else None,
        qr_png_base64=base64.b64encode(code.png()).decode() if code else None,
        expires_at=new.expires_at,
    )
