"""OpenID4VP errors; ``error`` is the protocol's error code where one applies.

PresentationProtocolError (invalid_request)
├── DcqlError                  the DCQL query itself is malformed (section 6)
├── ClaimPathError             a claims path pointer cannot be processed on a credential (section 7)
├── ClaimsMissingError         a presentation lacks requested claims
├── QueryUnsatisfiableError    the wallet cannot answer a required credential query (section 6.4.2)
└── TransactionDataError       invalid_transaction_data (section 8.4, 8.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nansen.errors import CredentialError


@dataclass(frozen=True, slots=True)
class Miss:
    """Why one held credential does not answer one credential query: a stable ``code``
    ("format", "type", "holder_binding", "untrusted_issuer", "claim_missing", "value_mismatch",
    or the holder side's own, e.g. "unusable") and the claim path or detail it concerns."""

    code: str
    credential_id: str = ""
    path: tuple[Any, ...] = ()
    detail: str = ""


class PresentationProtocolError(CredentialError):
    error = "invalid_request"
    reason = "invalid_request"


class DcqlError(PresentationProtocolError):
    reason = "dcql_invalid"


class ClaimPathError(PresentationProtocolError):
    reason = "claim_path"

    def __init__(self, path: tuple[Any, ...], why: str) -> None:
        super().__init__(f"claim path {list(path)}: {why}")
        self.path = path
        self.why = why


class ClaimsMissingError(PresentationProtocolError):
    reason = "claims_missing"

    def __init__(self, missing: list[tuple[str | int | None, ...]]) -> None:
        from nansen.openid4vp.dcql_paths import path_text

        super().__init__(f"the credential lacks requested claims: {', '.join(map(path_text, missing))}")
        self.missing = missing


class QueryUnsatisfiableError(PresentationProtocolError):
    """No answer is possible without leaving out a required credential query; ``query_ids`` are
    the queries (of the first required set that fails) and ``reasons`` why each cannot be met."""

    error = "access_denied"
    reason = "query_unsatisfiable"

    def __init__(self, query_ids: tuple[str, ...], reasons: dict[str, tuple[Miss, ...]]) -> None:
        super().__init__(f"no held credential satisfies the credential query {' or '.join(query_ids)}")
        self.query_ids = query_ids
        self.reasons = reasons


class TransactionDataError(PresentationProtocolError):
    error = "invalid_transaction_data"
    reason = "invalid_transaction_data"
    # where to send the error response, set once the rest of the request was found sound
    response_uri: str | None = None
    state: str | None = None
