"""The issuer as a real uvicorn process on a free port, and the outside implementations' scripts
(node, one JSON object in argv, one out on stdout)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from issuer_desk import CLAIMS, chain_setup

from issuer.bootstrap import bootstrap_admin
from issuer.settings import IssuerSettings
from nansen.chain import devchain

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NODE_START_TIMEOUT = 60


def node(script: str, payload: dict[str, Any], *, timeout: float = 60) -> dict[str, Any]:
    """Runs tests/interop/<script> with ``payload``; its answer, ``ok`` False with ``error`` if it threw."""
    done = subprocess.run(
        ["node", str(HERE / script), json.dumps(payload)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip(), done.stdout + done.stderr
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


class NodeServer:
    """A server script of tests/interop as a real node process: it prints one JSON line ``{ok, base,
    ...}`` (kept as ``started``) and serves until stopped."""

    def __init__(self, script: str, payload: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            ["node", str(HERE / script), json.dumps(payload)], stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], NODE_START_TIMEOUT)
        if not ready:  # a hung node process must not hang the suite
            self.stop()
            raise AssertionError(f"{script} did not start within {NODE_START_TIMEOUT} s")
        self.started: dict[str, Any] = json.loads(self.process.stdout.readline())
        assert self.started["ok"], self.started
        self.base: str = self.started["base"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


class IssuerProcess:
    def __init__(self, settings: IssuerSettings, port: int, staff_token: str, **extra_env: str) -> None:
        self.settings = settings
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.staff = {"Authorization": f"Bearer {staff_token}"}
        self.env = {**os.environ, **_environment(settings, self.base), **extra_env}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "issuer.cli", "serve", "--port", str(self.port)], env=self.env, cwd=ROOT
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, "the issuer did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "issuer.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def offer(self) -> dict[str, Any]:
        made = httpx.post(f"{self.base}/offers", json={"claims": CLAIMS}, headers=self.staff, timeout=10)
        assert made.status_code == 201, made.text
        return dict(made.json())

    def receive(self, *, dpop: bool = False, holder_private: bool = False) -> dict[str, Any]:
        """A credential taken by the outside wallet (tests/interop/wallet_receive.mjs)."""
        made = self.offer()
        answer = node(
            "wallet_receive.mjs",
            {
                "offer_uri": made["offer_uri"],
                "tx_code": made["tx_code"],
                "dpop": dpop,
                "holder_private": holder_private,
            },
        )
        assert answer["ok"], answer
        return answer


def _environment(settings: IssuerSettings, base: str) -> dict[str, str]:
    return {
        "NANSEN_ISSUER_ISSUER_ID": settings.issuer_id,
        "NANSEN_ISSUER_PUBLIC_URL": base,
        "NANSEN_ISSUER_DATA_DIR": str(settings.data_dir),
        "NANSEN_ISSUER_RPC_URL": settings.rpc_url,
        "NANSEN_ISSUER_CHAIN_ID": str(settings.chain_id),
        "NANSEN_ISSUER_DEPLOYMENTS_DIR": str(settings.deployments_dir),
        "NANSEN_ISSUER_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": settings.signing_key_passphrase.get_secret_value(),
        "NANSEN_ISSUER_CHAIN_KEYSTORE": str(settings.chain_keystore),
        "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": settings.chain_keystore_passphrase.get_secret_value(),
        "NANSEN_ISSUER_BATCH_WINDOW_MS": "100",
    }


def start_issuer(tmp: Path, chain: devchain.DevChain, **extra_env: str) -> IssuerProcess:
    _, settings = chain_setup(tmp, chain)
    process = IssuerProcess(settings, devchain.free_port(), bootstrap_admin(settings, "Admin"), **extra_env)
    process.start()
    return process
