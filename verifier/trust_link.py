"""What the routes need from a link to the registry (TrustLink), and the link for a trust source
handed in by the caller (StaticLink, for tests); verifier.chain_link keeps up the real one."""

from __future__ import annotations

from typing import Protocol

from nansen.chain.mirror import Freshness
from nansen.credential.result import VerificationResult
from nansen.credential.trust import TrustSource
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from verifier.chain_problems import ChainProblem


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
