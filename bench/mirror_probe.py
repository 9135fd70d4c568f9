"""One verifier process's chain mirror, driven by the mirror bench over stdin: each line a command
("sync", "quit"), each answer a JSON line. It runs apart from the bench so its resident memory is a
verifier's, not the bench's, and it keeps its mirror between syncs so catch-up is measured."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment
from nansen.chain.mirror import ChainMirror
from nansen.errors import NansenError


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    rpc_url, deployment_json, range_blocks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    deployment = Deployment(**json.loads(deployment_json))
    conn = connect(rpc_url, expected_chain_id=deployment.chain_id, timeout=600)
    mirror = ChainMirror(conn, deployment, max_blocks_per_query=range_blocks)
    print(json.dumps({"ready": True, "rss_mb": resident_mb()}), flush=True)
    for line in sys.stdin:
        if line.strip() != "sync":
            break
        started, calls = time.perf_counter(), mirror.rpc_calls
        try:
            events = mirror.sync()
            answer: dict[str, object] = {"events": events}
        except NansenError as exc:
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answer.update(
            seconds=time.perf_counter() - started,
            calls=mirror.rpc_calls - calls,
            block=mirror.freshness().block_number,
            rss_mb=resident_mb(),
        )
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
