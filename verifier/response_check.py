"""Judging a whole vp_token against its request: each credential query's presentations, then the
query's credential sets and the transaction data (OpenID4VP 1.0 sections 6.4, 8.4 and 8.6).

A credential query's verdict is the worst of its presentations' (invalid, then unknown, then
valid), or ``not_presented``. The overall verdict is ``invalid`` when any presentation is invalid
(an optional one too: the officer must see it), when the presented queries cannot satisfy the
required credential sets, or when a transaction data entry is not bound in a presentation of one
of its credential queries; else ``unknown`` when the required sets are met only by counting
presentations that cannot be decided now; else ``valid``.

For a one-query request answered by one presentation the result keeps the shape it always had
(that presentation's result); every result also lists ``queries``, one entry per credential query.
Claims are kept only in a valid result: when the whole is not valid, no query's claims are shown.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from nansen.credential.result import Verdict
from nansen.openid4vp.dcql import DcqlQuery
from nansen.openid4vp.dcql_match import satisfied_by
from nansen.openid4vp.transaction_data import TransactionData, bound_in
from verifier.chain_link import TrustLink
from verifier.service import refusal, verify_for_query

NOT_PRESENTED = "not_presented"
_RANK = {Verdict.INVALID.value: 0, Verdict.UNKNOWN.value: 1, Verdict.VALID.value: 2}


def verify_response(
    link: TrustLink,
    *,
    query: DcqlQuery,
    transaction_data: Sequence[TransactionData],
    presentations: Mapping[str, Sequence[str]],
    audience: str,
    nonce: str,
) -> dict[str, Any]:
    queries: list[dict[str, Any]] = []
    for credential in query.credentials:
        bodies = [
            verify_for_query(link, presentation=p, query=credential, audience=audience, nonce=nonce)
            for p in presentations.get(credential.id, ())
        ]
        worst = min(bodies, key=lambda b: _RANK[b["verdict"]], default=None)
        queries.append(
            {
                "id": credential.id,
                "verdict": worst["verdict"] if worst else NOT_PRESENTED,
                "reason": worst["reason"] if worst else NOT_PRESENTED,
                "presentations": bodies,
            }
        )
    checks = [_sets_check(query, queries)]
    if transaction_data:
        checks.append(_transaction_data_check(transaction_data, queries, presentations))
    verdict, reason = _overall(queries, checks)
    answered = [q for q in queries if q["presentations"]]
    if len(query.credentials) == 1 and len(answered) == 1 and len(answered[0]["presentations"]) == 1:
        body = dict(answered[0]["presentations"][0])
        body["checks"] = [*body["checks"], *checks[1:]]  # the one-query shape: its sets check says nothing
    else:
        body = refusal(reason, "")
        body.pop("detail")
        body["checks"] = checks
        body["chain"] = next((b["chain"] for q in answered for b in q["presentations"] if b["chain"]), None)
    body["verdict"], body["reason"] = verdict, reason
    if verdict == Verdict.UNKNOWN.value and "detail" not in body:
        body["detail"] = next(
            b.get("detail", "") for q in answered for b in q["presentations"] if b["verdict"] == verdict
        )
    if verdict != Verdict.VALID.value:
        body["claims"] = {}
        for entry in queries:
            for presented in entry["presentations"]:
                presented["claims"] = {}
    body["queries"] = queries
    return body


def _sets_check(query: DcqlQuery, queries: list[dict[str, Any]]) -> dict[str, Any]:
    valid = {q["id"] for q in queries if q["verdict"] == Verdict.VALID.value}
    maybe = valid | {q["id"] for q in queries if q["verdict"] == Verdict.UNKNOWN.value}
    if satisfied_by(query, valid):
        return {"name": "credential_sets", "outcome": "passed", "reason": "ok"}
    if satisfied_by(query, maybe):
        return {"name": "credential_sets", "outcome": "unknown", "reason": "depends_on_unknown"}
    return {"name": "credential_sets", "outcome": "failed", "reason": "required_unmet"}


def _kb_payload(presentation: str) -> dict[str, Any]:
    """The payload of a presentation's KB-JWT, read only after the core verified its signature
    (the key_binding check passed), so these are the bytes the holder signed."""
    try:
        payload_part = presentation.rsplit("~", 1)[1].split(".")[1]
        value = json.loads(base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4)))
    except (IndexError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _transaction_data_check(
    entries: Sequence[TransactionData],
    queries: list[dict[str, Any]],
    presentations: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    bound_kb = {
        q["id"]: [
            _kb_payload(p)
            for p, body in zip(presentations.get(q["id"], ()), q["presentations"], strict=True)
            if any(c["name"] == "key_binding" and c["outcome"] == "passed" for c in body["checks"])
        ]
        for q in queries
    }
    for entry in entries:
        if not any(
            bound_in(entry, kb) for query_id in entry.credential_ids for kb in bound_kb.get(query_id, ())
        ):
            return {"name": "transaction_data", "outcome": "failed", "reason": "not_bound"}
    return {"name": "transaction_data", "outcome": "passed", "reason": "ok"}


def _overall(queries: list[dict[str, Any]], checks: list[dict[str, Any]]) -> tuple[str, str]:
    invalid = next((q for q in queries if q["verdict"] == Verdict.INVALID.value), None)
    if invalid is not None:
        return Verdict.INVALID.value, invalid["reason"]
    failed = next((c for c in checks if c["outcome"] == "failed"), None)
    if failed is not None:
        return Verdict.INVALID.value, f"{failed['name']}:{failed['reason']}"
    if checks[0]["outcome"] == "unknown":  # the required sets hang on what cannot be decided now
        unknown = next(q for q in queries if q["verdict"] == Verdict.UNKNOWN.value)
        return Verdict.UNKNOWN.value, unknown["reason"]
    return Verdict.VALID.value, "ok"
