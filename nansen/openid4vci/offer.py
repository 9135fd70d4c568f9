"""Credential offers with a pre-authorized code and a transaction code (told to the holder aloud)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from nansen.endpoint_url import is_secure_endpoint
from nansen.openid4vci.errors import invalid_request

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"
MAX_OFFER_BYTES = 8 * 1024


@dataclass(frozen=True, slots=True)
class CredentialOffer:
    credential_issuer: str
    credential_configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    tx_code_length: int | None
    tx_code_description: str = ""
    # what the wallet read from an offer's tx_code object (§4.1.1): whether there is one at all (its
    # length is optional) and whether the code is digits only ("numeric", the default) or "text"
    tx_code_requested: bool = False
    tx_code_input_mode: str = "numeric"
    authorization_server: str | None = None

    def to_json(self) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.tx_code_length or self.tx_code_requested:
            grant["tx_code"] = {"input_mode": self.tx_code_input_mode}
            if self.tx_code_length:
                grant["tx_code"]["length"] = self.tx_code_length
            if self.tx_code_description:
                grant["tx_code"]["description"] = self.tx_code_description
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.credential_configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }

    def to_uri(self) -> str:
        text = json.dumps(self.to_json(), separators=(",", ":"))
        return f"{OFFER_SCHEME}?credential_offer={quote(text, safe='')}"


def offer_reference(unverified: str) -> str | None:
    """The ``credential_offer_uri`` of an offer link (offer by reference, §4.1.3), None for an offer
    by value; refuses a reference the wallet may not fetch (https only, per nansen.endpoint_url)."""
    text = unverified.strip()
    if text.startswith("{") or len(text) > MAX_OFFER_BYTES:
        return None
    parts = urlsplit(text)
    values = parse_qs(parts.query).get("credential_offer_uri")
    if values is None or parts.scheme not in ("openid-credential-offer", "https", "haip"):
        return None
    if len(values) != 1 or "credential_offer" in parse_qs(parts.query):
        raise invalid_request("the link must have one credential_offer_uri and no credential_offer")
    if not is_secure_endpoint(values[0]):
        raise invalid_request(
            "the credential_offer_uri must be an https URL (plain http only to this machine)"
        )
    return values[0]


def parse_offer(unverified: str | Mapping[str, Any]) -> CredentialOffer:
    """An offer from its URI or its JSON (text or object); refuses anything it cannot use."""
    if isinstance(unverified, str):
        text = unverified.strip()
        if len(text) > MAX_OFFER_BYTES:
            raise invalid_request("the credential offer is too long")
        if text.startswith("{"):
            body: Any = _json(text)
        else:
            parts = urlsplit(text)
            if parts.scheme not in ("openid-credential-offer", "https", "haip"):
                raise invalid_request("this is not a credential offer link")
            query = parse_qs(parts.query)
            if "credential_offer_uri" in query:
                raise invalid_request("an offer by reference must be fetched first (offer_reference)")
            values = query.get("credential_offer")
            if not values or len(values) != 1:
                raise invalid_request("the link has no credential_offer")
            body = _json(values[0])
    else:
        body = unverified
    if not isinstance(body, Mapping):
        raise invalid_request("the credential offer is not a JSON object")
    issuer, ids = body.get("credential_issuer"), body.get("credential_configuration_ids")
    if not isinstance(issuer, str) or not is_secure_endpoint(issuer):
        raise invalid_request(
            "the offer's credential_issuer must be an https URL (plain http only to this machine), "
            "without user name"
        )
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise invalid_request("the offer names no credential configuration")
    grants = body.get("grants")
    grant = grants.get(PRE_AUTHORIZED_GRANT) if isinstance(grants, Mapping) else None
    if not isinstance(grant, Mapping) or not isinstance(grant.get("pre-authorized_code"), str):
        raise invalid_request("the offer has no pre-authorized code")
    tx_code = grant.get("tx_code")
    length = None
    description = ""
    input_mode = "numeric"
    if tx_code is not None:
        if not isinstance(tx_code, Mapping):
            raise invalid_request("the offer's tx_code is malformed")
        length = tx_code.get("length")
        if length is not None and (
            isinstance(length, bool) or not isinstance(length, int) or not 0 < length <= 64
        ):
            raise invalid_request("the offer's tx_code length must be a whole number from 1 to 64")
        input_mode = tx_code.get("input_mode", "numeric")
        if input_mode not in ("numeric", "text"):
            raise invalid_request("the offer's tx_code input_mode must be numeric or text")
        description = str(tx_code.get("description", ""))[:300]
    server = grant.get("authorization_server")
    if server is not None and not isinstance(server, str):
        raise invalid_request("the offer's authorization_server is not a URL")
    return CredentialOffer(
        issuer,
        tuple(ids),
        grant["pre-authorized_code"],
        length,
        description,
        tx_code_requested=tx_code is not None,
        tx_code_input_mode=input_mode,
        authorization_server=server,
    )


def check_tx_code(offer: CredentialOffer, unverified_code: str) -> None:
    """Refuses a transaction code the offer's tx_code object rules out, before it is sent: the
    issuer would only refuse it too, and count a try against the holder (§6.1, §4.1.1)."""
    if offer.tx_code_input_mode == "numeric" and not (
        unverified_code.isascii() and unverified_code.isdigit()
    ):
        raise invalid_request("the code must be digits only")
    if offer.tx_code_length is not None and len(unverified_code) != offer.tx_code_length:
        raise invalid_request(f"the code must have {offer.tx_code_length} characters")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise invalid_request("the credential offer is not valid JSON") from exc
