"""What the routes need from a link to the registry (TrustLink), and the link for a trust source
handed in by the caller (StaticLink, for tests); verifier.chain_link keeps up the real one, and
answers through UncheckedVerifier until the chain and the deployment have been checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from nansen.chain.mirror import Freshness
from nansen.credential.result import ChainFreshness, Check, CheckName, Outcome, VerificationResult, verdict_of
from nansen.credential.trust import TrustSource
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from verifier.chain_problems import CONNECTING, ChainProblem


class PresentationVerifier(Protocol):
    def verify_presentation(self, unverified: str, *, audience: str, nonce: str) -> VerificationResult: ...


class TrustLink(Protocol):
    """What the routes need: a verifier, how fresh its chain view is, and what is wrong, if anything."""

    @property
    def verifier(self) -> PresentationVerifier: ...

    def freshness(self) -> Freshness: ...

    def problem(self) -> ChainProblem | None: ...

    def warning(self) -> str | None: ...


class StaticLink:
    """A trust source handed in by the caller (tests): no thread, no chain problem of its own."""

    def __init__(self, trust: TrustSource, *, policy: VerificationPolicy) -> None:
        self._trust = trust
        self.verifier = CredentialVerifier(trust, policy=policy)

    def freshness(self) -> Freshness:
        return self._trust.freshness()

    def problem(self) -> ChainProblem | None:
        return None

    def warning(self) -> str | None:
        return None


class UncheckedVerifier:
    """The verifier before the chain and the deployment have been checked: it trusts nothing."""

    def __init__(self, problem: Callable[[], ChainProblem | None]) -> None:
        self._problem = problem

    def verify_presentation(self, unverified: str, *, audience: str, nonce: str) -> VerificationResult:
        # the issuer key comes from the registry first of all (see nansen.credential.verification),
        # so without a checked registry no later check is reached
        reason = (self._problem() or CONNECTING).reason
        checks = tuple(
            Check(name, Outcome.UNKNOWN, reason)
            if name is CheckName.ISSUER_TRUST
            else Check(name, Outcome.NOT_CHECKED, "not_reached")
            for name in CheckName
        )
        return VerificationResult(
            verdict=verdict_of(checks), checks=checks, freshness=ChainFreshness(0, 0, float("inf"))
        )
