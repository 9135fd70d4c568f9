"""Requests by reference (RFC 9101, OpenID4VP 1.0 §5): the link the officer shows carries only
``client_id``, ``request_uri`` and ``request_uri_method``; the wallet fetches the signed request
object from ``request_uri`` with GET, or with POST and its ``wallet_nonce`` (§5.10).

The request object is served as often as it is asked for while the request waits for its answer (a
wallet may fetch again after a network failure): every copy carries the same nonce, state and
response key, so serving it again gives nobody anything new, and the response it asks for is still
accepted once only. A wallet that sends a ``wallet_nonce`` gets a copy bound to it, which no copy
fetched by someone else can replace. Once the request is answered or expired it is no longer served.
"""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlencode

from nansen.crypto.errors import JsonError
from nansen.crypto.jsonstrict import loads_strict
from nansen.openid4vp.errors import PresentationProtocolError
from nansen.openid4vp.request import CLIENT_METADATA, SCHEME
from verifier.deps import ServiceState
from verifier.officer_query import unpack
from verifier.request_signing import RequestSigner
from verifier.response_encryption import encryption_metadata, new_response_key
from verifier.store import StoredRequest

# §5.8: the audience of a request object when the wallet's metadata is not known (static discovery)
STATIC_DISCOVERY_AUDIENCE = "https://self-issued.me/v2"
# a wallet nonce is echoed inside a signed object: printable ASCII only, and short
_WALLET_NONCE = re.compile(r"[\x21-\x7e]{1,200}")
MAX_WALLET_METADATA_CHARS = 20_000


def encrypts_responses(state: ServiceState) -> bool:
    return state.request_signer is not None and state.settings.response_mode == "direct_post.jwt"


def prepare_signed_request(state: ServiceState, request_id: str, expires_at: float) -> None:
    """What a signed request needs beyond the stored request: its response key, if it has one."""
    if encrypts_responses(state):
        new_response_key(state.store, request_id, expires_at)


def by_reference_link(state: ServiceState, signer: RequestSigner, request_id: str) -> str:
    params = {"client_id": signer.client_id, "request_uri": request_uri(state, request_id)}
    if state.settings.request_uri_method == "post":
        params["request_uri_method"] = "post"
    return SCHEME + "?" + urlencode(params)


def request_uri(state: ServiceState, request_id: str) -> str:
    return f"{state.settings.public_url.rstrip('/')}/wallet/requests/{request_id}"


def signed_request_object(
    state: ServiceState,
    signer: RequestSigner,
    stored: StoredRequest,
    *,
    audience: str = STATIC_DISCOVERY_AUDIENCE,
    wallet_nonce: str | None = None,
) -> str:
    """The request object (§5, RFC 9101 §4), signed; ``stored`` must be a pending request."""
    metadata: dict[str, Any] = dict(CLIENT_METADATA)
    response_mode = "direct_post"
    private_jwk = state.store.response_key(stored.id)
    if private_jwk is not None:
        metadata.update(encryption_metadata(private_jwk))
        response_mode = "direct_post.jwt"
    query, transaction_data = unpack(stored.query)
    payload: dict[str, Any] = {
        "iss": signer.client_id,  # RFC 9101 readers expect it; OpenID4VP wallets ignore it (§5)
        "aud": audience,
        "iat": int(time.time()),
        "exp": int(stored.expires_at),  # the nonce is good until then, and no longer
        "client_id": signer.client_id,
        "response_type": "vp_token",
        "response_mode": response_mode,
        "response_uri": f"{state.settings.public_url.rstrip('/')}/wallet/responses/{stored.id}",
        "nonce": stored.nonce,
        "state": stored.id,
        "dcql_query": query.to_json(),
        "client_metadata": metadata,
    }
    if stored.purpose:
        payload["purpose"] = stored.purpose
    if transaction_data:
        payload["transaction_data"] = [e.encoded for e in transaction_data]
    if wallet_nonce is not None:
        payload["wallet_nonce"] = wallet_nonce
    return signer.sign(payload)


def wallet_audience(unverified_metadata: str | None) -> str:
    """§5.8: the wallet's ``issuer`` from the metadata it posted (dynamic discovery), else the
    static discovery audience. Metadata that is not a JSON object is refused."""
    if unverified_metadata is None:
        return STATIC_DISCOVERY_AUDIENCE
    try:  # strict: bounded depth, no duplicate keys (json.loads would recurse on "[[[[...")
        metadata = loads_strict(unverified_metadata, max_bytes=MAX_WALLET_METADATA_CHARS)
    except JsonError as exc:
        raise PresentationProtocolError(
            "wallet_metadata is not JSON", user_message=f"wallet_metadata is not JSON ({exc.message})."
        ) from None
    if not isinstance(metadata, dict):
        raise PresentationProtocolError(
            "wallet_metadata is not an object", user_message="wallet_metadata must be a JSON object."
        )
    issuer = metadata.get("issuer")
    if isinstance(issuer, str) and 0 < len(issuer) <= 500 and issuer.isprintable():
        return issuer
    return STATIC_DISCOVERY_AUDIENCE


def checked_wallet_nonce(unverified: str | None) -> str | None:
    if unverified is not None and not _WALLET_NONCE.fullmatch(unverified):
        raise PresentationProtocolError(
            "wallet_nonce is not printable ASCII",
            user_message="wallet_nonce must be 1 to 200 printable ASCII characters.",
        )
    return unverified
