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

    def to_json(self) -> dict[str, Any]:
        grant: dict[str, Any] = {"pre-authorized_code": self.pre_authorized_code}
        if self.tx_code_length:
            grant["tx_code"] = {"input_mode": "numeric", "length": self.tx_code_length}
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
                raise invalid_request("offers by reference (credential_offer_uri) are not supported")
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
    if tx_code is not None:
        if not isinstance(tx_code, Mapping):
            raise invalid_request("the offer's tx_code is malformed")
        length = tx_code.get("length") if isinstance(tx_code.get("length"), int) else None
        description = str(tx_code.get("description", ""))[:300]
    return CredentialOffer(
        issuer, tuple(ids), grant["pre-authorized_code"], length or (6 if tx_code else None), description
    )


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise invalid_request("the credential offer is not valid JSON") from exc
