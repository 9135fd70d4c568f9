"""A real process killed in the middle of writes: the wallet always opens, nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from wallet_cli.store.wallet import Wallet

PASSPHRASE = "a good passphrase"
WRITER = """
import sys
from pathlib import Path
from wallet_cli.store.wallet import Wallet
wallet = Wallet.unlock(Path(sys.argv[1]), sys.argv[2])
for i in range(int(sys.argv[3])):
    wallet.add_credential({"compact": "c%d~" % i, "vct": "t", "claims": {}, "received_at": i})
    wallet.record_event({"event": "received", "issuer": "x", "credential": str(i)})
print("done", flush=True)
"""


def test_crash_before_rename_keeps_the_old_state(tmp_path: Path) -> None:
    Wallet.create(tmp_path / "w", PASSPHRASE, {"kty": "EC"})
    env = {**os.environ, "NANSEN_WALLET_CRASH_AT": "before-rename"}
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(tmp_path / "w"), PASSPHRASE, "1"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 137
    assert list((tmp_path / "w").rglob("*.tmp-nansen"))  # the half-written temp file is there
    wallet = Wallet.unlock(tmp_path / "w", PASSPHRASE)  # cleans it and opens the old state
    assert wallet.credentials() == ([], [])
    assert not list((tmp_path / "w").rglob("*.tmp-nansen"))


def _written(folder: Path) -> int:
    return len(list((folder / "credentials").glob("*.json")))


def test_kill_9_at_random_moments(tmp_path: Path) -> None:
    """Killed after a growing number of credentials were written (not after a fixed time, which a
    loaded machine turns into "before anything was written"): mid-write, every time."""
    Wallet.create(tmp_path / "w", PASSPHRASE, {"kty": "EC"})
    for more in (1, 2, 3, 5, 8):
        target = _written(tmp_path / "w") + more
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "w"), PASSPHRASE, "50"])
        deadline = time.monotonic() + 60
        while _written(tmp_path / "w") < target and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        wallet = Wallet.unlock(tmp_path / "w", PASSPHRASE)
        good, bad = wallet.credentials()
        _events, damaged = wallet.history()
        assert bad == [] and damaged == 0  # never a half-written file
        assert len(good) >= target  # nothing written before the kill is lost
