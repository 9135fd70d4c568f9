"""The registry mirror at the scale of a region (issue 22): one verifier process's cold sync, memory,
catch-up after 1 and 30 days offline over a border post's link and through a public node's limits,
and what the block span adds, on the cached region chain (bench/region). NANSEN_BENCH_MIRROR_SCALE=
small runs a twentieth of the region (10 NGOs) for a quick look.

The region's five years are real transactions and events, but on a chain of one block per day of
activity, not 79 million 2-second blocks: anvil mines at most a few hundred empty blocks a second
here, and 3-6 on the region's state, so the real span cannot be built. What the span adds is
measured apart, on empty blocks mined on top and read over the shaped link and through the capped
node, and extrapolated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.calibration import two_p256_verifications_per_second
from bench.region.generate import deployment_of, region_chain
from bench.region.node import Node, anvil
from bench.region.params import BLOCK_SECONDS, DAY, RegionParams
from bench.region.plan import activity_plan
from bench.region.verification import compare_verification
from bench.region.writer import RegionWriter
from bench.relays import Cap, Policy, Relay, Shape
from bench.report import emit
from verifier.settings import VerifierSettings

DEFAULT_LOG_RANGE_BLOCKS = VerifierSettings.model_fields["log_range_blocks"].default

BENCH = "mirror"
SCALES = {"region": RegionParams(), "small": RegionParams(issuers=10)}
VERIFY_SECONDS = 6.0
# empty blocks mined on top to measure what span costs: anvil mines 3-6 a second on the region's
# state (it recomputes the state root for each), so few; the README's figures used 4,000
EMPTY_SPAN = 1_000


class Probe:
    """A verifier process (bench/mirror_probe.py) holding one mirror, behind its own relay."""

    def __init__(
        self, relay: Relay, deployment: dict[str, Any], log_range_blocks: int, snapshot: Path | None = None
    ) -> None:
        self.relay = relay
        command = [
            sys.executable,
            str(ROOT / "bench" / "mirror_probe.py"),
            relay.url,
            json.dumps(deployment),
            str(log_range_blocks),
        ]
        started = time.perf_counter()
        self._process = subprocess.Popen(
            [*command, *([str(snapshot)] if snapshot else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.started = self._answer()
        self.started["wall_seconds"] = time.perf_counter() - started

    def _answer(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the mirror probe died; see its output above")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def command(self, line: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        return self._answer()

    def sync(self, policy: Policy) -> dict[str, Any]:
        """One sync through ``policy``, with what crossed the wire."""
        self.relay.policy = policy
        before = self.relay.counts.snapshot()
        answer = self.command("sync")
        after = self.relay.counts.snapshot()
        answer.update({key: after[key] - before[key] for key in after})
        self.relay.policy = Policy()
        return answer

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(30)


def main() -> None:
    scale = os.environ.get("NANSEN_BENCH_MIRROR_SCALE", "region")
    params = SCALES[scale]
    machine = two_p256_verifications_per_second()
    emit(
        BENCH,
        "machine_two_p256_verifications_per_second",
        machine,
        "1/s",
        note="this machine's speed in this run",
    )
    started = time.monotonic()
    state, manifest = region_chain(params)
    emit(
        BENCH,
        "region_chain_ready",
        time.monotonic() - started,
        "s",
        scale=scale,
        generated_in_s=manifest["generation_seconds"],
        events=sum(manifest["events"].values()),
        transactions=manifest["transactions"],
        credentials=params.credentials,
        blocks=manifest["head"],
        note="cached under .cache/bench: generated once per parameters, generator and contracts",
    )
    with tempfile.TemporaryDirectory() as tmp:
        loading = time.monotonic()
        with anvil(
            Path(tmp), load_state=state, start_time=params.start_time, mining=False, prune_history=True
        ) as node:
            emit(
                BENCH,
                "anvil_state_load",
                time.monotonic() - loading,
                "s",
                note="anvil reading the cached chain",
            )
            run(node, params, manifest, Path(tmp))


def run(node: Node, params: RegionParams, manifest: dict[str, Any], tmp: Path) -> None:
    deployment = manifest["deployment"]
    events = sum(manifest["events"].values())
    snapshot = tmp / "mirror.snapshot"
    span = first_range(params, manifest["head"])
    emit(
        BENCH,
        "first_log_range_blocks",
        span,
        "blocks",
        note=f"the verifier's first range, {DEFAULT_LOG_RANGE_BLOCKS:,} blocks of 2 s, scaled to the "
        "same time on the dense chain; unscaled it asks the whole five years in one answer",
    )
    with Relay(node.rpc_url) as relay_shaped, Relay(node.rpc_url) as relay_capped:
        shaped = Probe(relay_shaped, deployment, span)
        capped: Probe | None = None
        try:
            cold = shaped.sync(Policy())
            report_cold_sync(cold, shaped.started, events, manifest["head"])
            written = shaped.command(f"snapshot {snapshot}")
            capped = Probe(relay_capped, deployment, span, snapshot)
            report_snapshot(written, capped.started, capped.sync(Policy()))
            first_day = params.days
            for days in (1, 30):
                plan = activity_plan(params, first_day, days, seed=days)
                writer = RegionWriter(node, params, deployment_of(manifest))
                for day in sorted(plan.days):
                    writer.run_day(day, plan.days[day])
                first_day += days
                report_catch_up(days, shaped.sync(Policy(shape=Shape())), "shaped")
                answer = capped.sync(Policy(cap=Cap()))
                report_catch_up(days, answer, "capped")
                if "error" in answer:
                    capped.sync(Policy())  # to the head over the local link, for what follows
            rates = compare_verification(
                node, params, manifest, snapshot, day=first_day, seconds=VERIFY_SECONDS
            )
            report_verification(rates)
            report_span(node, params, shaped, capped)
        finally:
            shaped.close()
            if capped is not None:
                capped.close()


def first_range(params: RegionParams, head: int) -> int:
    """LOG_RANGE_BLOCKS' default covers 10,000 x 2 s (5.5 hours) of the consortium chain; the dense
    chain packs a day into a block, so the same time is a fraction of one: the first range is one
    block, and the reader widens it while answers stay small, as it would on the real chain."""
    return max(1, round(DEFAULT_LOG_RANGE_BLOCKS * head / params.real_span_blocks))


def report_snapshot(written: dict[str, Any], started: dict[str, Any], first_sync: dict[str, Any]) -> None:
    emit(BENCH, "snapshot_write", written["seconds"], "s", bytes=written["bytes"])
    emit(
        BENCH,
        "snapshot_load",
        started["load_seconds"],
        "s",
        note="read, checked against the deployment and restored: the mirror's part of a cold start",
    )
    emit(
        BENCH,
        "cold_start_from_snapshot",
        started["wall_seconds"],
        "s",
        target="<= 2",
        load_seconds=round(started["load_seconds"], 3),
        python_start_to_ready_s=round(started["since_start_seconds"], 3),
        rss_mb=round(started["rss_mb"], 1),
        note="a new process from exec to a ready mirror: interpreter and imports (web3) are most of it",
    )
    emit(
        BENCH,
        "first_sync_after_snapshot",
        first_sync["seconds"],
        "s",
        events=first_sync.get("events"),
        requests=first_sync["requests"],
        note="the snapshot's block hash checked against the chain, nothing new to read",
    )


def report_cold_sync(cold: dict[str, Any], started: dict[str, Any], events: int, blocks: int) -> None:
    if "error" in cold:
        emit(BENCH, "cold_sync_failed", 1, "flag", error=cold["error"])
        return
    emit(
        BENCH,
        "cold_sync_local",
        cold["seconds"],
        "s",
        target="<= 60",
        events=cold["events"],
        of_events=events,
        blocks=blocks,
        requests=cold["requests"],
        calls=cold["calls"],
        note="one verifier process, from nothing, over loopback (counted by a relay)",
    )
    emit(BENCH, "cold_sync_bytes_received", cold["bytes_down"] / 1e6, "MB", requests=cold["requests"])
    emit(
        BENCH,
        "resident_memory_after_sync",
        cold["rss_mb"],
        "MB",
        target="<= 300",
        before_sync_mb=round(started["rss_mb"], 1),
        note="the verifier process's RSS with the whole region mirrored",
    )


def report_catch_up(days: int, answer: dict[str, Any], link: str) -> None:
    extra = {
        "requests": answer["requests"],
        "calls": answer["calls"],
        "bytes_received": answer["bytes_down"],
        "bytes_sent": answer["bytes_up"],
    }
    if "error" in answer:
        emit(
            BENCH,
            f"catch_up_{days}d_{link}_refused",
            answer["seconds"],
            "s",
            error=answer["error"][:300],
            **extra,
        )
        return
    target = {"target": "<= 60"} if (days, link) == (30, "shaped") else {}
    emit(
        BENCH, f"catch_up_{days}d_{link}", answer["seconds"], "s", events=answer["events"], **target, **extra
    )


def report_verification(rates: dict[str, float]) -> None:
    emit(
        BENCH,
        "verify_presentations_per_second_region_mirror",
        rates["region"],
        "1/s",
        demo_mirror=round(rates["demo"], 1),
        note="one core, in process, the same presentation against each mirror in turns",
    )
    emit(
        BENCH, "verify_rate_region_vs_demo_mirror", rates["region"] / rates["demo"], "ratio", target=">= 0.9"
    )


def report_span(node: Node, params: RegionParams, shaped: Probe, capped: Probe) -> None:
    """What empty blocks cost: EMPTY_SPAN of them mined on top, read over the shaped link and through
    the capped node; then what the real span would add, by the requests each needs."""
    mined = time.monotonic()
    for _ in range(0, EMPTY_SPAN, 100):  # in steps, each well inside a request's timeout
        node.call("anvil_mine", [hex(100), hex(BLOCK_SECONDS)])
    mining = time.monotonic() - mined
    month, real_span = 30 * DAY // BLOCK_SECONDS, params.real_span_blocks
    for link, probe, policy in (
        ("shaped", shaped, Policy(shape=Shape())),
        ("capped", capped, Policy(cap=Cap())),
    ):
        answer = probe.sync(policy)
        per_request = answer["seconds"] / max(1, answer["requests"])
        emit(
            BENCH,
            f"empty_span_sync_{link}",
            answer["seconds"],
            "s",
            blocks=EMPTY_SPAN,
            requests=answer["requests"],
            calls=answer["calls"],
            bytes_received=answer["bytes_down"],
            anvil_mining_s=round(mining, 1),
        )
        for name, span in (("30d", month), ("5y", real_span)):
            ranges = span / Cap().max_blocks if link == "capped" else widening_requests(span)
            requests = 2 * ranges  # each range: its eth_getLogs, then the header of its last block
            emit(
                BENCH,
                f"span_extrapolated_{name}_{link}_extra",
                requests * per_request,
                "s",
                span_blocks=span,
                requests=round(requests),
                per_request_s=round(per_request, 3),
                assumes=(
                    "empty ranges of the node's 2,000-block limit, one after another"
                    if link == "capped"
                    else "empty ranges widening from 10,000 to the mirror's 1,000,000 blocks"
                ),
            )


def widening_requests(span: int, start: int = 10_000, ceiling: int = 1_000_000) -> int:
    """Requests a mirror that doubles an empty range from ``start`` up to ``ceiling`` needs for ``span``."""
    requests, size = 0, start
    while span > 0:
        span -= size
        requests += 1
        size = min(ceiling, size * 2)
    return requests


if __name__ == "__main__":
    main()
