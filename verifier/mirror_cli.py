"""`nansen-verifier mirror export FILE | import FILE`: a mirror carried to a verifier without a link.

Export writes the instance's mirror, caught up with the chain first when the node answers, else as
its snapshot last stood. Import checks a file whole (format, checksum, chain id, both registry
addresses and the deployment block against this verifier's deployment file) and only then installs
it as the instance's snapshot; a refused file changes nothing. Freshness comes from the file: the
time its exporter last confirmed the chain, not the time of the import (README: Operations).
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

from nansen.atomic_file import replace_private
from nansen.chain.connection import connect
from nansen.chain.deployment import check_deployment, load_deployment
from nansen.chain.errors import (
    SnapshotDamagedError,
    SnapshotError,
    SnapshotFingerprintError,
    SnapshotOlderError,
)
from nansen.chain.mirror import ChainMirror, MirrorState
from nansen.chain.mirror_snapshot import decode_snapshot, parse_snapshot, write_snapshot
from nansen.errors import ChainError
from verifier.mirror_share import SharedMirrorFiles
from verifier.settings import VerifierSettings

RPC_TIMEOUT_SECONDS = 10.0
FINGERPRINT_HEX = 20


def export_mirror(settings: VerifierSettings, target: Path) -> str:
    """Writes the mirror to ``target``; what it wrote, for the operator."""
    deployment = load_deployment(settings.deployments_dir, settings.chain_id)
    mirror = ChainMirror(
        None,
        deployment,
        confirmations=settings.confirmations,
        log_range_blocks=settings.log_range_blocks,
        max_log_range_blocks=settings.max_log_range_blocks,
    )
    files = SharedMirrorFiles(settings.data_dir, settings.instance, snapshot_interval=0)
    notes = []
    try:
        state = files.load(deployment)
    except SnapshotError as exc:
        state, notes = None, [f"the instance's snapshot was not used: {exc.user_message}"]
    if state is not None:
        mirror.restore(state)
        beat = files.heartbeat()  # a running verifier may have confirmed the same records since
        if beat is not None:
            mirror.confirm(beat.state_id, beat.block, beat.block_hash, beat.block_time, beat.synced_at)
    try:
        conn = connect(settings.rpc_url, expected_chain_id=settings.chain_id, timeout=RPC_TIMEOUT_SECONDS)
        check_deployment(conn, deployment)
        mirror.attach(conn)
        mirror.sync()
    except ChainError as exc:
        if state is None:
            raise
        notes.append(
            f"not caught up with the chain ({exc.user_message}); exporting the snapshot as it stands"
        )
    written = mirror.state()
    size = write_snapshot(target, written, deployment)
    said = f"wrote {target} ({size} bytes): {describe(written, settings)}"
    return "\n".join(
        [*notes, said, f"fingerprint: {fingerprint(target.read_bytes())} (read it out to the importer)"]
    )


def fingerprint(data: bytes) -> str:
    """The first 80 bits of the file's SHA-256, in groups of four: short enough to read out over a
    phone, long enough that nobody can make another valid file that has it."""
    digest = hashlib.sha256(data).hexdigest()[:FINGERPRINT_HEX]
    return " ".join(digest[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def _check_fingerprint(data: bytes, expected: str, source: Path) -> None:
    wanted = "".join(expected.split()).lower()
    actual = fingerprint(data)
    if len(wanted) < FINGERPRINT_HEX or not hashlib.sha256(data).hexdigest().startswith(wanted):
        raise SnapshotFingerprintError(
            f"{source}: fingerprint {actual}, expected {expected!r}",
            user_message=(
                f"The mirror file {source} has the fingerprint {actual}, not the one given ({expected}; "
                f"at least {FINGERPRINT_HEX} hex digits). It is not the file that was exported, or the "
                "fingerprint was misread. Nothing was changed."
            ),
        )


def import_mirror(
    settings: VerifierSettings,
    source: Path,
    *,
    expected_fingerprint: str | None = None,
    now: float | None = None,
) -> str:
    """Checks ``source`` and installs it as the instance's snapshot; refusals change nothing."""
    deployment = load_deployment(settings.deployments_dir, settings.chain_id)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise SnapshotDamagedError(
            f"cannot read {source}: {type(exc).__name__}",
            user_message=f"Cannot read the mirror file {source} ({exc.strerror or type(exc).__name__}).",
        ) from exc
    state = decode_snapshot(data, deployment, name=str(source))
    if expected_fingerprint is not None:
        _check_fingerprint(data, expected_fingerprint, source)
    now = time.time() if now is None else now
    if (
        state.synced_at > now + settings.clock_skew_seconds
        or state.block_time > now + settings.clock_skew_seconds
    ):
        raise SnapshotDamagedError(
            f"{source}: synced at {state.synced_at:.0f}, in the future of this clock ({now:.0f})",
            user_message=(
                f"The mirror file {source} says it was synced at {_when(state.synced_at)}, later than this "
                "computer's clock says it is now. Check both computers' clocks; nothing was changed."
            ),
        )
    target = settings.mirror_snapshot
    try:
        installed, _ = parse_snapshot(target.read_bytes(), name=str(target))
    except (OSError, SnapshotError):
        installed = None  # none, or damaged: the new file replaces it
    if installed is not None and installed.block_number > state.block:
        raise SnapshotOlderError(
            f"{source} is at block {state.block}, the installed snapshot at {installed.block_number}",
            user_message=(
                f"The mirror file {source} is older (block {state.block}) than the mirror this verifier "
                f"already has (block {installed.block_number}). Nothing was changed."
            ),
        )
    replace_private(target, data)  # byte for byte: the exporter's checksum stays checkable
    checked = "its fingerprint matches" if expected_fingerprint else f"fingerprint {fingerprint(data)}"
    return f"installed {source} as {target} ({checked}): {describe(state, settings)}"


def describe(state: MirrorState, settings: VerifierSettings) -> str:
    age = time.time() - state.synced_at
    stale = "within" if age <= settings.max_staleness_seconds else "past"
    return (
        f"block {state.block} (mined {_when(state.block_time)}), chain last confirmed "
        f"{_when(state.synced_at)}, {age:.0f} s ago: {stale} the staleness bound of "
        f"{settings.max_staleness_seconds:.0f} s "
        "(NANSEN_VERIFIER_MAX_STALENESS_SECONDS); past it, verdicts are unknown"
    )


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
