"""Unsigned by-value authorization requests (client identifier prefix ``redirect_uri``) and
direct_post responses.

With the ``redirect_uri`` prefix the request is not signed, the client_id is the prefix plus the
response URI, and the Key Binding JWT's ``aud`` must equal that client_id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from nansen.endpoint_url import is_secure_endpoint
from nansen.openid4vp.dcql import DcqlQuery, parse_query
from nansen.openid4vp.dcql_match import satisfied_by
from nansen.openid4vp.errors import PresentationProtocolError, TransactionDataError
from nansen.openid4vp.transaction_data import TransactionData, parse_transaction_data

SCHEME = "openid4vp://"
CLIENT_ID_PREFIX = "redirect_uri:"
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
MAX_REQUEST_URI_BYTES = 16 * 1024
CLIENT_METADATA = {
    "vp_formats_supported": {"dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}}
}


@dataclass(frozen=True, slots=True)
class PresentationRequest:
    client_id: str
    response_uri: str
    nonce: str
    state: str  # "" when the request has none (it is optional, OpenID4VP 1.0 section 5.2)
    dcql_query: DcqlQuery
    purpose: str = ""  # shown to the holder: why the verifier asks
    transaction_data: tuple[TransactionData, ...] = ()  # section 8.4

    @property
    def audience(self) -> str:
        """What the holder's KB-JWT ``aud`` must be."""
        return self.client_id

    def parameters(self) -> dict[str, str]:
        params = {
            "client_id": self.client_id,
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": json.dumps(self.dcql_query.to_json(), separators=(",", ":")),
            "client_metadata": json.dumps(CLIENT_METADATA, separators=(",", ":")),
        }
        if self.purpose:
            params["purpose"] = self.purpose
        if self.transaction_data:
            params["transaction_data"] = json.dumps([e.encoded for e in self.transaction_data])
        return params

    def to_uri(self) -> str:
        return SCHEME + "?" + urlencode(self.parameters())


def new_request(
    *,
    response_uri: str,
    nonce: str,
    state: str,
    dcql_query: DcqlQuery,
    purpose: str = "",
    transaction_data: tuple[TransactionData, ...] = (),
) -> PresentationRequest:
    return PresentationRequest(
        CLIENT_ID_PREFIX + response_uri, response_uri, nonce, state, dcql_query, purpose, transaction_data
    )


def parse_request_uri(unverified_uri: str) -> PresentationRequest:
    """A request from an ``openid4vp://?...`` URI (the holder side)."""
    return parse_request_parameters(request_link_parameters(unverified_uri))


def request_link_parameters(unverified_uri: str) -> dict[str, str]:
    """The parameters of an ``openid4vp://?...`` link, each given once."""
    if not isinstance(unverified_uri, str) or len(unverified_uri) > MAX_REQUEST_URI_BYTES:
        raise PresentationProtocolError("the presentation request is missing or too long")
    parts = urlsplit(unverified_uri.strip())
    if parts.scheme not in ("openid4vp", "https", "haip") or not parts.query:
        raise PresentationProtocolError("this is not an OpenID4VP request link")
    raw = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    if any(len(v) != 1 for v in raw.values()):
        raise PresentationProtocolError("a request parameter appears more than once")
    return {k: v[0] for k, v in raw.items()}


def parse_request_parameters(
    unverified: Mapping[str, Any], *, signed_client_id: str | None = None
) -> PresentationRequest:
    """The request from its parameters: those of an unsigned ``redirect_uri:`` link, or, with
    ``signed_client_id``, those inside a request object whose signature and client identifier
    were checked (nansen.openid4vp.request_object)."""

    def text(name: str) -> str:
        value = unverified.get(name)
        if not isinstance(value, str) or not value:
            raise PresentationProtocolError(f"the request has no {name}")
        return value

    if "request_uri" in unverified or "request" in unverified:
        raise PresentationProtocolError("signed or by-reference request objects are not supported")
    if text("response_type") != "vp_token" or text("response_mode") not in RESPONSE_MODES:
        raise PresentationProtocolError(
            "only response_type vp_token with response_mode direct_post or direct_post.jwt is supported"
        )
    if "redirect_uri" in unverified:  # section 8.2: never beside a response_uri
        raise PresentationProtocolError("a direct_post request must not have a redirect_uri")
    client_id, response_uri = text("client_id"), text("response_uri")
    if signed_client_id is not None:
        if client_id != signed_client_id:
            raise PresentationProtocolError("the client_id is not the one the signature was checked for")
    elif client_id != CLIENT_ID_PREFIX + response_uri:
        raise PresentationProtocolError("client_id must be redirect_uri: followed by the response_uri")
    if not is_secure_endpoint(response_uri):
        raise PresentationProtocolError(
            "the response_uri must be an https URL (plain http only to this machine), without user name"
        )
    raw_query = unverified.get("dcql_query")
    try:
        dcql = json.loads(raw_query) if isinstance(raw_query, str) else raw_query
    except ValueError as exc:
        raise PresentationProtocolError("dcql_query is not JSON") from exc
    purpose, state = unverified.get("purpose", ""), unverified.get("state", "")
    if not isinstance(state, str):  # optional (section 5.2); "" stands for none
        raise PresentationProtocolError("the request's state is not a string")
    query = parse_query(dcql)
    nonce = text("nonce")
    try:
        transaction_data = parse_transaction_data(unverified.get("transaction_data"), query)
    except TransactionDataError as exc:
        # the request is otherwise sound: the wallet can tell the verifier why it refuses it
        exc.response_uri, exc.state = response_uri, state
        raise
    return PresentationRequest(
        client_id,
        response_uri,
        nonce,
        state,
        query,
        purpose if isinstance(purpose, str) else "",
        transaction_data,
    )


def vp_token_form(
    request: PresentationRequest, presentations: Mapping[str, str | Sequence[str]]
) -> dict[str, str]:
    """The direct_post form body: vp_token maps each credential query id to an array of its
    presentations (section 8.1)."""
    token = {
        query_id: [answer] if isinstance(answer, str) else list(answer)
        for query_id, answer in presentations.items()
    }
    form = {"vp_token": json.dumps(token, separators=(",", ":"))}
    return form | ({"state": request.state} if request.state else {})


def parse_vp_token(unverified: Any, query: DcqlQuery) -> dict[str, list[str]]:
    """The presentations per credential query id of a posted vp_token (JSON text or object):
    only ids the query has, an array of one presentation (several with ``multiple``), and
    enough queries answered to satisfy the query's required credential sets."""
    try:
        token = json.loads(unverified) if isinstance(unverified, str) else unverified
    except ValueError as exc:
        raise PresentationProtocolError("vp_token is not JSON") from exc
    if not isinstance(token, Mapping) or not token:
        raise PresentationProtocolError("vp_token must be a non-empty object keyed by credential query id")
    out: dict[str, list[str]] = {}
    for query_id, entries in token.items():
        credential = query.by_id(query_id)
        if credential is None:
            raise PresentationProtocolError(
                f"vp_token answers a credential query that was not asked: {query_id!r}"[:200]
            )
        if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
            raise PresentationProtocolError(f"vp_token[{query_id!r}] must be an array of presentations")
        if len(entries) > 1 and not credential.multiple:
            raise PresentationProtocolError(
                f"vp_token[{query_id!r}] has several presentations without multiple"
            )
        out[query_id] = list(entries)
    if not satisfied_by(query, set(out)):
        raise PresentationProtocolError("vp_token leaves out a credential query the request requires")
    return out
