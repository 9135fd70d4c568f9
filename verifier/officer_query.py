"""What an officer asks for, as a DCQL query and transaction data, and how a request keeps both.

An officer gives either a credential type and claim paths (one credential query, the original
shape) or a whole DCQL query (OpenID4VP 1.0 section 6). This verifier checks SD-JWT VCs with key
binding against the chain registry, so it refuses queries it could not judge: another format,
``require_cryptographic_holder_binding: false``, or ``trusted_authorities`` (the registry, not the
wallet's filter, decides whom it trusts). Transaction data are statements the holder accepts
(nansen.openid4vp.transaction_data), each bound to credential queries of the request.

The stored request keeps the DCQL query as JSON with the encoded transaction data beside it under
TRANSACTION_DATA_KEY, a member DCQL parsers ignore (section 6: unknown properties are ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nansen.openid4vp.dcql import FORMAT, DcqlQuery, build_query, parse_query
from nansen.openid4vp.errors import DcqlError
from nansen.openid4vp.transaction_data import TransactionData, encode_statement, parse_transaction_data

CREDENTIAL_QUERY_ID = "credential"
TRANSACTION_DATA_KEY = "nansen_transaction_data"


def officer_query(
    *,
    credential_type: str | None,
    claims: Sequence[Sequence[str]] | None,
    dcql_query: Any,
) -> DcqlQuery:
    """The DCQL query of an officer's request; DcqlError says what is wrong in plain words."""
    if dcql_query is None:
        if credential_type is None or claims is None:
            raise DcqlError("Give credential_type and claims, or a dcql_query.")
        return build_query(CREDENTIAL_QUERY_ID, credential_type, [tuple(p) for p in claims])
    if credential_type is not None or claims is not None:
        raise DcqlError("Give either credential_type and claims, or a dcql_query, not both.")
    query = parse_query(dcql_query)
    for credential in query.credentials:
        if credential.format != FORMAT:
            raise DcqlError(f"This verifier checks {FORMAT} credentials only ({credential.id!r}).")
        if not credential.require_cryptographic_holder_binding:
            raise DcqlError(f"This verifier always requires holder binding ({credential.id!r}).")
        if credential.trusted_authorities:
            raise DcqlError(
                "trusted_authorities is not accepted: this verifier trusts the issuers the chain "
                f"registry accredits ({credential.id!r})."
            )
    return query


def statements(query: DcqlQuery, entries: Sequence[tuple[str, Sequence[str]]]) -> tuple[TransactionData, ...]:
    """Transaction data from (text, credential query ids) pairs, checked against the query."""
    if not entries:
        return ()
    return parse_transaction_data([encode_statement(text, ids) for text, ids in entries], query)


def pack(query: DcqlQuery, transaction_data: Sequence[TransactionData]) -> dict[str, Any]:
    out = query.to_json()
    if transaction_data:
        out[TRANSACTION_DATA_KEY] = [e.encoded for e in transaction_data]
    return out


def unpack(stored: dict[str, Any]) -> tuple[DcqlQuery, tuple[TransactionData, ...]]:
    query = parse_query(stored)
    return query, parse_transaction_data(stored.get(TRANSACTION_DATA_KEY), query)
