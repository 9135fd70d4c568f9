"""The wallet-facing request_uri endpoint: the signed request object, by GET (RFC 9101 §5.2) or by
POST with the wallet's metadata and nonce (OpenID4VP 1.0 §5.10). Public, addressed by an unguessable
id; refusals are OAuth-style error objects, and any of them makes the wallet stop (§5.10.2)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Response

from nansen.openid4vp.errors import PresentationProtocolError
from verifier.deps import StateDep
from verifier.problems import oauth_error
from verifier.request_objects import (
    MAX_WALLET_METADATA_CHARS,
    checked_wallet_nonce,
    signed_request_object,
    wallet_audience,
)
from verifier.request_signing import REQUEST_OBJECT_MEDIA_TYPE

router = APIRouter(prefix="/wallet", tags=["wallet"])


@router.get("/requests/{request_id}", response_class=Response)
def get_request_object(request_id: str, state: StateDep) -> Response:
    return _request_object(state, request_id, wallet_metadata=None, wallet_nonce=None)


@router.post("/requests/{request_id}", response_class=Response)
def post_request_object(
    request_id: str,
    state: StateDep,
    wallet_metadata: Annotated[str | None, Form(max_length=MAX_WALLET_METADATA_CHARS)] = None,
    wallet_nonce: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    """§5.10: other form parameters are ignored, as the spec asks."""
    return _request_object(state, request_id, wallet_metadata=wallet_metadata, wallet_nonce=wallet_nonce)


def _request_object(
    state: StateDep, request_id: str, *, wallet_metadata: str | None, wallet_nonce: str | None
) -> Response:
    signer = state.request_signer
    if signer is None:
        return oauth_error(
            404, "invalid_request_uri", "This verifier sends its requests by value, not by reference."
        )
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return oauth_error(404, "invalid_request_uri", "This presentation request does not exist.")
    if stored.state != "pending":
        return oauth_error(410, "invalid_request_uri", "This presentation request was already answered.")
    if stored.expires_at < time.time():
        return oauth_error(410, "invalid_request_uri", "This presentation request has expired.")
    try:
        audience = wallet_audience(wallet_metadata)
        nonce = checked_wallet_nonce(wallet_nonce)
    except PresentationProtocolError as exc:
        return oauth_error(400, "invalid_request", exc.user_message)
    token = signed_request_object(state, signer, stored, audience=audience, wallet_nonce=nonce)
    return Response(token, media_type=REQUEST_OBJECT_MEDIA_TYPE, headers={"Cache-Control": "no-store"})
