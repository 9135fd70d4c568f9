"""The typed outcome of verifying a presentation: a verdict and every check with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

NOT_REQUESTED = "not_requested"  # a check the caller did not ask for (key binding on receipt)


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"  # the truth could not be established (e.g. chain mirror too old)


class CheckName(StrEnum):
    SIGNATURE = "signature"
    DISCLOSURES = "disclosures"
    KEY_BINDING = "key_binding"
    VALIDITY_PERIOD = "validity_period"
    ISSUER_TRUST = "issuer_trust"
    ANCHOR = "anchor"
    STATUS = "status"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_CHECKED = "not_checked"  # an earlier check failed, so this one was not reached


@dataclass(frozen=True, slots=True)
class Check:
    name: CheckName
    outcome: Outcome
    reason: str  # a stable reason code, e.g. "ok", "revoked", "mirror_stale"


PASSED: dict[CheckName, Check] = {name: Check(name, Outcome.PASSED, "ok") for name in CheckName}
"""The passing check of each name (checks are immutable, so one instance serves every result)."""


@dataclass(frozen=True, slots=True)
class ChainFreshness:
    block_number: int
    block_time: int
    age_seconds: float


@dataclass(frozen=True, slots=True)
class VerificationResult:
    verdict: Verdict
    checks: tuple[Check, ...]
    issuer_name: str | None = None
    issuer_id: str | None = None
    issuer_accredited_by: str | None = None  # the governance account, when the trust source knows it
    vct: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)
    freshness: ChainFreshness | None = None
    # replay bookkeeping keys on signed content, never on token strings (ES256 is malleable)
    signed_content_digest: bytes | None = None
    kb_digest: bytes | None = None

    def check(self, name: CheckName) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def reason(self) -> str:
        """The first non-passing check's reason, or "ok"."""
        for check in self.checks:
            if check.outcome in (Outcome.FAILED, Outcome.UNKNOWN):
                return f"{check.name}:{check.reason}"
        return "ok"


def verdict_of(checks: tuple[Check, ...]) -> Verdict:
    if any(c.outcome is Outcome.FAILED for c in checks):
        return Verdict.INVALID
    if all(c.outcome is Outcome.PASSED or c.reason == NOT_REQUESTED for c in checks):
        return Verdict.VALID
    return Verdict.UNKNOWN
