"""OpenID4VP errors; ``error`` is the protocol's error code where one applies."""

from __future__ import annotations

from nansen.errors import CredentialError


class PresentationProtocolError(CredentialError):
    error = "invalid_request"
    reason = "invalid_request"


class DcqlError(PresentationProtocolError):
    reason = "dcql_invalid"


class ClaimsMissingError(PresentationProtocolError):
    reason = "claims_missing"

    def __init__(self, missing: list[tuple[str | int | None, ...]]) -> None:
        names = ", ".join(".".join(str(p) for p in path) for path in missing)
        super().__init__(f"the credential lacks requested claims: {names}")
        self.missing = missing
