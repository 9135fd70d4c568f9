"""The outside issuer (tests/interop/outside_issuer.mjs, npm @openid4vc/openid4vci) as a real node
process, and the real nansen-wallet CLI run against it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from interop_support import NodeServer

WALLET = str(Path(sys.executable).with_name("nansen-wallet"))
PASSPHRASE = "a good passphrase"
WalletRun = Callable[..., subprocess.CompletedProcess[str]]


class OutsideIssuer(NodeServer):
    def __init__(self, **options: Any) -> None:
        super().__init__("outside_issuer.mjs", options)
        self.offer_uri: str = self.started["offer_uri"]
        self.tx_code: str | None = self.started["tx_code"]

    def seen(self) -> list[dict[str, Any]]:
        return [r for r in httpx.get(f"{self.base}/seen", timeout=5).json() if r["path"] != "/seen"]

    def requests(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.seen() if r["path"] == path]

    def bodies(self, path: str) -> list[str]:
        return [r["body"] for r in self.requests(path)]


def outside_issuers() -> Iterator[Callable[..., OutsideIssuer]]:
    """A fixture body: starts outside issuers with the options given, stops them all after."""
    started: list[OutsideIssuer] = []

    def start(**options: Any) -> OutsideIssuer:
        started.append(OutsideIssuer(**options))
        return started[-1]

    try:
        yield start
    finally:
        for issuer in started:
            issuer.stop()


def wallet_runner(folder: Path, **env_extra: str) -> WalletRun:
    """Runs the wallet CLI on a new wallet in ``folder`` (without a chain unless env_extra names one)."""
    env = {
        **os.environ,
        "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
        "NANSEN_WALLET_RPC_URL": "http://127.0.0.1:1",  # no chain: the credential is kept unchecked
        **env_extra,
    }

    def run(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [WALLET, "--data-dir", str(folder), "--lang", lang, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("init").returncode == 0
    return run
