"""The verifier's link to the registry, kept up by a background thread that never gives up.

Start-up does not wait for the chain. One thread connects (refusing a node that serves another chain
id than the settings name), loads deployments/<chainId>.json, checks that both addresses hold this
release's registries, and only then builds the chain mirror and syncs it. A failure is kept as the
link's ``problem`` and retried on the next tick. Until those checks have passed there is no mirror,
so nothing is trusted and every verification is "unknown". After any failure the chain id and the
contracts are checked again before the mirror reads from the node, so a node that comes back serving
another chain, or a reset chain without our contracts, is never mirrored.

A mirror snapshot of the instance (written by an earlier sync, or installed by `nansen-verifier
mirror import`) is the exception: it was checked against the chain when it was made, so it is
loaded at start without the chain, matched against the deployment file, and trusted as fresh as its
last sync says; the first sync then checks that its block is still the chain's.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import Deployment, check_deployment, load_deployment
from nansen.chain.errors import DeploymentError, SnapshotError
from nansen.chain.mirror import MAX_LOG_RANGE_BLOCKS, ChainMirror, Freshness, MirrorState
from nansen.credential.verification import CredentialVerifier, VerificationPolicy
from nansen.errors import ConfigurationError, NansenError
from verifier.chain_problems import CONNECTING, ChainProblem, problem_of
from verifier.mirror_share import SharedMirrorFiles
from verifier.settings import VerifierSettings
from verifier.trust_link import PresentationVerifier, StaticLink, TrustLink, UncheckedVerifier

__all__ = ["ChainLink", "StaticLink", "TrustLink"]  # the routes' view of a link, defined beside it

log = logging.getLogger("nansen.verifier")

RPC_TIMEOUT_SECONDS = 5.0
CHECKPOINT_SECONDS = 30.0  # during a long sync, the snapshot is saved this often
FOLLOW_SECONDS = 0.2  # how often a worker that does not sync looks for the leader's files
HEAD_STALL_SECONDS = 30.0  # no new block for this long while confirmations hold some back: warn
NEVER_SYNCED = Freshness(block_number=0, block_time=0, synced_at=0.0, age=float("inf"))


class ChainLink:
    """Connects, checks and mirrors the registry in a daemon thread; reads never touch the chain.

    With ``share`` (the instance's files in DATA_DIR, verifier.mirror_share) the mirror starts from
    the instance's snapshot, and only the worker holding the instance's sync lock syncs from the
    chain; the others follow its snapshot and heartbeat."""

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
        max_log_range_blocks: int = MAX_LOG_RANGE_BLOCKS,
        head_stall_seconds: float = HEAD_STALL_SECONDS,
        share: SharedMirrorFiles | None = None,
    ) -> None:
        self._rpc_url = rpc_url
        self._chain_id = chain_id
        self._deployments_dir = deployments_dir
        self._policy = policy
        self._confirmations = confirmations
        self._log_ranges = (log_range_blocks, max_log_range_blocks)
        self._head_stall_seconds = head_stall_seconds
        self._interval = interval
        self._share = share
        self._mirror: ChainMirror | None = None
        self._deployment: Deployment | None = None
        self._verifier: PresentationVerifier = UncheckedVerifier(self.problem)
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
            max_log_range_blocks=settings.max_log_range_blocks,
            share=SharedMirrorFiles(
                settings.data_dir, settings.instance, snapshot_interval=settings.snapshot_interval_seconds
            ),
        )

    # -- reads: no RPC -----------------------------------------------------------------------
    @property
    def verifier(self) -> PresentationVerifier:
        return self._verifier

    @property
    def leading(self) -> bool:
        """True in the process that syncs from the chain (always, without shared files)."""
        return self._share is None or self._share.leading

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
        share, mirror = self._share, self._mirror
        if share is not None and share.leading and not self._thread.is_alive():
            try:
                if mirror is not None:
                    share.save(mirror, force=True)  # the next start catches up from here
            except (OSError, NansenError) as exc:
                log.warning("chain link: the mirror snapshot was not written at shutdown: %s", exc)
            finally:
                share.release()

    def wait_first_attempt(self, timeout: float) -> bool:
        """True once the first connect-check-sync attempt has finished, whatever its outcome."""
        return self._attempted.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._tick()
            self._stop.wait(self._interval if self.leading else min(self._interval, FOLLOW_SECONDS))

    def _tick(self) -> None:
        """One tick: the leader checks the node and the deployment when needed and syncs the
        mirror; a follower takes what the leader wrote."""
        ready = True
        try:
            share, leading = self._leadership()
            if share is not None and not leading:
                ready = self._follow(share)  # start-up waits for the leader's first sync, as for its own
            else:
                self._sync(share)
        except Exception as exc:  # a malformed node answer must not end the thread
            self._fail(exc)
        if ready:
            self._attempted.set()

    def _leadership(self) -> tuple[SharedMirrorFiles | None, bool]:
        """The instance's files and whether this process syncs; no files (sync alone, keep nothing)
        where DATA_DIR cannot hold them."""
        share = self._share
        if share is None:
            return None, True
        try:
            return share, share.lead()
        except (OSError, ConfigurationError) as exc:
            log.warning("chain link: no shared mirror files (%s); this worker syncs alone", exc)
            self._share = None
            return None, True

    def _sync(self, share: SharedMirrorFiles | None) -> None:
        if share is not None:
            self._take_snapshot(share)
        if self._needs_check:
            self._check()
        mirror = self._mirror
        assert mirror is not None  # _check built it or raised
        mirror.sync(None if share is None else lambda: self._checkpoint(share, mirror))
        if share is not None:
            self._publish(share, mirror)
        if self._problem is not None:
            log.info("chain link: synced to block %d", mirror.freshness().block_number)
        self._problem = None

    def _checkpoint(self, share: SharedMirrorFiles, mirror: ChainMirror) -> None:
        """A long catch-up (a cold sync, a post back after weeks) is saved as it goes, so a restart
        or a takeover resumes it instead of starting over."""
        try:
            share.save(mirror, every=CHECKPOINT_SECONDS)
        except OSError as exc:
            log.warning("chain link: the mirror snapshot was not written: %s", exc)

    def _publish(self, share: SharedMirrorFiles, mirror: ChainMirror) -> None:
        """The snapshot (when due) and the heartbeat; a full disk is logged, the sync still counts."""
        try:
            if share.save(mirror):
                log.debug("chain link: mirror snapshot written at block %d", mirror.freshness().block_number)
            share.beat(mirror, None, None)
        except OSError as exc:
            log.warning("chain link: the mirror snapshot or heartbeat was not written: %s", exc)

    def _take_snapshot(self, share: SharedMirrorFiles) -> None:
        """The leader starts from the instance's snapshot, and takes one installed meanwhile
        (`nansen-verifier mirror import`) if it is further along than its own mirror."""
        if self._mirror is not None and not share.changed():
            return
        try:
            deployment = load_deployment(self._deployments_dir, self._chain_id)
            state = share.load(deployment)
        except (SnapshotError, DeploymentError) as exc:
            log.warning("chain link: the mirror snapshot is not used (%s); syncing from the chain", exc)
            return
        if state is None or (
            self._mirror is not None and state.block <= self._mirror.freshness().block_number
        ):
            return
        self._adopt(deployment, state)
        log.info("chain link: mirror snapshot loaded at block %d", state.block)

    def _adopt(self, deployment: Deployment, state: MirrorState) -> None:
        if self._mirror is None or deployment != self._deployment:
            self._mirror, self._deployment = self._new_mirror(None, deployment), deployment
            self._verifier = CredentialVerifier(self._mirror, policy=self._policy)
        self._mirror.restore(state)

    def _new_mirror(self, conn: Connection | None, deployment: Deployment) -> ChainMirror:
        first, widest = self._log_ranges
        return ChainMirror(
            conn,
            deployment,
            confirmations=self._confirmations,
            log_range_blocks=first,
            max_log_range_blocks=widest,
        )

    def _follow(self, share: SharedMirrorFiles) -> bool:
        """Takes the leader's snapshot and heartbeat; True once there was something to take."""
        if self._mirror is None or share.changed():
            try:
                deployment = load_deployment(self._deployments_dir, self._chain_id)
                state = share.load(deployment)
            except SnapshotError as exc:  # the leader rewrites it; a half-copied import is refused
                log.warning("chain link: the mirror snapshot is not used (%s)", exc)
                state = None
            if state is not None:
                self._adopt(deployment, state)
        beat = share.heartbeat()
        if beat is not None and self._mirror is not None:
            self._mirror.confirm(beat.state_id, beat.block, beat.block_hash, beat.block_time, beat.synced_at)
        if beat is None or beat.reason is None:
            self._problem = CONNECTING if self._mirror is None else None
        else:
            self._problem = ChainProblem(beat.reason, beat.detail or "")
        return self._mirror is not None or beat is not None

    def _check(self) -> None:
        conn = connect(
            self._rpc_url,
            expected_chain_id=self._chain_id,
            timeout=RPC_TIMEOUT_SECONDS,
            settings_prefix="NANSEN_VERIFIER_",
        )
        deployment = load_deployment(self._deployments_dir, conn.chain_id)
        check_deployment(conn, deployment)
        if self._mirror is None or deployment != self._deployment:
            # the first check, or a new deployment file: the old mirror's records are not this registry's
            self._mirror, self._deployment = self._new_mirror(conn, deployment), deployment
            self._verifier = CredentialVerifier(self._mirror, policy=self._policy)
        elif not self._mirror.connected:
            self._mirror.attach(conn)  # restored from a snapshot: now it can catch up
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
        if self._share is not None and self._share.leading and self._mirror is not None:
            try:  # followers report the leader's problem; their freshness still comes from its last sync
                self._share.beat(self._mirror, problem.reason, problem.detail)
            except OSError as write_error:
                log.warning("chain link: the sync heartbeat was not written: %s", write_error)
