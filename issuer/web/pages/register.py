"""Registering a person: the form from the credential type, then the offer to hand over (a large QR
code, the spoken code, the expiry) and its delivery progress, which updates itself."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections import OrderedDict
from datetime import date

from fastapi import APIRouter
from fastapi.responses import Response

from issuer.services.errors import InvalidClaims, NotFound
from issuer.services.offers import NewOffer, OfferProgress, create_offer, credential_type, offer_progress
from issuer.web.context import PREFIX, ConsoleRefusal, Form, PollingVisit, StaffVisit, Visit, checked_form
from issuer.web.forms import claims_from_form, error_messages, form_fields
from nansen.qr import QrCode

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DEFAULT_TYPE = "refugee_identity"
POLL_SECONDS = 2


class _RecentOffers:
    """Offers this process just showed, by session and form submission: reloading the offer page
    (which re-sends the form) shows the same offer again instead of creating a second one. In memory,
    bounded, and only to the session that created it."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[str, str], NewOffer] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> NewOffer | None:
        with self._lock:
            found = self._items.get(key)
            return found if found is not None and found.expires_at > time.time() else None

    def put(self, key: tuple[str, str], offer: NewOffer) -> None:
        with self._lock:
            self._items[key] = offer
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_recent = _RecentOffers()


def _form_page(
    visit: Visit, *, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    kind = credential_type(visit.state.types, DEFAULT_TYPE)
    fields = form_fields(kind, visit.language, visit._)
    return visit.page(
        "register.html",
        status=status,
        page_title=visit._("Register a person"),
        fields=fields,
        labels={f.name: f.label for f in fields},
        values=values,
        errors=errors,
        submission=secrets.token_urlsafe(12),
    )


@router.get("/register")
def register_form(visit: StaffVisit) -> Response:
    return _form_page(visit, values={"registration_date": date.today().isoformat()}, errors={})


@router.post("/register")
def register(visit: StaffVisit, form: Form) -> Response:
    fields = checked_form(visit, form)
    assert visit.staff is not None
    key = (visit.web.sid, fields.get("submission", "")[:40])
    new = _recent.get(key) if key[1] else None
    if new is None:
        kind = credential_type(visit.state.types, DEFAULT_TYPE)
        try:
            new = create_offer(
                visit.db,
                flow=visit.state.flow,
                types=visit.state.types,
                staff_id=visit.staff.id,
                credential_type_id=kind.id,
                claims=claims_from_form(kind, fields),
            )
        except InvalidClaims as exc:
            return _form_page(
                visit, values=fields, errors=error_messages(kind, exc.fields, visit._), status=422
            )
        if key[1]:
            _recent.put(key, new)
    png = QrCode(new.uri).png(box_size=1)  # one pixel a module; the page scales it up sharply
    return visit.page(
        "offer.html",
        page_title=visit._("Hand over the credential"),
        offer=new,
        qr_data=base64.b64encode(png).decode(),
        progress=offer_progress(
            visit.db, offer_id=new.id, tx_code_attempts=visit.state.settings.tx_code_attempts
        ),
        poll_seconds=POLL_SECONDS,
        now=time.time(),
    )


def _progress(visit: Visit, offer_id: str) -> OfferProgress:
    try:
        return offer_progress(
            visit.db, offer_id=offer_id, tx_code_attempts=visit.state.settings.tx_code_attempts
        )
    except NotFound as exc:
        raise ConsoleRefusal(
            404, visit._("Offer not found"), visit._("There is no offer with this id.")
        ) from exc


@router.get("/offers/{offer_id}")
def offer_state_page(offer_id: str, visit: StaffVisit) -> Response:
    """Without JavaScript: the delivery progress, refreshed by following the page's own link."""
    return visit.page(
        "offer_state_page.html",
        page_title=visit._("Delivery progress"),
        progress=_progress(visit, offer_id),
        now=time.time(),
    )


@router.get("/offers/{offer_id}/progress")
def offer_state_fragment(offer_id: str, visit: PollingVisit) -> Response:
    """The progress block alone, fetched every few seconds by the offer page's script."""
    return visit.page(
        "offer_progress.html", page_title="", progress=_progress(visit, offer_id), now=time.time()
    )
