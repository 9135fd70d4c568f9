"""Verifying a vp_token for a stored request: the credential core's checks, then the request's
own (credential type, requested claims). Only requested claims leave this module."""

from __future__ import annotations

import time
from typing import Any

from nansen.credential.result import CheckName, Outcome, Verdict, VerificationResult
from nansen.openid4vp.dcql import CredentialQuery
from nansen.openid4vp.dcql_match import HeldCredential, match_claims, unmet_claims
from nansen.openid4vp.dcql_paths import path_text, project
from nansen.openid4vp.errors import Miss
from verifier.chain_link import TrustLink

NOT_YET_SEEN_DETAIL = (
    "The credential names a registry entry the verifier has not seen yet; it was probably issued "
    "moments ago. Try again shortly."
)
STALE_DETAIL = (
    "The verifier's copy of the registry is older than its staleness bound, so it cannot vouch for "
    "this credential now. Try again shortly."
)


def verify_for_query(
    link: TrustLink, *, presentation: str, query: CredentialQuery, audience: str, nonce: str
) -> dict[str, Any]:
    result = link.verifier.verify_presentation(presentation, audience=audience, nonce=nonce)
    checks: list[dict[str, Any]] = [
        {"name": c.name.value, "outcome": c.outcome.value, "reason": c.reason} for c in result.checks
    ]
    verdict, reason, claims = result.verdict, result.reason, {}
    # the type and the claims can only be judged on a payload whose signature was checked: an
    # "unknown" that stopped before it (no registry to find the key in) stays "unknown"
    payload_verified = result.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    if result.verdict is not Verdict.INVALID and payload_verified:
        if result.vct not in query.vct_values:
            verdict, reason = Verdict.INVALID, "credential_type:not_requested"
            checks.append({"name": "credential_type", "outcome": "failed", "reason": "not_requested"})
        else:
            # the claims the query asks for (the first claim set they satisfy, values respected),
            # and only those: whatever else was disclosed stays out of the result
            found = match_claims(query, HeldCredential("presented", result.vct or "", result.claims))
            if isinstance(found, Miss):
                misses = [found] if query.claim_sets else unmet_claims(result.claims, query.claims or ())
                code = "value_mismatch" if misses[0].code == "value_mismatch" else "claims_missing"
                verdict, reason = Verdict.INVALID, f"requested_claims:{code}"
                checks.append(
                    {
                        "name": "requested_claims",
                        "outcome": "failed",
                        "reason": code,
                        "missing": [path_text(m.path) for m in misses],
                    }
                )
            else:
                claims = project(result.claims, found.disclose)
                checks.append({"name": "requested_claims", "outcome": "passed", "reason": "ok"})
    body = _body(result, verdict=verdict, reason=reason, checks=checks, claims=claims)
    if verdict is Verdict.UNKNOWN:
        problem = link.problem()
        if problem is not None:
            body["detail"] = problem.detail
        else:
            not_yet_seen = result.check(CheckName.ANCHOR).reason == "root_not_yet_seen"
            body["detail"] = NOT_YET_SEEN_DETAIL if not_yet_seen else STALE_DETAIL
    return body


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
        "issuer": {
            "name": result.issuer_name,
            "id": result.issuer_id,
            "accredited_by": result.issuer_accredited_by,
        }
        if result.issuer_name
        else None,
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


def outcome_without_presentation(reason: str, detail: str) -> dict[str, Any]:
    """A result for a request the wallet answered with an error (OpenID4VP 1.0 §8.5): nothing was
    presented, so nothing is known about any credential; "unknown", with the reason."""
    return {**refusal(reason, detail), "verdict": Verdict.UNKNOWN.value}
