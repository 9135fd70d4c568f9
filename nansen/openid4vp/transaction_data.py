"""``transaction_data`` (OpenID4VP 1.0 sections 5.1, 8.4 and B.3.3): what the holder authorises,
bound into the Key Binding JWT as ``transaction_data_hashes``.

Each entry is a base64url-encoded JSON object with ``type``, ``credential_ids`` (credential query
ids; the wallet binds the entry to one of them) and optionally ``transaction_data_hashes_alg``.
The hash is over the entry exactly as received (the base64url text, not decoded), in an algorithm
the entry allows (``sha-256`` when it names none).

The one type understood here, STATEMENT_TYPE, is a statement the holder is asked to accept along
with the presentation, e.g. "I consent to my data being shared with the reception centre":

    {"type": "urn:nansen:transaction-data:statement", "credential_ids": ["pid"],
     "text": "<the statement, 1 to 1000 characters>"}

Any other type, a member the type does not define, or a credential id the query does not have is
``invalid_transaction_data`` (section 8.5): the whole request is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.openid4vp.dcql import DcqlQuery
from nansen.openid4vp.errors import TransactionDataError

STATEMENT_TYPE = "urn:nansen:transaction-data:statement"
HASH_ALGS = {"sha-256": hashlib.sha256, "sha-384": hashlib.sha384, "sha-512": hashlib.sha512}
MAX_ENTRIES = 8
MAX_TEXT = 1000
_COMMON = frozenset({"type", "credential_ids", "transaction_data_hashes_alg"})


@dataclass(frozen=True, slots=True)
class TransactionData:
    encoded: str  # as received: what is hashed
    type: str
    credential_ids: tuple[str, ...]
    hashes_alg: tuple[str, ...] | None  # None: the request named none (sha-256, not echoed)
    text: str  # the statement shown to the holder


def encode_statement(text: str, credential_ids: Sequence[str]) -> str:
    """A statement entry as a verifier sends it."""
    body = {"type": STATEMENT_TYPE, "credential_ids": list(credential_ids), "text": text}
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(encoded: Any, where: str) -> dict[str, Any]:
    if not isinstance(encoded, str) or not encoded or len(encoded) > 8192:
        raise TransactionDataError(f"{where} must be a base64url string of at most 8 KB")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransactionDataError(f"{where} is not base64url-encoded JSON") from exc
    if not isinstance(value, dict):
        raise TransactionDataError(f"{where} is not a JSON object")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise TransactionDataError(f"{where} must be a non-empty array of strings")
    return tuple(value)


def _entry(encoded: Any, where: str, query: DcqlQuery) -> TransactionData:
    body = _decode(encoded, where)
    kind = body.get("type")
    if not isinstance(kind, str) or not kind:
        raise TransactionDataError(f"{where} has no type")
    if kind != STATEMENT_TYPE:
        raise TransactionDataError(f"{where} has a type this wallet does not understand: {kind[:100]!r}")
    ids = _strings(body.get("credential_ids"), f"{where}.credential_ids")
    for query_id in ids:
        credential_query = query.by_id(query_id)
        if credential_query is None:
            raise TransactionDataError(f"{where}.credential_ids names {query_id!r}, not a credential query")
        if not credential_query.require_cryptographic_holder_binding:
            raise TransactionDataError(f"{where} refers to {query_id!r}, which asks for no holder binding")
    algs = None
    if "transaction_data_hashes_alg" in body:
        algs = _strings(body["transaction_data_hashes_alg"], f"{where}.transaction_data_hashes_alg")
        if not set(algs) & set(HASH_ALGS):
            raise TransactionDataError(
                f"{where} allows no hash algorithm this wallet has ({', '.join(HASH_ALGS)})"
            )
    unknown = set(body) - _COMMON - {"text"}
    if unknown:
        raise TransactionDataError(f"{where} has members its type does not define: {sorted(unknown)[0]!r}")
    text = body.get("text")
    if not isinstance(text, str) or not 0 < len(text) <= MAX_TEXT:
        raise TransactionDataError(f"{where}.text must be a statement of 1 to {MAX_TEXT} characters")
    return TransactionData(encoded, kind, ids, algs, text)


def parse_transaction_data(unverified: Any, query: DcqlQuery) -> tuple[TransactionData, ...]:
    """The request's ``transaction_data`` (a JSON array of strings, or its JSON text)."""
    if unverified is None:
        return ()
    if isinstance(unverified, str):
        try:
            unverified = json.loads(unverified)
        except ValueError as exc:
            raise TransactionDataError("transaction_data is not a JSON array") from exc
    if not isinstance(unverified, list) or not unverified or len(unverified) > MAX_ENTRIES:
        raise TransactionDataError(f"transaction_data must be an array of 1 to {MAX_ENTRIES} entries")
    return tuple(_entry(e, f"transaction_data[{i}]", query) for i, e in enumerate(unverified))


def digest(encoded: str, alg: str) -> str:
    return base64.urlsafe_b64encode(HASH_ALGS[alg](encoded.encode("ascii")).digest()).rstrip(b"=").decode()


def choose_alg(entries: Iterable[TransactionData]) -> str:
    """One algorithm every entry allows (sha-256 preferred), for one KB-JWT."""
    allowed = set(HASH_ALGS)
    for entry in entries:
        allowed &= set(entry.hashes_alg or ("sha-256",))
    for alg in HASH_ALGS:
        if alg in allowed:
            return alg
    raise TransactionDataError("the transaction_data entries allow no common hash algorithm this wallet has")


def kb_claims(entries: Sequence[TransactionData]) -> dict[str, Any]:
    """The KB-JWT members that bind ``entries`` (section B.3.3)."""
    if not entries:
        return {}
    alg = choose_alg(entries)
    out: dict[str, Any] = {"transaction_data_hashes": [digest(e.encoded, alg) for e in entries]}
    if any(e.hashes_alg is not None for e in entries):
        out["transaction_data_hashes_alg"] = alg
    return out


def bound_in(entry: TransactionData, kb_payload: dict[str, Any]) -> bool:
    """Whether a KB-JWT payload binds ``entry`` with an algorithm the entry allows."""
    alg = kb_payload.get("transaction_data_hashes_alg", "sha-256")
    hashes = kb_payload.get("transaction_data_hashes")
    if alg not in HASH_ALGS or alg not in (entry.hashes_alg or ("sha-256",)) or not isinstance(hashes, list):
        return False
    return digest(entry.encoded, alg) in hashes
