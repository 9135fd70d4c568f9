"""The whole story with real processes: chain, issuer and verifier under uvicorn, the wallet CLI as
a subprocess (the same story `make demo` tells)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_the_whole_story(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nansen.cli.app", "dev", "story"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**__import__("os").environ, "NANSEN_DATA_DIR": str(tmp_path / "demo")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("  ")]
    assert len(lines) == 9 and all(line.startswith("  ok  ") for line in lines), done.stdout
    assert "REVOKED" in done.stdout and "UNKNOWN" in done.stdout
    assert "Amina" not in done.stdout and "1990-04-01" not in done.stdout  # only the asked claims are shown
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False)
    assert leftovers.stdout.strip() == "", "the story left processes running"
