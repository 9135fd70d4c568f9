"""Where a wallet sends each OpenID4VCI request: read from the Credential Issuer Metadata (OpenID4VCI
1.0 §12.2) and the authorization server's metadata (RFC 8414), never guessed from the issuer's URL,
since an issuer may put its endpoints anywhere and its token endpoint on another server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from nansen.endpoint_url import is_secure_endpoint
from nansen.openid4vci.errors import invalid_request

ISSUER_WELL_KNOWN = "/.well-known/openid-credential-issuer"
AUTHORIZATION_SERVER_WELL_KNOWN = "/.well-known/oauth-authorization-server"


@dataclass(frozen=True, slots=True)
class IssuerEndpoints:
    credential: str
    nonce: str | None  # absent: the issuer wants no c_nonce in key proofs (§7.2)
    deferred: str | None
    notification: str | None


def well_known_url(identifier: str, well_known: str) -> str:
    """The metadata URL of an issuer or authorization server: the well-known segment goes between
    the host and the identifier's path (RFC 8414 §3.1, OpenID4VCI §12.2.2)."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"{well_known}{path}", "", ""))


def issuer_endpoints(unverified_metadata: Mapping[str, Any]) -> IssuerEndpoints:
    """The endpoints the Credential Issuer Metadata names; refuses metadata without a credential
    endpoint or with an endpoint that is not https (plain http only to this machine)."""
    credential = _endpoint(unverified_metadata, "credential_endpoint")
    if credential is None:
        raise invalid_request("the issuer's metadata names no credential_endpoint")
    return IssuerEndpoints(
        credential=credential,
        nonce=_endpoint(unverified_metadata, "nonce_endpoint"),
        deferred=_endpoint(unverified_metadata, "deferred_credential_endpoint"),
        notification=_endpoint(unverified_metadata, "notification_endpoint"),
    )


def authorization_server(
    unverified_metadata: Mapping[str, Any], *, credential_issuer: str, offered: str | None
) -> str:
    """The authorization server to ask for a token: the one the offer names (it must be one the
    issuer lists), else the first the issuer lists, else the issuer itself (§12.2.4)."""
    listed = unverified_metadata.get("authorization_servers")
    if listed is None:
        servers = [credential_issuer]
    elif isinstance(listed, list) and listed and all(isinstance(s, str) for s in listed):
        servers = listed
    else:
        raise invalid_request("the issuer's authorization_servers is not a list of URLs")
    if offered is not None and offered not in servers:
        raise invalid_request("the offer names an authorization server the issuer does not list")
    chosen = offered or servers[0]
    if not is_secure_endpoint(chosen):
        raise invalid_request("the authorization server must be an https URL")
    return chosen


def token_endpoint(unverified_metadata: Mapping[str, Any], *, server: str) -> str:
    """The token endpoint of RFC 8414 metadata, which must be about the server it was asked of
    (§3.3: the ``issuer`` it states is the identifier the URL was built from)."""
    if unverified_metadata.get("issuer", server).rstrip("/") != server.rstrip("/"):
        raise invalid_request("the authorization server's metadata is about another server")
    endpoint = _endpoint(unverified_metadata, "token_endpoint")
    if endpoint is None:
        raise invalid_request("the authorization server's metadata names no token_endpoint")
    return endpoint


def holder_must_act(error: str) -> bool:
    """Whether a token error is about what the holder typed: only ``invalid_grant`` (wrong, used or
    expired pre-authorized code or tx_code, RFC 6749 §5.2 and OpenID4VCI §6.3) is; anything else is
    the issuer's or the wallet's doing, and telling the holder to check the code would mislead."""
    return error == "invalid_grant"


def _endpoint(metadata: Mapping[str, Any], name: str) -> str | None:
    value = metadata.get(name)
    if value is None:
        return None
    if not is_secure_endpoint(value):
        raise invalid_request(f"the metadata's {name} must be an https URL (plain http only to this machine)")
    assert isinstance(value, str)  # is_secure_endpoint accepts strings only
    return value
