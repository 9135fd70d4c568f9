"""Verifying a vp_token for a stored request: the credential core's checks, then the request's
own (credential type, requested claims). Only requested claims leave this module."""

from __future__ import annotations

import time
from typing import Any

from nansen.credential.result import Verdict, VerificationResult
from nansen.credential.verification import CredentialVerifier
from nansen.openid4vp.dcql import CredentialQuery, parse_query, requested_only
from nansen.openid4vp.errors import ClaimsMissingError


def verify_for_query(
    verifier: CredentialVerifier, *, presentation: str, query: CredentialQuery, audience: str, nonce: str
) -> dict[str, Any]:
    result = verifier.verify_presentation(presentation, audience=audience, nonce=nonce)
    checks: list[dict[str, Any]] = [
        {"name": c.name.value, "outcome": c.outcome.value, "reason": c.reason} for c in result.checks
    ]
    verdict, reason, claims = result.verdict, result.reason, {}
    if result.verdict is not Verdict.INVALID:
        if result.vct not in query.vct_values:
            verdict, reason = Verdict.INVALID, "credential_type:not_requested"
            checks.append({"name": "credential_type", "outcome": "failed", "reason": "not_requested"})
        else:
            try:
                claims = requested_only(query, result.claims)
                checks.append({"name": "requested_claims", "outcome": "passed", "reason": "ok"})
            except ClaimsMissingError as exc:
                verdict, reason = Verdict.INVALID, "requested_claims:claims_missing"
                checks.append(
                    {
                        "name": "requested_claims",
                        "outcome": "failed",
                        "reason": "claims_missing",
                        "missing": [".".join(str(k) for k in p) for p in exc.missing],
                    }
                )
    return _body(result, verdict=verdict, reason=reason, checks=checks, claims=claims)


def _body(
    result: VerificationResult,
    *,
    verdict: Verdict,
    reason: str,
    checks: list[dict[str, Any]],
    claims: dict[str, Any],
) -> dict[str, Any]:
    freshness = result.freshness
    return {
        "verdict": verdict.value,
        "reason": reason,
        "checks": checks,
        "issuer": {"name": result.issuer_name, "id": result.issuer_id} if result.issuer_name else None,
        "credential_type": result.vct,
        "claims": claims if verdict is Verdict.VALID else {},
        "chain": None
        if freshness is None
        else {
            "block": freshness.block_number,
            "block_time": freshness.block_time,
            "synced_seconds_ago": round(freshness.age_seconds, 3)
            if freshness.age_seconds != float("inf")
            else None,
        },
        "verified_at": int(time.time()),
    }


def refusal(reason: str, detail: str) -> dict[str, Any]:
    """A result for a response that never reached the checks (malformed, replayed, expired)."""
    return {
        "verdict": Verdict.INVALID.value,
        "reason": reason,
        "detail": detail,
        "checks": [],
        "issuer": None,
        "credential_type": None,
        "claims": {},
        "chain": None,
        "verified_at": int(time.time()),
    }


def single_query(stored_query: dict[str, Any]) -> CredentialQuery:
    return parse_query(stored_query).credentials[0]
