"""A service under load: real uvicorn worker processes on 127.0.0.1, ready when /health answers,
stopped when the benchmark leaves the block."""

from __future__ import annotations

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
