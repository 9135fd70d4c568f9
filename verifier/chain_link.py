"""The verifier's link to the registry, kept up by a background thread that never gives up.

Start-up does not wait for the chain. One thread connects (refusing a node that serves another chain
id than the settings name), loads deployments/<chainId>.json, checks that both addresses hold this
release's registries, and only then builds the chain mirror and syncs it. A failure is kept as the
link's ``problem`` and retried on the next tick. Until those checks have passed there is no mirror,
so nothing is trusted and every verification is "unknown". After any failure the chain id and the
contracts are checked again before the mirror reads from the node, so a node that comes back serving
another chain, or a reset chain without our contracts, is never mirrored.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment, check_deployment, load_deployment
from nansen.chain.errors import (
    DeploymentError,
    LogQueryRefusedError,
    RpcRefusedError,
    RpcUnavailableError,
    WrongChainError,
)
from nansen.chain.mirror import ChainMirror, Freshness
from nansen.credential.result import ChainFreshness, Check, CheckName, Outcome, VerificationResult, verdict_of
from nansen.credential.trust import TrustSource
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from nansen.errors import NansenError
from verifier.settings import VerifierSettings

log = logging.getLogger("nansen.verifier")

RPC_TIMEOUT_SECONDS = 5.0
HEAD_STALL_SECONDS = 30.0  # no new block for this long while confirmations hold some back: warn
NEVER_SYNCED = Freshness(block_number=0, block_time=0, synced_at=0.0, age=float("inf"))


class PresentationVerifier(Protocol):
    def verify_presentation(self, unverified: str, *, audience: str, nonce: str) -> VerificationResult: ...


@dataclass(frozen=True)
class ChainProblem:
    reason: str  # a stable code, e.g. "chain_unreachable"
    detail: str  # for officers and operators; names no URL or address (/health is public)


CONNECTING = ChainProblem("chain_connecting", "The verifier is connecting to the blockchain node.")
_PROBLEMS: tuple[tuple[type[NansenError], ChainProblem], ...] = (
    (
        RpcUnavailableError,
        ChainProblem(
            "chain_unreachable",
            "The blockchain node does not answer. The verifier keeps retrying and catches up by itself.",
        ),
    ),
    (
        WrongChainError,
        ChainProblem(
            "wrong_chain",
            "The blockchain node serves another chain than the configured one; nothing from it is trusted.",
        ),
    ),
    (
        DeploymentError,
        ChainProblem(
            "deployment_invalid",
            "The registry deployment is missing, or its contracts could not be confirmed on the chain; "
            "nothing is trusted until they are.",
        ),
    ),
)
CHAIN_ERROR = ChainProblem(
    "chain_error", "Reading the registry from the blockchain failed. The verifier keeps retrying."
)


def problem_of(exc: Exception) -> ChainProblem:
    if isinstance(exc, LogQueryRefusedError):  # names the range, not the node's words (untrusted)
        return ChainProblem(
            "log_query_refused",
            f"The blockchain node refused the event log query for blocks {exc.from_block}-{exc.to_block} "
            f"({exc.to_block - exc.from_block + 1} blocks). If it caps the range, lower "
            "NANSEN_VERIFIER_LOG_RANGE_BLOCKS. The verifier keeps retrying.",
        )
    if isinstance(exc, RpcRefusedError):
        return ChainProblem(
            "chain_refused",
            "The blockchain node refused a request the verifier needs; the verifier's log says which.",
        )
    return next((problem for kind, problem in _PROBLEMS if isinstance(exc, kind)), CHAIN_ERROR)


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


class _Unchecked:
    """The verifier before the chain and the deployment have been checked: it trusts nothing."""

    def __init__(self, link: ChainLink) -> None:
        self._link = link

    def verify_presentation(self, unverified: str, *, audience: str, nonce: str) -> VerificationResult:
        # the issuer key comes from the registry first of all (see nansen.credential.verification),
        # so without a checked registry no later check is reached
        reason = (self._link.problem() or CONNECTING).reason
        checks = tuple(
            Check(name, Outcome.UNKNOWN, reason)
            if name is CheckName.ISSUER_TRUST
            else Check(name, Outcome.NOT_CHECKED, "not_reached")
            for name in CheckName
        )
        return VerificationResult(
            verdict=verdict_of(checks), checks=checks, freshness=ChainFreshness(0, 0, float("inf"))
        )


class ChainLink:
    """Connects, checks and mirrors the registry in a daemon thread; reads never touch the chain."""

    def __init__(
        self,
        *,
        rpc_url: str,
        chain_id: int,
        deployments_dir: Path,
        policy: VerificationPolicy,
        confirmations: int = 0,
        interval: float = 1.0,
        log_range_blocks: int = 10_000,
        head_stall_seconds: float = HEAD_STALL_SECONDS,
    ) -> None:
        self._rpc_url = rpc_url
        self._chain_id = chain_id
        self._deployments_dir = deployments_dir
        self._policy = policy
        self._confirmations = confirmations
        self._log_range_blocks = log_range_blocks
        self._head_stall_seconds = head_stall_seconds
        self._interval = interval
        self._mirror: ChainMirror | None = None
        self._deployment: Deployment | None = None
        self._verifier: PresentationVerifier = _Unchecked(self)
        self._needs_check = True
        self._problem: ChainProblem | None = CONNECTING
        self._attempted = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chain-link", daemon=True)

    @classmethod
    def from_settings(cls, settings: VerifierSettings, *, policy: VerificationPolicy) -> ChainLink:
        return cls(
            rpc_url=settings.rpc_url,
            chain_id=settings.chain_id,
            deployments_dir=settings.deployments_dir,
            policy=policy,
            confirmations=settings.confirmations,
            interval=settings.sync_interval_seconds,
            log_range_blocks=settings.log_range_blocks,
        )

    # -- reads: no RPC -----------------------------------------------------------------------
    @property
    def verifier(self) -> PresentationVerifier:
        return self._verifier

    def freshness(self) -> Freshness:
        mirror = self._mirror
        return mirror.freshness() if mirror is not None else NEVER_SYNCED

    def problem(self) -> ChainProblem | None:
        return self._problem

    def warning(self) -> str | None:
        """Set while confirmations hold back blocks of a node that has stopped mining: nodes that
        mine only when a transaction arrives (Hardhat, Ganache automine, anvil without
        --block-time) never confirm their last transactions."""
        mirror = self._mirror
        if mirror is None or self._confirmations == 0:
            return None
        waiting, still_for = mirror.unconfirmed()
        if waiting == 0 or still_for < self._head_stall_seconds:
            return None
        return (
            f"The node has mined no block for {still_for:.0f} s, so the last {waiting} blocks wait for "
            f"{self._confirmations} confirmations and are not seen yet. On a node that mines only when a "
            "transaction arrives, set NANSEN_VERIFIER_CONFIRMATIONS=0."
        )

    # -- the background thread -----------------------------------------------------------------
    def start(self) -> None:
        if self._confirmations:
            log.warning(
                "chain link: CONFIRMATIONS=%d: the last %d blocks are seen only once as many more are "
                "mined; on a node that mines only when a transaction arrives (Hardhat, Ganache automine) "
                "set NANSEN_VERIFIER_CONFIRMATIONS=0",
                self._confirmations,
                self._confirmations,
            )
        self._thread.start()

    def stop(self, timeout: float = RPC_TIMEOUT_SECONDS + 1) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def wait_first_attempt(self, timeout: float) -> bool:
        """True once the first connect-check-sync attempt has finished, whatever its outcome."""
        return self._attempted.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._tick()
            self._stop.wait(self._interval)

    def _tick(self) -> None:
        """One tick: check the node and the deployment when needed, then sync the mirror."""
        try:
            if self._needs_check:
                self._check()
            assert self._mirror is not None  # _check built it or raised
            self._mirror.sync()
        except Exception as exc:  # a malformed node answer must not end the thread
            self._fail(exc)
        else:
            if self._problem is not None:
                log.info("chain link: synced to block %d", self._mirror.freshness().block_number)
            self._problem = None
        finally:
            self._attempted.set()

    def _check(self) -> None:
        conn = connect(
            self._rpc_url,
            expected_chain_id=self._chain_id,
            timeout=RPC_TIMEOUT_SECONDS,
            settings_prefix="NANSEN_VERIFIER_",
        )
        deployment = load_deployment(self._deployments_dir, conn.chain_id)
        check_deployment(conn, deployment)
        if deployment != self._deployment:
            # the first check, or a new deployment file: the old mirror's records are not this registry's
            mirror = ChainMirror(
                conn,
                deployment,
                confirmations=self._confirmations,
                max_blocks_per_query=self._log_range_blocks,
            )
            self._mirror, self._deployment = mirror, deployment
            self._verifier = CredentialVerifier(mirror, policy=self._policy)
        self._needs_check = False

    def _fail(self, exc: Exception) -> None:
        self._needs_check = True
        problem = problem_of(exc)
        if problem != self._problem:
            if isinstance(exc, NansenError):
                log.warning("chain link: %s (%s); retrying every %.1f s", problem.reason, exc, self._interval)
            else:
                log.error("chain link: unexpected %s; retrying", type(exc).__name__, exc_info=exc)
        self._problem = problem
