"""Online presentation requests, shared by the API routes and the officer console's pages."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from enum import StrEnum

from nansen.openid4vp.dcql import DcqlQuery
from nansen.openid4vp.request import new_request
from nansen.openid4vp.transaction_data import TransactionData
from verifier.deps import ServiceState
from verifier.officer_query import officer_query, pack, unpack
from verifier.request_objects import by_reference_link, prepare_signed_request
from verifier.store import StoredRequest


class Progress(StrEnum):
    """Where a request stands, as the officer sees it."""

    PENDING = "pending"  # waiting for the wallet
    ANSWERED = "answered"  # a result waits to be read
    EXPIRED = "expired"  # nobody answered in time, or the result expired unread
    READ = "read"  # the result was shown once and is gone
    UNKNOWN = "unknown"  # no such request


def create_online_request(
    state: ServiceState,
    *,
    credential_type: str = "",
    claims: Sequence[Sequence[str]] = (),
    purpose: str,
    query: DcqlQuery | None = None,
    transaction_data: tuple[TransactionData, ...] = (),
) -> tuple[StoredRequest, str]:
    """Stores a new request (for ``query``, else for the type and claims) and returns it with its
    ``openid4vp://`` link."""
    request_id = secrets.token_urlsafe(24)  # unguessable: the wallet-facing URL is addressed by it
    nonce = secrets.token_urlsafe(24)  # 192 bits, single use
    query = query or officer_query(credential_type=credential_type, claims=claims, dcql_query=None)
    request = new_request(
        response_uri=_response_uri(state, request_id),
        nonce=nonce,
        state=request_id,
        dcql_query=query,
        purpose=purpose,
        transaction_data=transaction_data,
    )
    signer = state.request_signer
    stored = state.store.add_request(
        request_id=request_id,
        kind="online",
        nonce=nonce,
        audience=request.audience if signer is None else signer.client_id,
        query=pack(query, transaction_data),
        purpose=purpose,
        ttl=state.settings.request_ttl_seconds,
    )
    if signer is None:
        return stored, request.to_uri()
    prepare_signed_request(state, request_id, stored.expires_at)
    return stored, by_reference_link(state, signer, request_id)


def online_request(state: ServiceState, request_id: str) -> tuple[StoredRequest, str] | None:
    """A stored online request and its link again (for its QR code), or None."""
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return None
    if state.request_signer is not None:
        return stored, by_reference_link(state, state.request_signer, request_id)
    query, transaction_data = unpack(stored.query)
    request = new_request(
        response_uri=_response_uri(state, request_id),
        nonce=stored.nonce,
        state=request_id,
        dcql_query=query,
        purpose=stored.purpose,
        transaction_data=transaction_data,
    )
    return stored, request.to_uri()


def progress(state: ServiceState, request_id: str) -> Progress:
    """Where the request stands, without reading (and so deleting) its result."""
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return Progress.UNKNOWN
    if stored.state == "pending":
        return Progress.EXPIRED if stored.expires_at < time.time() else Progress.PENDING
    if stored.state == "used":
        if state.store.has_result(request_id):
            return Progress.ANSWERED
        # answered but no result: still being verified, or its result expired unread
        late = stored.expires_at + state.settings.result_ttl_seconds < time.time()
        return Progress.EXPIRED if late else Progress.PENDING
    return Progress.READ if stored.state == "read" else Progress.UNKNOWN


def _response_uri(state: ServiceState, request_id: str) -> str:
    return f"{state.settings.public_url.rstrip('/')}/wallet/responses/{request_id}"
