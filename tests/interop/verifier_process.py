"""Our verifier as a real uvicorn process beside the issuer, on the same chain, with one officer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from issuer.settings import IssuerSettings
from nansen.chain import devchain
from verifier.officers import OfficerDirectory

ROOT = Path(__file__).resolve().parents[2]


class VerifierProcess:
    def __init__(self, tmp: Path, issuer: IssuerSettings, **extra_env: str) -> None:
        self.port = devchain.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        data_dir = tmp / "verifier"
        self.env = {
            **os.environ,
            "NANSEN_VERIFIER_PUBLIC_URL": self.base,
            "NANSEN_VERIFIER_RPC_URL": issuer.rpc_url,
            "NANSEN_VERIFIER_CHAIN_ID": str(issuer.chain_id),
            "NANSEN_VERIFIER_DEPLOYMENTS_DIR": str(issuer.deployments_dir),
            "NANSEN_VERIFIER_DATA_DIR": str(data_dir),
            "NANSEN_VERIFIER_STATE_DIR": str(tmp / "verifier-state"),
            "NANSEN_VERIFIER_SYNC_INTERVAL_SECONDS": "0.3",
            **extra_env,
        }
        (tmp / "verifier-state").mkdir(parents=True, exist_ok=True)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.officer = {
            "Authorization": f"Bearer {OfficerDirectory(data_dir / 'officers.json').add('Desk', 'officer')}"
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verifier.cli", "serve", "--port", str(self.port)], env=self.env, cwd=ROOT
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, "the verifier did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def request(self, vct: str) -> dict[str, Any]:
        made = httpx.post(
            f"{self.base}/requests",
            json={"credential_type": vct, "claims": [["nationality"], ["age_over_18"]], "purpose": "Entry"},
            headers=self.officer,
            timeout=10,
        )
        assert made.status_code == 201, made.text
        return dict(made.json())

    def result(self, request_id: str) -> tuple[int, dict[str, Any]]:
        answer = httpx.get(
            f"{self.base}/requests/{request_id}/result", params={"wait": 5}, headers=self.officer, timeout=15
        )
        return answer.status_code, dict(answer.json())
