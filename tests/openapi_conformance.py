"""A service's OpenAPI document against its real answers: schemathesis (pinned in the dev group) run
as its own process over HTTP, positive and negative cases, a fixed seed and a bounded number of
examples per operation. Zero server errors and zero conformance failures (status codes, media types,
bodies and headers the document does not declare)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from nansen.chain.devchain import free_port

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
    ]
)
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261206
EXAMPLES = 25  # per operation and phase: enough to reach every declared answer, a minute per service


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app (its lifespan run) on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def run_schemathesis(base: str, token: str, reports: Path) -> subprocess.CompletedProcess[str]:
    """One schemathesis run over the service at ``base`` (signed in with ``token``)."""
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert executable, "schemathesis is not installed (make setup installs the dev group)"
    return subprocess.run(
        [
            executable,
            "--config-file",
            str(CONFIG),
            "run",
            f"{base}/openapi.json",
            "--checks",
            CHECKS,
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--header",
            f"Authorization: Bearer {token}",
            "--report-dir",
            str(reports),
            "--continue-on-failure",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=reports,
    )


def summary(run: subprocess.CompletedProcess[str], *, width: int = 240, lines: int = 300) -> str:
    """schemathesis's report, each line cut short (a generated value may be megabytes long)."""
    text = [line[:width] for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    return "\n".join(text[-lines:])
