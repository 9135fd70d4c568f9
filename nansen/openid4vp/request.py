"""Unsigned by-value authorization requests (client identifier prefix ``redirect_uri``) and
direct_post responses.

With the ``redirect_uri`` prefix the request is not signed, the client_id is the prefix plus the
response URI, and the Key Binding JWT's ``aud`` must equal that client_id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from nansen.endpoint_url import is_secure_endpoint
from nansen.openid4vp.dcql import DcqlQuery, parse_query
from nansen.openid4vp.errors import PresentationProtocolError

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
        return params

    def to_uri(self) -> str:
        return SCHEME + "?" + urlencode(self.parameters())


def new_request(
    *, response_uri: str, nonce: str, state: str, dcql_query: DcqlQuery, purpose: str = ""
) -> PresentationRequest:
    return PresentationRequest(
        CLIENT_ID_PREFIX + response_uri, response_uri, nonce, state, dcql_query, purpose
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
    return PresentationRequest(
        client_id,
        response_uri,
        text("nonce"),
        state,
        parse_query(dcql),
        purpose if isinstance(purpose, str) else "",
    )


def vp_token_form(request: PresentationRequest, presentations: Mapping[str, str]) -> dict[str, str]:
    """The direct_post form body: vp_token maps each credential query id to its presentations."""
    token = {query_id: [presentation] for query_id, presentation in presentations.items()}
    form = {"vp_token": json.dumps(token, separators=(",", ":"))}
    return form | ({"state": request.state} if request.state else {})


def parse_vp_token(unverified: Any, query: DcqlQuery) -> dict[str, str]:
    """One presentation per credential query id, from a posted vp_token (JSON text or object)."""
    try:
        token = json.loads(unverified) if isinstance(unverified, str) else unverified
    except ValueError as exc:
        raise PresentationProtocolError("vp_token is not JSON") from exc
    if not isinstance(token, Mapping):
        raise PresentationProtocolError("vp_token must be an object keyed by credential query id")
    out: dict[str, str] = {}
    for credential in query.credentials:
        entries = token.get(credential.id)
        if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], str):
            raise PresentationProtocolError(f"vp_token needs exactly one presentation for {credential.id!r}")
        out[credential.id] = entries[0]
    unknown = set(token) - {c.id for c in query.credentials}
    if unknown:
        raise PresentationProtocolError("vp_token answers a credential query that was not asked")
    return out
