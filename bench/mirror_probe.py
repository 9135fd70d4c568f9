"""One verifier process's chain mirror, driven by the mirror bench over stdin: each line a command,
each answer a JSON line. It runs apart from the bench so its resident memory is a verifier's, not
the bench's, and it keeps its mirror between syncs so catch-up is measured.

    mirror_probe.py RPC_URL DEPLOYMENT_JSON LOG_RANGE_BLOCKS [SNAPSHOT]   (SNAPSHOT: start from it)
    sync               -> {"events", "seconds", "calls", "block", "rss_mb"} or {"error", ...}
    snapshot PATH      -> {"bytes", "seconds"}   (the persisted mirror a restarted verifier loads)
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # after the clock: imports are part of a cold start
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment
from nansen.chain.mirror import ChainMirror
from nansen.chain.mirror_snapshot import read_snapshot, write_snapshot
from nansen.errors import NansenError


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    rpc_url, deployment = sys.argv[1], Deployment(**json.loads(sys.argv[2]))
    mirror = ChainMirror(None, deployment, log_range_blocks=int(sys.argv[3]))
    ready: dict[str, object] = {}
    if len(sys.argv) > 4:
        loading = time.perf_counter()
        mirror.restore(read_snapshot(Path(sys.argv[4]), deployment))
        ready.update(load_seconds=time.perf_counter() - loading, block=mirror.freshness().block_number)
    ready.update(ready=True, since_start_seconds=time.perf_counter() - STARTED, rss_mb=resident_mb())
    mirror.attach(connect(rpc_url, expected_chain_id=deployment.chain_id, timeout=600))
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        started, calls = time.perf_counter(), mirror.rpc_calls
        answer: dict[str, object]
        if command == "sync":
            try:
                answer = {"events": mirror.sync()}
            except NansenError as exc:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            answer.update(calls=mirror.rpc_calls - calls, block=mirror.freshness().block_number)
        elif command == "snapshot":
            answer = {"bytes": write_snapshot(Path(argument), mirror.state(), deployment)}
        else:
            break
        answer.update(seconds=time.perf_counter() - started, rss_mb=resident_mb())
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
