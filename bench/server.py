"""A service under load: real uvicorn worker processes on 127.0.0.1, ready when /health answers,
stopped when the benchmark leaves the block."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def uvicorn_server(
    module: str, port: int, env: Mapping[str, str], *, workers: int, ready_timeout: float = 30
) -> Iterator[subprocess.Popen[bytes]]:
    """``module:app_from_environment`` served by ``workers`` processes."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"{module}:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=dict(env),
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(20)


def cpu_seconds(root_pid: int) -> tuple[float, float]:
    """CPU time (user, system) of a process and its direct children (uvicorn's workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    user = system = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root_pid in (pid, ppid):
            user += int(fields[11]) / ticks
            system += int(fields[12]) / ticks
    return user, system
