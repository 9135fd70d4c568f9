"""What an operator runs: `nansen-issuer serve --workers N` starts N workers behind one port, and a
node serving another chain is refused naming the issuer's own settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from issuer_desk import PASSPHRASE, chain_setup

from issuer.chain_link import ChainLink
from nansen.chain import devchain
from nansen.chain.errors import WrongChainError
from nansen.chain.keystore import load_account

pytestmark = pytest.mark.chain
ROOT = Path(__file__).resolve().parents[2]


def test_serve_with_two_workers(tmp_path: Path) -> None:
    chain = devchain.start(tmp_path / "chain")
    process = None
    try:
        _, settings = chain_setup(tmp_path, chain)
        port = devchain.free_port()
        env = {
            **os.environ,
            "NANSEN_ISSUER_ISSUER_ID": settings.issuer_id,
            "NANSEN_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "NANSEN_ISSUER_DATA_DIR": str(settings.data_dir),
            "NANSEN_ISSUER_RPC_URL": settings.rpc_url,
            "NANSEN_ISSUER_DEPLOYMENTS_DIR": str(settings.deployments_dir),
            "NANSEN_ISSUER_SIGNING_KEY_FILE": str(settings.signing_key_file),
            "NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE": PASSPHRASE,
            "NANSEN_ISSUER_CHAIN_KEYSTORE": str(settings.chain_keystore),
            "NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE": PASSPHRASE,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "issuer.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        workers: list[str] = []
        while time.monotonic() < deadline:
            try:
                healthy = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()["status"] == "ok"
            except httpx.HTTPError:
                healthy = False
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            workers = [c for c in children if "spawn_main" in _cmdline(c)]  # not the resource tracker
            if healthy and len(workers) >= 2:
                break
            assert process.poll() is None, "nansen-issuer serve exited"
            time.sleep(0.2)
        assert len(workers) >= 2, workers
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        devchain.stop(tmp_path / "chain")


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_a_node_of_another_chain_is_refused_naming_the_issuer_settings(
    dev_chain: devchain.DevChain, tmp_path: Path
) -> None:
    setup, settings = chain_setup(tmp_path, dev_chain)
    link = ChainLink(
        rpc_url=dev_chain.rpc_url,
        deployment=replace(setup.deployment, chain_id=1337),
        account=load_account(settings.chain_keystore, PASSPHRASE),
    )
    with pytest.raises(WrongChainError) as refused:
        link.get()
    message = refused.value.user_message
    assert f"serves chain {dev_chain.chain_id}, but the settings expect chain 1337" in message
    assert "NANSEN_ISSUER_RPC_URL" in message and "NANSEN_ISSUER_CHAIN_ID" in message
    assert "NANSEN_RPC_URL" not in message
