"""Wallet: cold start of `nansen-wallet list` with 100 credentials, KDF cost per guess, and building a
presentation after unlock (the reference for the cold start is `python -c pass` in the same run)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from world import CLAIMS, make_world

from bench.report import emit
from nansen.crypto.keys import private_key_from_jwk, private_key_to_jwk
from nansen.sdjwt.presentation import create_presentation
from wallet_cli.store.vault import KdfParams
from wallet_cli.store.wallet import Wallet

BENCH = "wallet"
PASSPHRASE = "bench passphrase"


def best_of(command: list[str], env: dict[str, str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True, timeout=60)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    world = make_world()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "wallet"
        wallet = Wallet.create(directory, PASSPHRASE, dict(private_key_to_jwk(world.holder_key)))
        issued = world.issue(1)[0]
        for i in range(100):
            wallet.add_credential(
                {
                    "compact": issued.compact,
                    "vct": "https://nansen.example/credentials/refugee-identity",
                    "issuer_name": "Demo NGO",
                    "claims": CLAIMS,
                    "received_at": i,
                    "verified": True,
                }
            )
        env = {**os.environ, "NANSEN_WALLET_PASSPHRASE": PASSPHRASE, "NANSEN_WALLET_DIR": str(directory)}
        cold = best_of([sys.executable, "-m", "wallet_cli.app", "list"], env)
        python = best_of([sys.executable, "-c", "pass"], env)
        emit(
            BENCH,
            "cold_start_list_100_credentials",
            cold,
            "s",
            target="<= 0.5",
            python_startup_s=round(python, 3),
        )

        params = KdfParams.fresh()
        started = time.perf_counter()
        for _ in range(3):
            params.derive(PASSPHRASE)
        emit(
            BENCH,
            "kdf_seconds_per_guess",
            (time.perf_counter() - started) / 3,
            "s",
            target=">= 0.1",
            kdf=f"scrypt n={params.n} r={params.r} p={params.p}",
        )

        unlocked = Wallet.unlock(directory, PASSPHRASE)
        stored = unlocked.credentials()[0][0]
        holder = private_key_from_jwk(unlocked.holder_jwk)
        runs = 200
        started = time.perf_counter()
        for _ in range(runs):
            create_presentation(
                issued=stored.record["compact"],
                disclose=[("nationality",), ("age_over_18",)],
                holder_key=holder,
                aud="redirect_uri:https://verifier.example/x",
                nonce="n",
                iat=int(time.time()),
            )
        emit(
            BENCH,
            "build_presentation_after_unlock",
            (time.perf_counter() - started) / runs * 1000,
            "ms",
            target="<= 50",
        )


if __name__ == "__main__":
    main()
