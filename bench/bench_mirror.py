"""The registry mirror at the scale of a region (issue 22): one verifier process's cold sync, memory,
catch-up after 1 and 30 days offline over a border post's link and through a public node's limits,
and what the block span adds, on the cached region chain (bench/region). NANSEN_BENCH_MIRROR_SCALE=
small runs a twentieth of the region (10 NGOs) for a quick look.

The region's five years are real transactions and events, but on a chain of one block per day of
activity, not 79 million 2-second blocks: anvil mines an empty block in milliseconds here, so the
real span would take days to build. What the span adds is measured apart, on empty blocks mined
on top (ranges of empty blocks per second, locally and over the shaped link), and extrapolated."""

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
from bench.region.writer import RegionWriter
from bench.relays import Cap, Policy, Relay, Shape
from bench.report import emit

BENCH = "mirror"
SCALES = {"region": RegionParams(), "small": RegionParams(issuers=10)}
TODAY_RANGE = 10_000  # NANSEN_VERIFIER_LOG_RANGE_BLOCKS' default
PUBLIC_RANGE = 2_000  # what an operator sets it to behind a public node
EMPTY_SPAN = 6_000  # empty blocks mined on top to measure what span costs


class Probe:
    """A verifier process (bench/mirror_probe.py) holding one mirror, behind its own relay."""

    def __init__(self, relay: Relay, deployment: dict[str, Any], range_blocks: int) -> None:
        self.relay = relay
        self.range_blocks = range_blocks
        self._process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "mirror_probe.py"),
                relay.url,
                json.dumps(deployment),
                str(range_blocks),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.started = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the mirror probe died; see its output above")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def sync(self, policy: Policy) -> dict[str, Any]:
        """One sync through ``policy``, with what crossed the wire."""
        assert self._process.stdin is not None
        self.relay.policy = policy
        before = self.relay.counts.snapshot()
        self._process.stdin.write("sync\n")
        self._process.stdin.flush()
        answer = self._answer()
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
        with anvil(Path(tmp), load_state=state, start_time=params.start_time, mining=False) as node:
            emit(
                BENCH,
                "anvil_state_load",
                time.monotonic() - loading,
                "s",
                note="anvil reading the cached chain",
            )
            run(node, params, manifest)


def run(node: Node, params: RegionParams, manifest: dict[str, Any]) -> None:
    deployment = manifest["deployment"]
    events = sum(manifest["events"].values())
    with Relay(node.rpc_url) as relay_today, Relay(node.rpc_url) as relay_public:
        today = Probe(relay_today, deployment, TODAY_RANGE)
        public = Probe(relay_public, deployment, PUBLIC_RANGE)
        try:
            cold = today.sync(Policy())
            report_cold_sync(cold, today.started, events, manifest["head"])
            public.sync(Policy())
            first_day = params.days
            for days in (1, 30):
                plan = activity_plan(params, first_day, days, seed=days)
                writer = RegionWriter(node, params, deployment_of(manifest))
                for day in sorted(plan.days):
                    writer.run_day(day, plan.days[day])
                first_day += days
                report_catch_up(days, today.sync(Policy(shape=Shape())), "shaped", today.range_blocks)
                capped = public.sync(Policy(cap=Cap()))
                report_catch_up(days, capped, "capped", public.range_blocks)
                if "error" in capped:
                    public.sync(Policy())  # to the head over the local link, for what follows
            report_span(node, params, today, public)
        finally:
            today.close()
            public.close()


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


def report_catch_up(days: int, answer: dict[str, Any], link: str, range_blocks: int) -> None:
    extra = {
        "requests": answer["requests"],
        "bytes_received": answer["bytes_down"],
        "bytes_sent": answer["bytes_up"],
        "range_blocks": range_blocks,
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


def report_span(node: Node, params: RegionParams, today: Probe, public: Probe) -> None:
    """Seconds per range of empty blocks, over the shaped link and locally, and what 79 million blocks
    (and 30 days' 1.3 million) would add in ranges of each mirror's size."""
    costs: dict[str, float] = {}
    for link, policy in (("shaped", Policy(shape=Shape())), ("local", Policy())):
        mined = time.monotonic()
        node.call("anvil_mine", [hex(EMPTY_SPAN), hex(BLOCK_SECONDS)])
        mining = time.monotonic() - mined
        answer = public.sync(policy)
        ranges = -(-EMPTY_SPAN // public.range_blocks)
        costs[link] = answer["seconds"] / ranges
        emit(
            BENCH,
            f"empty_range_sync_{link}",
            costs[link],
            "s/range",
            blocks=EMPTY_SPAN,
            ranges=ranges,
            requests=answer["requests"],
            bytes_received=answer["bytes_down"],
            anvil_mining_s=round(mining, 1),
        )
        today.sync(Policy())
    real_span, month = params.real_span_blocks, 30 * DAY // BLOCK_SECONDS
    for range_blocks in (TODAY_RANGE, PUBLIC_RANGE):
        emit(
            BENCH,
            f"span_extrapolated_cold_sync_extra_local_range_{range_blocks}",
            real_span / range_blocks * costs["local"],
            "s",
            span_blocks=real_span,
            assumes="a range's cost is the same on a longer chain (anvil scans block numbers in memory)",
        )
        emit(
            BENCH,
            f"span_extrapolated_catch_up_30d_extra_shaped_range_{range_blocks}",
            month / range_blocks * costs["shaped"],
            "s",
            span_blocks=month,
            assumes="ranges fetched one after another, each an empty answer over the shaped link",
        )


if __name__ == "__main__":
    main()
